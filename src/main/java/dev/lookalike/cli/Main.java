package dev.lookalike.cli;

import dev.lookalike.embed.DjlTelemetry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.Map;
import java.util.Set;

/**
 * Entry point. Every command runs inside Quarkus (for CDI and configuration), but only {@code serve}
 * and {@code demo} may open a port: for the others the HTTP listener is switched off before boot.
 */
@QuarkusMain
public final class Main {

    static final Set<String> SERVER_COMMANDS = Set.of("serve", "demo");

    private Main() {}

    public static void main(String... args) {
        DjlTelemetry.optOut();
        if (!opensPort(args)) {
            System.setProperty("quarkus.http.host-enabled", "false");
        }
        // the catalogue and model are loaded by the command that serves them (Serving.start()), when it is ready
        System.setProperty("lookalike.web.load-on-start", "false");
        String command = command(args);
        if ("demo".equals(command)) {
            // the demo builds its own catalogue unless told otherwise, so it never mixes into yours
            System.setProperty("lookalike.catalog", DemoCommand.DEFAULT_CATALOG);
        }
        if (opensPort(args)) {
            serveOptionsToConfig(args);
        }
        Quarkus.run(io.quarkus.picocli.runtime.PicocliRunner.class, args);
    }

    /**
     * True when the first word that is not an option names a command that serves HTTP, and nothing asks for
     * help or the version instead (help never opens a port).
     */
    static boolean opensPort(String... args) {
        String command = command(args);
        if (command == null || !SERVER_COMMANDS.contains(command)) {
            return false;
        }
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return false;
            }
        }
        return true;
    }

    /** The first word that is not an option, or null. */
    static String command(String... args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    /**
     * serve's and demo's --port, --host, --catalog and --model become configuration before boot: the HTTP port is bound
     * while Quarkus starts, before picocli runs. A value that does not parse is left to picocli to report.
     */
    static void serveOptionsToConfig(String... args) {
        Map<String, String> keys = Map.of("--port", "quarkus.http.port", "--host", "quarkus.http.host", "--catalog", "lookalike.catalog",
                "--model", "lookalike.model");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            String key = keys.get(name);
            if (key == null) {
                continue;
            }
            String value = eq > 0 ? a.substring(eq + 1) : i + 1 < args.length ? args[i + 1] : null;
            if (value == null || (name.equals("--port") && !value.matches("\\d{1,5}"))) {
                continue;
            }
            System.setProperty(key, value);
        }
    }
}
