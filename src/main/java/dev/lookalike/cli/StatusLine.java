package dev.lookalike.cli;

import java.io.PrintStream;

/**
 * A status line on stderr for long commands. On a terminal it is redrawn in place, at most ten times
 * a second; elsewhere (a log file, CI) it is printed as a new line every five seconds. Messages print
 * on lines of their own without garbling it.
 */
final class StatusLine {

    private static final long TERMINAL_GAP = 100_000_000L;
    private static final long LOG_GAP = 5_000_000_000L;
    /** Erases the rest of the terminal line (a shorter status after a longer one). */
    private static final String ERASE = "\u001b[K";

    private final PrintStream out;
    private final boolean terminal;
    private long lastDraw;
    private boolean drawn;

    StatusLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A status line on stderr, redrawn in place when stderr's process has a console. */
    static StatusLine onStderr() {
        return new StatusLine(System.err, System.console() != null);
    }

    /**
     * Shows {@code text} unless the last status was shown too recently; {@code last} always shows it
     * and ends the line.
     */
    synchronized void show(String text, boolean last) {
        long now = System.nanoTime();
        if (!last && drawn && now - lastDraw < (terminal ? TERMINAL_GAP : LOG_GAP)) {
            return;
        }
        lastDraw = now;
        drawn = true;
        out.print(text + (terminal ? ERASE : "") + (terminal && !last ? "\r" : "\n"));
        out.flush();
    }

    /** Prints {@code text} on a line of its own; the status reappears with the next {@link #show}. */
    synchronized void message(String text) {
        out.print((terminal ? ERASE : "") + text + "\n");
        out.flush();
    }
}
