package dev.lookalike.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusLineTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void inALogEachStatusIsALineAndTooFrequentOnesAreSkipped() {
        StatusLine line = new StatusLine(out, false);
        line.show("1 of 3", false);
        line.show("2 of 3", false); // within five seconds of the first: skipped
        line.message("lookalike: bad.jpg: not a photo");
        line.show("3 of 3", true); // the last one always shows
        assertEquals("1 of 3\nlookalike: bad.jpg: not a photo\n3 of 3\n", printed());
    }

    @Test
    void onATerminalTheStatusIsRedrawnInPlaceAndMessagesDoNotGarbleIt() {
        StatusLine line = new StatusLine(out, true);
        line.show("scraping: 10 pages", false);
        line.message("lookalike: https://shop/x: 404");
        line.show("done", true);
        assertEquals("scraping: 10 pages\u001b[K\r\u001b[Klookalike: https://shop/x: 404\ndone\u001b[K\n", printed());
    }

    @Test
    void theProgressBarShowsCountPercentRateAndEta() {
        ProgressBar bar = new ProgressBar("embedding", "images", new StatusLine(out, false));
        assertEquals("embedding [###############               ] 50/100  50% 5.0 images/s ETA 0:00:10",
                bar.render(50, 100, 10));
        assertEquals("downloading model 2.0 KiB 204.8 B/s",
                new ProgressBar("downloading model", "B").render(2048, -1, 10));
        bar.progress(100, 100);
        assertTrue(printed().startsWith("embedding [##############################] 100/100 100%"));
        assertTrue(printed().endsWith("\n"));
    }
}
