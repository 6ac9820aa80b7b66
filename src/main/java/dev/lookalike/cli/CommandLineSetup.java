package dev.lookalike.cli;

import dev.lookalike.catalog.CatalogException;
import dev.lookalike.embed.EmbeddingException;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.search.SearchException;
import dev.lookalike.search.UnknownProductException;
import dev.lookalike.search.UnusablePhotosException;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/** Maps failures to a one-line message on stderr and an exit status: no stack traces for users. */
@ApplicationScoped
class CommandLineSetup {

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory, CliConfig config) {
        CommandLine cmd = factory.create();
        cmd.setExecutionExceptionHandler((ex, line, parsed) -> {
            Throwable e = ex;
            if (e instanceof CommandLine.ExecutionException && e.getCause() != null) {
                e = e.getCause();
            }
            int code = exitCode(e);
            line.getErr().println("lookalike: " + message(e));
            if (config.debug()) {
                e.printStackTrace(line.getErr());
            }
            return code;
        });
        return cmd;
    }

    static int exitCode(Throwable e) {
        if (e instanceof CommandFailure f) {
            return f.exitCode;
        }
        if (e instanceof UnknownProductException) {
            return ExitCodes.NOT_FOUND;
        }
        if (e instanceof ModelLoadException) {
            return ExitCodes.MODEL;
        }
        if (e instanceof CatalogException) {
            return ExitCodes.CATALOG;
        }
        if (e instanceof SearchException || e instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILED;
    }

    static String message(Throwable e) {
        if (e instanceof CommandFailure || e instanceof UnknownProductException || e instanceof UnusablePhotosException
                || e instanceof ModelLoadException
                || e instanceof CatalogException || e instanceof SearchException || e instanceof EmbeddingException
                || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
