package dev.lookalike.embed;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The TurboJPEG fast path decodes exactly what ImageIO (and so Pillow) decodes, and fails the same way. */
class TurboJpegTest {

    static final Path IMAGES = Path.of("src/test/resources/images");

    @Test
    void fastPathGivesTheSamePixelsAsImageIo() throws Exception {
        assumeTrue(TurboJpeg.available(), "libturbojpeg is not installed (Debian: libturbojpeg0); ImageIO decodes JPEGs");
        List<Path> jpegs = new ArrayList<>();
        try (Stream<Path> s = Files.list(IMAGES)) {
            s.filter(p -> p.toString().endsWith(".jpg")).sorted().forEach(jpegs::add);
        }
        Path luma = Path.of("").toAbsolutePath().getParent().resolve("shared/photos/magento-luma/images");
        if (Files.isDirectory(luma)) {
            try (Stream<Path> s = Files.walk(luma)) {
                s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(12).forEach(jpegs::add);
            }
        }
        ImageDecoder fast = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, true);
        ImageDecoder slow = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false);
        int compared = 0;
        for (Path p : jpegs) {
            byte[] bytes = Files.readAllBytes(p);
            DecodedImage a;
            try {
                a = fast.decode(bytes);
            } catch (ImageDecodeException e) {
                ImageDecodeException b = assertThrows(ImageDecodeException.class, () -> slow.decode(bytes), p.toString());
                assertEquals(b.getMessage(), e.getMessage(), p.toString());
                continue;
            }
            DecodedImage b = slow.decode(bytes);
            assertEquals(b.width(), a.width(), p.toString());
            assertEquals(b.height(), a.height(), p.toString());
            assertArrayEquals(pixels(b.image()), pixels(a.image()), p.toString());
            compared++;
        }
        assertTrue(compared >= 10, "compared " + compared);
    }

    private static void assertTrue(boolean condition, String message) {
        org.junit.jupiter.api.Assertions.assertTrue(condition, message);
    }

    private static int[] pixels(BufferedImage img) throws IOException {
        return ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    }
}
