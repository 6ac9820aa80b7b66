package dev.lookalike.cli;

/** Ends a command with a message for a person and a specific exit status. */
final class CommandFailure extends RuntimeException {
    final int exitCode;

    CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }
}
