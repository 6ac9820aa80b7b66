package dev.lookalike.cli;

import dev.lookalike.embed.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr with count, rate and ETA. On a terminal it redraws one line; otherwise
 * (a log file, CI) it prints a line every few seconds.
 */
final class ProgressBar implements ProgressListener {

    private final String label;
    private final String unit;
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    ProgressBar(String label, String unit) {
        this.label = label;
        this.unit = unit;
        this.out = System.err;
        this.terminal = System.console() != null;
    }

    @Override
    public synchronized void progress(long done, long total) {
        long now = System.nanoTime();
        boolean finished = total >= 0 && done >= total;
        long gap = terminal ? 100_000_000L : 5_000_000_000L;
        if (!finished && drawn && now - lastDraw < gap) {
            return;
        }
        lastDraw = now;
        drawn = true;
        out.print(render(done, total, (now - start) / 1e9) + (terminal && !finished ? "\r" : "\n"));
        out.flush();
    }

    String render(long done, long total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, width * done / total);
            sb.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
            sb.append(done).append('/').append(total)
                    .append(String.format(Locale.ROOT, " %3d%%", 100 * done / total));
        } else {
            sb.append(done);
        }
        sb.append(String.format(Locale.ROOT, " %.1f %s/s", rate, unit));
        if (total > 0 && rate > 0 && done < total) {
            long eta = (long) ((total - done) / rate);
            sb.append(String.format(Locale.ROOT, " ETA %d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60));
        }
        return sb.toString();
    }
}
