package dev.lookalike.embed;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * WebP through libwebp gives Pillow's pixels byte for byte (images/expected.json {@code webp_pillow}, written
 * by tools/make_image_fixtures.py); without it TwelveMonkeys still decodes every WebP fixture.
 */
class WebPTest {

    static final JsonNode EXPECTED = ImageDecoderTest.readJson("expected.json");
    static final String NO_LIBWEBP = "libwebp is not installed (Debian: libwebp7); WebPs decode through TwelveMonkeys";

    @Test
    void libwebpGivesPillowsPixelsByteForByte() throws Exception {
        requireLibwebp();
        ImageDecoder exact = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false, true);
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) EXPECTED.get("webp_pillow")::fields) {
            String file = e.getKey();
            JsonNode want = e.getValue();
            DecodedImage img = exact.decode(ImageDecoderTest.fixture(file));
            assertEquals("webp", img.format(), file);
            assertEquals(want.get("width").asInt(), img.width(), file);
            assertEquals(want.get("height").asInt(), img.height(), file);
            byte[] rgb = rgbBytes(img.image());
            for (JsonNode p : want.get("pixels")) {
                int at = 3 * (p.get("y").asInt() * img.width() + p.get("x").asInt());
                List<Integer> actual = List.of(rgb[at] & 0xFF, rgb[at + 1] & 0xFF, rgb[at + 2] & 0xFF);
                List<Integer> expected = List.of(p.get("rgb").get(0).asInt(), p.get("rgb").get(1).asInt(),
                        p.get("rgb").get(2).asInt());
                assertEquals(expected, actual, file + " pixel " + p.get("x") + "," + p.get("y"));
            }
            assertEquals(want.get("rgb_sha256").asText(),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rgb)), file + " RGB bytes");
            checked.add(file);
        }
        assertTrue(checked.contains("animated.webp") && checked.size() >= 5, "checked " + checked);
    }

    @Test
    void animationGivesItsFirstFrameOnTheCanvas() throws Exception {
        requireLibwebp();
        byte[] animated = ImageDecoderTest.fixture("animated.webp");
        WebP.Features f = WebP.features(animated);
        assertEquals(new WebP.Features(48, 32, true, true), f);
        BufferedImage argb = WebP.decode(animated, f);
        assertEquals(0, argb.getRGB(0, 0), "outside the first frame: transparent black, as libwebp's canvas");
        assertEquals(255, argb.getRGB(10, 10) >>> 24, "inside it: opaque");
    }

    @Test
    void damagedWebpFailsAsWithoutLibwebp() throws Exception {
        requireLibwebp();
        ImageDecoder exact = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false, true);
        ImageDecoder fallback = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false, false);
        for (String file : List.of("lossy.webp", "lossy_alpha.webp", "animated.webp")) {
            byte[] whole = ImageDecoderTest.fixture(file);
            byte[] cut = java.util.Arrays.copyOf(whole, whole.length * 6 / 10);
            String want = assertThrows(ImageDecodeException.class, () -> fallback.decode(cut), file).getMessage();
            assertEquals(want, assertThrows(ImageDecodeException.class, () -> exact.decode(cut), file).getMessage(),
                    file);
        }
        // a canvas past the pixel limit is refused from the header, before any pixel memory
        ImageDecodeException big = assertThrows(ImageDecodeException.class,
                () -> new ImageDecoder(1000, false, true).decode(ImageDecoderTest.fixture("lossy.webp")));
        assertEquals("image too large: 60\u00d740 pixels (limit 1000)", big.getMessage());
    }

    @Test
    void twelveMonkeysStillDecodesEveryWebp() throws Exception {
        ImageDecoder fallback = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false, false);
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) EXPECTED.get("decode")::fields) {
            if (!e.getKey().endsWith(".webp")) {
                continue;
            }
            JsonNode want = e.getValue();
            DecodedImage img = fallback.decode(ImageDecoderTest.fixture(e.getKey()));
            assertEquals(want.get("width").asInt(), img.width(), e.getKey());
            assertEquals(want.get("height").asInt(), img.height(), e.getKey());
            int tolerance = want.get("tolerance").asInt();
            for (JsonNode p : want.get("pixels")) {
                int rgb = img.image().getRGB(p.get("x").asInt(), p.get("y").asInt());
                int[] actual = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
                for (int c = 0; c < 3; c++) {
                    int expected = p.get("rgb").get(c).asInt();
                    assertTrue(Math.abs(actual[c] - expected) <= tolerance, e.getKey() + " pixel " + p.get("x") + ","
                            + p.get("y") + " channel " + c + ": expected " + expected + " ±" + tolerance + ", got "
                            + actual[c]);
                }
            }
        }
    }

    private static void requireLibwebp() {
        if (!WebP.available()) {
            System.out.println("WebPTest: " + NO_LIBWEBP);
        }
        assumeTrue(WebP.available(), NO_LIBWEBP);
    }

    /** R, G, B bytes row by row, as numpy's {@code tobytes()} of Pillow's HxWx3 array. */
    static byte[] rgbBytes(BufferedImage img) {
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        byte[] out = new byte[px.length * 3];
        for (int i = 0; i < px.length; i++) {
            out[3 * i] = (byte) (px[i] >> 16);
            out[3 * i + 1] = (byte) (px[i] >> 8);
            out[3 * i + 2] = (byte) px[i];
        }
        return out;
    }
}
