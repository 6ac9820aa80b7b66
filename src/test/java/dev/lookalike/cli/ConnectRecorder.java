package dev.lookalike.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.Permission;

/**
 * A security manager that allows everything and writes every connect check (socket connects, datagram
 * sends, name look-ups: port -1) to the file named by {@code -Dconnect.log}, one per line: {@code host port},
 * a tab, and the calling frames outside the JDK.
 * JDK 17's {@code Socket.connect}, {@code SocketChannel.connect} (so {@code java.net.http} and Netty) and
 * {@code InetAddress} look-ups all call {@link #checkConnect}. It lives on the boot class path of the
 * application under test ({@link NoPhoneHomeIT}), so it may use java.base only and no nested classes.
 */
@SuppressWarnings("removal")
public final class ConnectRecorder extends SecurityManager {

    private final PrintStream log;

    public ConnectRecorder() throws IOException {
        String file = System.getProperty("connect.log");
        if (file == null) {
            throw new IllegalStateException("-Dconnect.log=<file> is required");
        }
        log = new PrintStream(new FileOutputStream(file, true), true, StandardCharsets.UTF_8);
    }

    @Override
    public void checkConnect(String host, int port) {
        record(host, port);
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
        record(host, port);
    }

    @Override
    public void checkPermission(Permission perm) {
        // everything else is allowed: this manager only watches
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
    }

    private void record(String host, int port) {
        String callers = StackWalker.getInstance().walk(frames -> String.join(" < ", frames
                .map(f -> f.getClassName() + "." + f.getMethodName())
                .filter(f -> !f.startsWith("java.") && !f.startsWith("sun.") && !f.startsWith("jdk.")
                        && !f.startsWith(ConnectRecorder.class.getName()))
                .limit(8).toList()));
        synchronized (log) {
            log.println(host + " " + port + "\t" + callers);
        }
    }
}
