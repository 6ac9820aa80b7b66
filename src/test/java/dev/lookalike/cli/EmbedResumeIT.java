package dev.lookalike.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kill {@code embed} with SIGKILL in the middle; the next run finishes the rest, nothing twice, nothing lost. */
class EmbedResumeIT {

    static final int IMAGES = 400;

    @TempDir
    Path work;

    @Test
    void killedEmbedResumesWhereItStopped() throws Exception {
        Path catalog = work.resolve("big.db");
        Path photos = Files.createDirectories(work.resolve("photos"));
        StringBuilder csv = new StringBuilder("url,name,price,currency,images\n");
        Random rnd = new Random(5);
        for (int i = 0; i < IMAGES; i++) {
            // noisy photos decode slowly enough that the run is still going when we kill it
            BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
            int[] row = new int[640];
            for (int y = 0; y < 480; y++) {
                for (int x = 0; x < 640; x++) {
                    row[x] = rnd.nextInt(0x1000000);
                }
                img.setRGB(0, y, 640, 1, row, 0, 640);
            }
            ImageIO.write(img, "jpg", photos.resolve(i + ".jpg").toFile());
            csv.append("https://shop.test/").append(i).append(",Item ").append(i).append(',').append(i).append(",EUR,photos/")
                    .append(i).append(".jpg\n");
        }
        Files.writeString(work.resolve("big.csv"), csv);
        App.Result imported = App.run(work, "import", "--catalog", catalog.toString(), work.resolve("big.csv").toString());
        assertEquals(0, imported.exit(), imported.err());

        String model = App.MODELS.resolve("colour-clip").toString();
        Process p = App.builder(work, "embed", "--catalog", catalog.toString(), "--model", model, "--batch", "2",
                        "--workers", "1")
                .redirectOutput(work.resolve("kill-out.txt").toFile())
                .redirectError(work.resolve("kill-err.txt").toFile()).start();
        int atKill = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && System.nanoTime() < deadline) {
            atKill = vectors(catalog);
            if (atKill > 0) {
                break;
            }
            Thread.sleep(20);
        }
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int afterKill = vectors(catalog);
        assertTrue(afterKill > 0 && afterKill < IMAGES,
                "the kill must land mid-run (vectors at kill: " + afterKill + " of " + IMAGES + ")");

        App.Result resumed = App.run(work, "embed", "--catalog", catalog.toString(), "--model", model);
        assertEquals(0, resumed.exit(), resumed.err());
        JsonNode s = new ObjectMapper().readTree(resumed.out());
        assertEquals(IMAGES - afterKill, s.get("embedded").asInt(), resumed.out());
        assertEquals(afterKill, s.get("skipped").asInt());
        assertEquals(IMAGES, vectors(catalog));
    }

    static int vectors(Path catalog) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = 5000");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM embeddings")) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            return 0; // the tables may not exist yet
        }
    }
}
