package dev.lookalike.cli;

import dev.lookalike.web.Serving;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Callable;

/**
 * Serves the gallery and the JSON API until stopped. The port, catalogue and model are read by
 * {@link Main} before Quarkus boots (the port must be known then); this command waits for the load,
 * says where to point the browser, and keeps the server up.
 */
@CommandLine.Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the gallery and the JSON API (http://localhost:PORT/) until stopped.")
class ServeCommand extends ModelCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--port", paramLabel = "N",
            description = "HTTP port (default: 8080, or $QUARKUS_HTTP_PORT; 0 picks a free one).")
    Integer port;

    @CommandLine.Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on (default: 127.0.0.1, this machine only; or $LOOKALIKE_WEB_HOST; "
                    + "0.0.0.0 for every interface).")
    String host;

    @Inject
    Serving serving;

    private final PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(catalogPath())) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "catalogue " + catalogPath()
                    + " does not exist: scrape or import a shop into it first");
        }
        err.println("lookalike: loading " + catalogPath() + " with model " + modelSpec() + " …");
        serveUntilStopped(serving, err);
        return ExitCodes.OK;
    }

    /**
     * Starts loading, waits for it, says where to open the browser, and serves until the process is
     * stopped; shared with {@code demo}.
     */
    static void serveUntilStopped(Serving serving, PrintStream err) throws Exception {
        serving.start();
        Serving.Status status = serving.awaitLoaded();
        if (status.phase() != Serving.Phase.READY) {
            if (status.failure() instanceof Exception e) {
                throw e;
            }
            throw new CommandFailure(ExitCodes.FAILED, status.message());
        }
        int actual = ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        err.println("lookalike: " + status.message() + "; open http://localhost:" + actual + "/ (Ctrl+C stops)");
        Quarkus.waitForExit();
    }
}
