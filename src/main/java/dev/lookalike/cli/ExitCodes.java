package dev.lookalike.cli;

/** Exit statuses of every command, as documented in the README. */
final class ExitCodes {
    static final int OK = 0;
    /** Something failed that is not one of the cases below. */
    static final int FAILED = 1;
    /** Bad arguments (picocli's own status for usage errors). */
    static final int USAGE = 2;
    /** The product, file or collection asked for does not exist. */
    static final int NOT_FOUND = 3;
    /** The model cannot be found, fetched or loaded. */
    static final int MODEL = 4;
    /** The catalogue cannot be opened, read or written. */
    static final int CATALOG = 5;

    private ExitCodes() {}
}
