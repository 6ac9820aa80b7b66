package dev.lookalike.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The preprocessing against golden tensors computed by Pillow + torchvision
 * ({@code tools/make_image_fixtures.py}). The 8-bit crop must be identical to Pillow's and the float
 * tensor within {@value #MAX_ABS_ERROR} of torch's (measured: 0, i.e. bit-identical).
 */
class ImagePreprocessorTest {

    /** Bound on |java - torch| per tensor element. Exact 8-bit pixels leave only float rounding. */
    static final double MAX_ABS_ERROR = 1e-6;

    private static final JsonNode EXPECTED = ImageDecoderTest.readJson("expected.json");
    private static final Path SHOP_PHOTOS = Path.of("..", "shared", "photos", "magento-luma", "images");

    private final ImageDecoder decoder = new ImageDecoder();

    static Stream<Arguments> golden() {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode g : EXPECTED.get("golden")) {
            cases.add(Arguments.of(g.get("image").asText(), g.get("size").asInt(), g.get("interpolation").asText(),
                    g.get("u8").asText(), g.get("f32").asText()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} at {1} {2}")
    @MethodSource("golden")
    void matchesTorchvision(String image, int size, String interpolation, String u8, String f32) throws Exception {
        BufferedImage rgb = decoder.decode(ImageDecoderTest.fixture(image)).image();
        ImagePreprocessor pre = new ImagePreprocessor(spec(size, interpolation));

        int[] crop = pre.resizedCrop(rgb);
        byte[] want8 = ImageDecoderTest.fixture(u8);
        assertEquals(size * size * 3, want8.length);
        int mismatches = 0;
        for (int i = 0; i < size * size; i++) {
            int p = crop[i];
            int[] got = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
            for (int c = 0; c < 3; c++) {
                if (got[c] != (want8[i * 3 + c] & 0xFF)) {
                    mismatches++;
                }
            }
        }
        assertEquals(0, mismatches, "8-bit samples that differ from Pillow's resize + crop");

        float[] tensor = pre.pixels(rgb);
        float[] want = floats(ImageDecoderTest.fixture(f32));
        assertEquals(want.length, tensor.length);
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(tensor[i] - want[i]));
        }
        assertTrue(max <= MAX_ABS_ERROR, "max abs error " + max);
    }

    @Test
    void normalisationMatchesTorchForEveryByte() {
        // ToTensor + Normalize of a 256x1 ramp, CHW: channel c, value v at c * 256 + v.
        float[] want = floats(ImageDecoderTest.fixture(EXPECTED.get("normalisation").asText()));
        ImagePreprocessor pre = new ImagePreprocessor(ImageSpec.openAiClip(224));
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                assertEquals(want[c * 256 + v], pre.normalised(c, v), "channel " + c + " value " + v);
            }
        }
    }

    @Test
    void cropOffsetRoundsHalfToEvenLikePython() {
        assertEquals(26, ImagePreprocessor.cropOffset(277, 224)); // round(26.5) == 26
        assertEquals(2, ImagePreprocessor.cropOffset(227, 224)); // round(1.5) == 2
        assertEquals(0, ImagePreprocessor.cropOffset(225, 224)); // round(0.5) == 0
        assertEquals(0, ImagePreprocessor.cropOffset(224, 224));
        assertEquals(-2, ImagePreprocessor.cropOffset(219, 224)); // pads 2 before, 3 after
    }

    @Test
    void cropOffsetFloorRoundsDownLikeTransformers() {
        assertEquals(26, ImagePreprocessor.cropOffsetFloor(277, 224)); // 53 // 2: same as round-half-even here
        assertEquals(1, ImagePreprocessor.cropOffsetFloor(227, 224)); // 3 // 2 == 1; torchvision says 2
        assertEquals(3, ImagePreprocessor.cropOffsetFloor(231, 224)); // 7 // 2 == 3; torchvision round(3.5) == 4
        assertEquals(2, ImagePreprocessor.cropOffsetFloor(229, 224)); // 5 // 2 == 2; torchvision round(2.5) == 2
        assertEquals(0, ImagePreprocessor.cropOffsetFloor(225, 224));
        assertEquals(0, ImagePreprocessor.cropOffsetFloor(224, 224));
        assertEquals(-3, ImagePreprocessor.cropOffsetFloor(219, 224)); // pads ceil(5 / 2) == 3 before, 2 after
        assertEquals(-2, ImagePreprocessor.cropOffsetFloor(220, 224));
    }

    @Test
    void centerFloorCropsOnePixelEarlierWhereTheHalfRoundsUp() {
        // 11 x 8 at size 8: no resize, 3 spare columns; torchvision starts at round(1.5) == 2, transformers at 1
        BufferedImage columns = new BufferedImage(11, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 11; x++) {
                columns.setRGB(x, y, (x * 20) << 16 | (200 - x * 10) << 8 | 7 * y);
            }
        }
        int[] torchvision = new ImagePreprocessor(spec(8, "bicubic", ImageSpec.CROP_CENTER)).resizedCrop(columns);
        int[] transformers = new ImagePreprocessor(spec(8, "bicubic", ImageSpec.CROP_CENTER_FLOOR)).resizedCrop(columns);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(columns.getRGB(x + 2, y) & 0xFFFFFF, torchvision[y * 8 + x], "torchvision " + x + "," + y);
                assertEquals(columns.getRGB(x + 1, y) & 0xFFFFFF, transformers[y * 8 + x], "transformers " + x + "," + y);
            }
        }
        // after a real resize (22 x 16 and 16 x 22 to 11 x 8 and 8 x 11) the two crops of one image are one
        // pixel apart along the long side and identical otherwise
        BufferedImage photo = new BufferedImage(22, 16, BufferedImage.TYPE_INT_RGB);
        java.util.Random rnd = new java.util.Random(3);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 22; x++) {
                photo.setRGB(x, y, rnd.nextInt(0x1000000));
            }
        }
        BufferedImage portrait = new BufferedImage(16, 22, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 22; y++) {
            for (int x = 0; x < 16; x++) {
                portrait.setRGB(x, y, photo.getRGB(y, x));
            }
        }
        for (String interpolation : List.of("bicubic", "bilinear")) {
            ImagePreprocessor round = new ImagePreprocessor(spec(8, interpolation, ImageSpec.CROP_CENTER));
            ImagePreprocessor floor = new ImagePreprocessor(spec(8, interpolation, ImageSpec.CROP_CENTER_FLOOR));
            int[] wideRound = round.resizedCrop(photo);
            int[] wideFloor = floor.resizedCrop(photo);
            int[] tallRound = round.resizedCrop(portrait);
            int[] tallFloor = floor.resizedCrop(portrait);
            for (int y = 0; y < 8; y++) {
                for (int x = 1; x < 8; x++) {
                    assertEquals(wideRound[y * 8 + x - 1], wideFloor[y * 8 + x], interpolation + " wide " + x + "," + y);
                    assertEquals(tallRound[(x - 1) * 8 + y], tallFloor[x * 8 + y], interpolation + " tall " + y + "," + x);
                }
            }
        }
    }

    @Test
    void subImagesAreReadInPlaceCorrectly() throws Exception {
        BufferedImage rgb = decoder.decode(ImageDecoderTest.fixture("photo_320x240.png")).image();
        BufferedImage sub = rgb.getSubimage(17, 9, 250, 200);
        BufferedImage copy = new BufferedImage(250, 200, BufferedImage.TYPE_INT_RGB);
        copy.setRGB(0, 0, 250, 200, sub.getRGB(0, 0, 250, 200, null, 0, 250), 0, 250);
        ImagePreprocessor pre = new ImagePreprocessor(ImageSpec.openAiClip(64));
        assertArrayEquals(pre.pixels(copy), pre.pixels(sub));
    }

    @Test
    void otherImageTypesGiveTheSameTensor() throws Exception {
        BufferedImage rgb = decoder.decode(ImageDecoderTest.fixture("portrait_181x257.png")).image();
        BufferedImage bgr = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(rgb, 0, 0, null);
        ImagePreprocessor pre = new ImagePreprocessor(ImageSpec.openAiClip(32));
        assertArrayEquals(pre.pixels(rgb), pre.pixels(bgr));
    }

    @Test
    void eightThreadsGetIdenticalArrays() throws Exception {
        BufferedImage rgb = decoder.decode(ImageDecoderTest.fixture("photo_320x240.png")).image();
        ImagePreprocessor pre = new ImagePreprocessor(ImageSpec.openAiClip(224));
        float[] reference = pre.pixels(rgb);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> pre.pixels(rgb)));
            }
            for (Future<float[]> f : results) {
                assertArrayEquals(reference, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Real shop photos (1274×1580 JPEG), when the shared folder is there; never copied into the repo. */
    @Test
    void realShopPhotosDecodeAndPreprocess() throws Exception {
        assumeTrue(Files.isDirectory(SHOP_PHOTOS), "no shop photos at " + SHOP_PHOTOS);
        List<Path> photos;
        try (Stream<Path> files = Files.walk(SHOP_PHOTOS)) {
            photos = files.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(3).collect(Collectors.toList());
        }
        assumeTrue(!photos.isEmpty(), "no JPEGs under " + SHOP_PHOTOS);
        ImagePreprocessor pre = new ImagePreprocessor(ImageSpec.openAiClip(224));
        float lowest = (0f - 0.48145466f) / 0.26862954f - 1e-3f;
        float highest = (1f - 0.40821073f) / 0.26130258f + 1e-3f;
        for (Path photo : photos) {
            DecodedImage img = decoder.decode(Files.readAllBytes(photo));
            assertEquals("jpeg", img.format());
            float[] px = pre.pixels(img.image());
            assertEquals(3 * 224 * 224, px.length);
            for (float v : px) {
                assertTrue(v >= lowest && v <= highest, photo + ": value " + v + " out of range");
            }
        }
    }

    @Nested
    class Spec {
        @Test
        void openAiClipIsValid() {
            ImageSpec spec = ImageSpec.openAiClip(224);
            assertEquals(224, spec.size());
            assertEquals("bicubic", spec.interpolation());
            assertArrayEquals(new float[] {0.26862954f, 0.26130258f, 0.27577711f}, spec.std());
            assertEquals(spec, ImageSpec.openAiClip(224));
        }

        @Test
        void readsTheModelPackagesJson() throws Exception {
            String json = """
                    {"size": 224, "resize": "shortest", "interpolation": "bicubic", "crop": "center",
                     "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]}""";
            assertEquals(ImageSpec.openAiClip(224), new ObjectMapper().readValue(json, ImageSpec.class));
            ImageSpec floor = new ObjectMapper().readValue(json.replace("\"center\"", "\"center-floor\""), ImageSpec.class);
            assertEquals(ImageSpec.CROP_CENTER_FLOOR, floor.crop());
        }

        @Test
        void namesTheBadField() {
            float[] three = {0.5f, 0.5f, 0.5f};
            assertBad("image.size", () -> new ImageSpec(0, "shortest", "bicubic", "center", three, three));
            assertBad("image.size", () -> new ImageSpec(5000, "shortest", "bicubic", "center", three, three));
            assertBad("image.resize", () -> new ImageSpec(8, "longest", "bicubic", "center", three, three));
            assertBad("image.interpolation", () -> new ImageSpec(8, "shortest", "lanczos", "center", three, three));
            assertBad("image.interpolation", () -> new ImageSpec(8, "shortest", null, "center", three, three));
            assertBad("image.crop", () -> new ImageSpec(8, "shortest", "bicubic", "random", three, three));
            assertBad("image.mean", () -> new ImageSpec(8, "shortest", "bicubic", "center", new float[2], three));
            assertBad("image.std", () -> new ImageSpec(8, "shortest", "bicubic", "center", three, null));
            assertBad("image.std", () -> new ImageSpec(8, "shortest", "bicubic", "center", three,
                    new float[] {0.5f, 0f, 0.5f}));
        }

        @Test
        void arraysAreCopied() {
            float[] mean = {0.1f, 0.2f, 0.3f};
            ImageSpec spec = new ImageSpec(8, "shortest", "bilinear", "center", mean, mean);
            mean[0] = 9f;
            spec.mean()[1] = 9f;
            assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, spec.mean());
        }

        private void assertBad(String field, org.junit.jupiter.api.function.Executable make) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
            assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
        }
    }

    static ImageSpec spec(int size, String interpolation) {
        return spec(size, interpolation, ImageSpec.CROP_CENTER);
    }

    static ImageSpec spec(int size, String interpolation, String crop) {
        return new ImageSpec(size, "shortest", interpolation, crop,
                new float[] {0.48145466f, 0.4578275f, 0.40821073f},
                new float[] {0.26862954f, 0.26130258f, 0.27577711f});
    }

    static float[] floats(byte[] littleEndian) {
        ByteBuffer buf = ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[littleEndian.length / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }
}
