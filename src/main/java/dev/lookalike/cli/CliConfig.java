package dev.lookalike.cli;

import io.smallrye.config.ConfigMapping;

/** What only the command line reads; documented in application.properties. */
@ConfigMapping(prefix = "lookalike")
public interface CliConfig {

    /** Print the stack trace under a command's one-line error message. */
    boolean debug();
}
