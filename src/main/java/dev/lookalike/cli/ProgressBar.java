package dev.lookalike.cli;

import dev.lookalike.embed.ProgressListener;

import java.util.Locale;

/** A progress bar with count, rate and ETA on a {@link StatusLine}. */
final class ProgressBar implements ProgressListener {

    private final String label;
    private final String unit;
    private final StatusLine line;
    private final long start = System.nanoTime();

    ProgressBar(String label, String unit) {
        this(label, unit, StatusLine.onStderr());
    }

    ProgressBar(String label, String unit, StatusLine line) {
        this.label = label;
        this.unit = unit;
        this.line = line;
    }

    @Override
    public void progress(long done, long total) {
        line.show(render(done, total, (System.nanoTime() - start) / 1e9), total >= 0 && done >= total);
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
