package dev.lookalike.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {

    @Test
    void bytesShowInBinaryUnitsWithRateAndTimeLeft() {
        ProgressBar bar = new ProgressBar("downloading model", "B", new StatusLine(System.err, false));
        assertEquals("downloading model [###############               ] 300.0 MiB/600.0 MiB  50% 10.0 MiB/s"
                + " ETA 0:00:30", bar.render(300L << 20, 600L << 20, 30));
        assertEquals("downloading model [##############################] 512 B/512 B 100% 512.0 B/s",
                bar.render(512, 512, 1));
        assertEquals("1.5 GiB", ProgressBar.human(1.5 * (1L << 30), false));
    }

    @Test
    void theClockRestartsForEachFile() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("downloading model", "B",
                new StatusLine(new PrintStream(out, true, StandardCharsets.UTF_8), false));
        bar.progress(0, 1000);
        Thread.sleep(300);
        bar.progress(1000, 1000); // a first file, 1000 B in about 0.3 s
        bar.progress(0, 4000); // the next file starts the clock again
        bar.progress(4000, 4000);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("downloading model [##############################] 3.9 KiB/3.9 KiB 100%"), last);
        // Timed from the first file's start it would be about 13 KiB/s; timed from its own it is far more.
        String[] rate = last.replaceAll(".* ([0-9.]+) (B|KiB|MiB|GiB)/s$", "$1 $2").split(" ");
        double kib = Double.parseDouble(rate[0]) * switch (rate[1]) {
            case "B" -> 1.0 / 1024;
            case "KiB" -> 1;
            case "MiB" -> 1024;
            default -> 1024 * 1024;
        };
        assertTrue(kib > 100, last);
    }
}
