package dev.lookalike.cli;

import dev.lookalike.embed.ProgressListener;

import java.util.Locale;

/**
 * A progress bar with count, rate and ETA on a {@link StatusLine}. With the unit "B" amounts print in
 * KiB, MiB and GiB. The clock restarts when the count goes back or the total changes: a download of
 * several files reports each file from 0 and each gets its own rate.
 */
final class ProgressBar implements ProgressListener {

    private final String label;
    private final String unit;
    private final StatusLine line;
    private long start = System.nanoTime();
    private long lastDone = -1;
    private long lastTotal = Long.MIN_VALUE;

    ProgressBar(String label, String unit) {
        this(label, unit, StatusLine.onStderr());
    }

    ProgressBar(String label, String unit, StatusLine line) {
        this.label = label;
        this.unit = unit;
        this.line = line;
    }

    @Override
    public synchronized void progress(long done, long total) {
        long now = System.nanoTime();
        if (done < lastDone || total != lastTotal) {
            start = now;
        }
        lastDone = done;
        lastTotal = total;
        line.show(render(done, total, (now - start) / 1e9), total >= 0 && done >= total);
    }

    String render(long done, long total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, width * done / total);
            sb.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
            sb.append(amount(done)).append('/').append(amount(total))
                    .append(String.format(Locale.ROOT, " %3d%%", 100 * done / total));
        } else {
            sb.append(amount(done));
        }
        sb.append(' ').append(bytes() ? human(rate, true) : String.format(Locale.ROOT, "%.1f %s", rate, unit))
                .append("/s");
        if (total > 0 && rate > 0 && done < total) {
            long eta = (long) ((total - done) / rate);
            sb.append(String.format(Locale.ROOT, " ETA %d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60));
        }
        return sb.toString();
    }

    private boolean bytes() {
        return unit.equals("B");
    }

    private String amount(long n) {
        return bytes() ? human(n, false) : Long.toString(n);
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 603.2 MiB}: binary units, one decimal above bytes. */
    static String human(double bytes, boolean fractionalBytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        if (u == 0 && !fractionalBytes) {
            return String.format(Locale.ROOT, "%d B", (long) bytes);
        }
        return String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }
}
