package dev.lookalike.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Commands that do real model work open no connection to a host the user did not name: DJL's usage
 * tracking ({@code Ec2Utils.callHome}, which asks http://169.254.169.254 who we are) stays off even
 * with {@code DJL_OFFLINE} and {@code OPT_OUT_TRACKING} absent from the environment. Every connect
 * check of the packaged application is recorded by {@link ConnectRecorder}, a watching security
 * manager, which JDK 24 and later can no longer install.
 */
class NoPhoneHomeIT {

    static final String MODEL = App.MODELS.resolve("colour-clip").toString();

    @TempDir
    static Path work;

    static Path boot;

    /** The machine's own name, as {@code InetAddress.getLocalHost} looks it up. */
    static String ownName;

    @BeforeAll
    static void recorderOnBootClassPath() throws Exception {
        int jdk = Runtime.version().feature();
        if (jdk >= 24) {
            String reason = "JDK " + jdk + " cannot install a security manager: connect attempts are not recorded";
            System.out.println("NoPhoneHomeIT skipped: " + reason);
            Assumptions.abort(reason);
        }
        ownName = InetAddress.getLocalHost().getHostName();
        boot = work.resolve("boot");
        Path classFile = boot.resolve(ConnectRecorder.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(classFile.getParent());
        try (InputStream in = ConnectRecorder.class.getResourceAsStream("ConnectRecorder.class")) {
            Files.copy(in, classFile);
        }
    }

    @Test
    void vectorOfTextConnectsNowhere() throws Exception {
        assertConnectsNowhere("vector", "--text", "red", "--model", MODEL);
    }

    @Test
    void embedConnectsNowhere() throws Exception {
        Path photos = Files.createDirectories(work.resolve("photos"));
        StringBuilder csv = new StringBuilder("url,name,price,currency,images\n");
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE};
        for (int i = 0; i < colours.length; i++) {
            BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(colours[i]);
            g.fillRect(0, 0, 64, 48);
            g.dispose();
            ImageIO.write(img, "png", photos.resolve(i + ".png").toFile());
            csv.append("https://shop.test/").append(i).append(",Item ").append(i).append(",1,EUR,photos/")
                    .append(i).append(".png\n");
        }
        Files.writeString(work.resolve("shop.csv"), csv);
        String catalog = work.resolve("shop.db").toString();
        assertConnectsNowhere("import", "--catalog", catalog, work.resolve("shop.csv").toString());
        String out = assertConnectsNowhere("embed", "--catalog", catalog, "--model", MODEL);
        assertEquals(3, new ObjectMapper().readTree(out).get("embedded").asInt(), out);
    }

    /** Runs the command with its connects recorded; returns its standard output. */
    static String assertConnectsNowhere(String... args) throws Exception {
        Path log = Files.createTempFile(work, "connects", ".txt");
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder pb = App.builder(work, List.of("-Xbootclasspath/a:" + boot,
                "-Djava.security.manager=" + ConnectRecorder.class.getName(), "-Dconnect.log=" + log), args);
        Map<String, String> env = pb.environment();
        env.remove("DJL_OFFLINE");
        env.remove("OPT_OUT_TRACKING");
        env.remove("JAVA_TOOL_OPTIONS");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("lookalike " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        String command = "lookalike " + String.join(" ", args);
        assertEquals(0, p.exitValue(), command + ": " + Files.readString(err, StandardCharsets.UTF_8));
        List<String> connects = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
        // JBoss logging looks up the machine's own name (port -1: a look-up, no connect); nothing else may appear
        connects.removeIf(line -> line.startsWith(ownName + " -1\t"));
        assertEquals(List.of(), connects, command + " must not connect anywhere (host port, callers)");
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
