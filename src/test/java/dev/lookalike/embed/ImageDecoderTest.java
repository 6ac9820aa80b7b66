package dev.lookalike.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder against fixtures written by {@code tools/make_image_fixtures.py}: sizes, formats and
 * sample pixels that Pillow reports for the same files, and the messages for files that must be refused.
 */
class ImageDecoderTest {

    private static final JsonNode EXPECTED = readJson("expected.json");
    private final ImageDecoder decoder = new ImageDecoder();

    static Stream<Arguments> decodable() {
        List<Arguments> cases = new ArrayList<>();
        EXPECTED.get("decode").fields().forEachRemaining(e -> cases.add(Arguments.of(e.getKey(), e.getValue())));
        return cases.stream();
    }

    static Stream<Arguments> refused() {
        List<Arguments> cases = new ArrayList<>();
        EXPECTED.get("refused").fields()
                .forEachRemaining(e -> cases.add(Arguments.of(e.getKey(), e.getValue().asText())));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodable")
    void decodesLikePillow(String file, JsonNode expected) throws Exception {
        DecodedImage img = decoder.decode(fixture(file));

        assertEquals(expected.get("format").asText(), img.format());
        assertEquals(expected.get("width").asInt(), img.width(), "width");
        assertEquals(expected.get("height").asInt(), img.height(), "height");
        assertEquals(BufferedImage.TYPE_INT_RGB, img.image().getType());
        // Lossy files are decoded by a different JPEG/WebP decoder than Pillow's: allow its rounding.
        int tolerance = expected.get("tolerance").asInt();
        for (JsonNode px : expected.get("pixels")) {
            int x = px.get("x").asInt();
            int y = px.get("y").asInt();
            int rgb = img.image().getRGB(x, y);
            int[] actual = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
            for (int c = 0; c < 3; c++) {
                int want = px.get("rgb").get(c).asInt();
                if (Math.abs(actual[c] - want) > tolerance) {
                    fail(file + " pixel (" + x + "," + y + ") channel " + c + ": expected " + want + " ±" + tolerance
                            + ", got " + actual[c] + " (all: " + px.get("rgb") + " vs " + List.of(actual[0], actual[1],
                            actual[2]) + ")");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWithAMessageForAPerson(String file, String message) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(fixture(file)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void exifRotationSwapsWidthAndHeightAndPutsCornersRight() throws Exception {
        // Stored 60x40 with quadrants red | green over blue | yellow, tagged "rotate 90° clockwise".
        DecodedImage img = decoder.decode(fixture("exif_orientation_6.jpg"));
        assertEquals(40, img.width());
        assertEquals(60, img.height());
        assertDominant(img.image().getRGB(4, 4), "blue");
        assertDominant(img.image().getRGB(35, 4), "red");
        assertDominant(img.image().getRGB(4, 55), "yellow");
        assertDominant(img.image().getRGB(35, 55), "green");
    }

    @Test
    void cmykJpegComesOutInRoughlyTheRightColours() throws Exception {
        DecodedImage img = decoder.decode(fixture("cmyk.jpg"));
        assertEquals(60, img.width());
        assertDominant(img.image().getRGB(4, 4), "red");
        assertDominant(img.image().getRGB(55, 4), "green");
        assertDominant(img.image().getRGB(4, 35), "blue");
        assertDominant(img.image().getRGB(55, 35), "yellow");
    }

    @Test
    void transparencyIsCompositedOnWhite() throws Exception {
        BufferedImage img = decoder.decode(fixture("rgba.png")).image();
        assertEquals(0xFFFFFF, img.getRGB(40, 28) & 0xFFFFFF, "fully transparent");
        assertEquals(0xC81414, img.getRGB(2, 2) & 0xFFFFFF, "opaque");
        // (20, 20, 200) at alpha 128: round((c*128 + 255*127) / 255)
        assertEquals((137 << 16) | (137 << 8) | 227, img.getRGB(30, 8) & 0xFFFFFF, "half transparent");
    }

    @Test
    void bombIsRefusedFromItsHeader() {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(fixture("bomb.png")));
        assertEquals("image too large: 50000\u00d750000 pixels (limit 40000000)", e.getMessage());
    }

    @Test
    void limitIsTheDecodersOwn() {
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> new ImageDecoder(1000).decode(fixture("photo_320x240.png")));
        assertEquals("image too large: 320\u00d7240 pixels (limit 1000)", e.getMessage());
    }

    @Test
    void nullIsAnEmptyFile() {
        assertEquals("empty file", assertThrows(ImageDecodeException.class, () -> decoder.decode(null)).getMessage());
    }

    @Test
    void recognisesOtherTextServedAsAnImage() {
        Map<String, String> cases = Map.of(
                "\uFEFF  <html><body>moved</body></html>", "not an image: looks like HTML",
                "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", "not an image: looks like SVG",
                "{\"error\": \"not found\"}", "not an image: looks like JSON",
                "Access denied\n", "not an image: looks like text");
        cases.forEach((text, message) -> assertEquals(message, assertThrows(ImageDecodeException.class,
                () -> decoder.decode(text.getBytes(StandardCharsets.UTF_8))).getMessage()));
    }

    @Test
    void truncatedPngIsRefused() throws Exception {
        byte[] png = fixture("photo_320x240.png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        assertEquals("truncated image",
                assertThrows(ImageDecodeException.class, () -> decoder.decode(cut)).getMessage());
    }

    /** Random damage to real files must never escape as anything but ImageDecodeException. */
    @Test
    void corruptFilesNeverCrashTheCaller() throws Exception {
        Random random = new Random(42);
        int decoded = 0;
        for (String file : List.of("quadrants.jpg", "progressive.jpg", "rgba.png", "palette_transparent.png",
                "animated.gif", "lossy.webp", "lossless.webp", "quadrants.bmp", "cmyk.jpg")) {
            byte[] original = fixture(file);
            for (int round = 0; round < 60; round++) {
                byte[] damaged = original.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    // Keep the magic number so the real plugin, not the sniffer, sees the damage.
                    int at = 4 + random.nextInt(damaged.length - 4);
                    damaged[at] = (byte) random.nextInt(256);
                }
                try {
                    DecodedImage img = decoder.decode(damaged);
                    assertNotNull(img.image());
                    decoded++;
                } catch (ImageDecodeException expected) {
                    assertNotNull(expected.getMessage());
                }
            }
        }
        assertTrue(decoded > 0, "some damage is harmless; if nothing decodes the test proves little");
    }

    @Test
    void thumbnailFitsTheLongestSideAndKeepsSmallImages() throws Exception {
        BufferedImage photo = decoder.decode(fixture("photo_320x240.png")).image();
        DecodedImage thumb = decoder.decode(ImageDecoder.thumbnailJpeg(photo, 100));
        assertEquals("jpeg", thumb.format());
        assertEquals(100, thumb.width());
        assertEquals(75, thumb.height());

        DecodedImage same = decoder.decode(ImageDecoder.thumbnailJpeg(photo, 1000));
        assertEquals(320, same.width());
        assertEquals(240, same.height());

        // The downscale averages: a solid quadrant stays its colour.
        BufferedImage quad = decoder.decode(fixture("quadrants.bmp")).image();
        DecodedImage small = decoder.decode(ImageDecoder.thumbnailJpeg(quad, 30));
        assertEquals(30, small.width());
        assertEquals(20, small.height());
        assertDominant(small.image().getRGB(3, 3), "red");
        assertDominant(small.image().getRGB(26, 16), "yellow");
    }

    @Test
    void everyOrientationMatchesPillowsTranspose() {
        // A 3x2 image with distinct pixels; Pillow's exif_transpose results, row by row.
        BufferedImage src = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        src.setRGB(0, 0, 3, 2, new int[] {1, 2, 3, 4, 5, 6}, 0, 3);
        Map<Integer, int[]> expected = Map.of(
                1, new int[] {1, 2, 3, 4, 5, 6},
                2, new int[] {3, 2, 1, 6, 5, 4},
                3, new int[] {6, 5, 4, 3, 2, 1},
                4, new int[] {4, 5, 6, 1, 2, 3},
                5, new int[] {1, 4, 2, 5, 3, 6},
                6, new int[] {4, 1, 5, 2, 6, 3},
                7, new int[] {6, 3, 5, 2, 4, 1},
                8, new int[] {3, 6, 2, 5, 1, 4});
        expected.forEach((orientation, want) -> {
            BufferedImage out = ImageDecoder.orient(src, orientation);
            int[] got = out.getRGB(0, 0, out.getWidth(), out.getHeight(), null, 0, out.getWidth());
            for (int i = 0; i < got.length; i++) {
                got[i] &= 0xFFFFFF;
            }
            assertArrayEquals(want, got, "orientation " + orientation);
        });
    }

    @Test
    void orientationParserSurvivesDamagedExif() throws Exception {
        byte[] jpeg = fixture("exif_orientation_6.jpg");
        assertEquals(6, ImageDecoder.jpegOrientation(jpeg));
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] damaged = Arrays.copyOf(jpeg, 3 + random.nextInt(200));
            for (int i = 0; i < 3; i++) {
                damaged[2 + random.nextInt(damaged.length - 2)] = (byte) random.nextInt(256);
            }
            int o = ImageDecoder.jpegOrientation(damaged);
            assertTrue(o >= 1 && o <= 8);
        }
    }

    private static void assertDominant(int rgb, String colour) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        boolean ok = switch (colour) {
            case "red" -> r > g + 80 && r > b + 80;
            case "green" -> g > r + 80 && g > b + 80;
            case "blue" -> b > r + 80 && b > g + 80;
            case "yellow" -> r > b + 80 && g > b + 80;
            default -> throw new IllegalArgumentException(colour);
        };
        assertTrue(ok, "expected " + colour + ", got rgb(" + r + ", " + g + ", " + b + ")");
    }

    static byte[] fixture(String name) {
        try (InputStream in = ImageDecoderTest.class.getResourceAsStream("/images/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture images/" + name
                        + "; run tools/make_image_fixtures.py");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJson(String name) {
        try {
            return new ObjectMapper().readTree(fixture(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
