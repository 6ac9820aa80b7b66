package dev.lookalike.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

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
        if (!opensPort(args)) {
            System.setProperty("quarkus.http.host-enabled", "false");
        }
        Quarkus.run(io.quarkus.picocli.runtime.PicocliRunner.class, args);
    }

    /** True when the first word that is not an option names a command that serves HTTP. */
    static boolean opensPort(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("-")) {
                continue;
            }
            return SERVER_COMMANDS.contains(a);
        }
        return false;
    }
}
