package dev.lookalike.embed;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real TorchScript fixture packages run by real DJL, compared with what PyTorch computed. */
class TorchClipModelTest {

    static final Map<String, ClipModel> MODELS = new HashMap<>();

    @BeforeAll
    static void load() throws Exception {
        for (String name : List.of("tiny-clip", "colour-clip", "tiny-hf-clip")) {
            // float32: the golden vectors are PyTorch's float32 ones (bfloat16 has its own tests below)
            MODELS.put(name, ModelLocator.loadDirectory(Fixtures.model(name), TextPrecision.FLOAT32));
        }
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(ClipModel::close);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-clip", "colour-clip", "tiny-hf-clip"})
    void textVectorsMatchPyTorch(String fixture) {
        ClipModel model = MODELS.get(fixture);
        JsonNode golden = Fixtures.GOLDEN.path("fixtures").path(fixture);
        assertEquals(fixture, model.name());
        for (JsonNode t : golden.path("texts")) {
            String text = t.get("text").asText();
            int[] ids = model.tokenizer().encode(text, model.contextLength());
            assertArrayEquals(toInts(t.get("ids")), ids, "ids of " + text);
            float[] expected = Vectors.normalize(Fixtures.floats(t.get("vector")));
            assertArrayEquals(expected, model.embedText(text), 1e-5f, "vector of " + text);
        }
    }

    @Test
    void bfloat16TextTowerStaysWithinACosineOf1e3OfFloat32() throws Exception {
        JsonNode golden = Fixtures.GOLDEN.path("fixtures").path("tiny-clip");
        try (ClipModel half = ModelLocator.loadDirectory(Fixtures.model("tiny-clip"), TextPrecision.BFLOAT16)) {
            assertEquals(TextPrecision.BFLOAT16, half.textPrecision());
            double worst = 1;
            double largestDiff = 0;
            for (JsonNode t : golden.path("texts")) {
                float[] expected = Vectors.normalize(Fixtures.floats(t.get("vector")));
                float[] v = half.embedText(t.get("text").asText());
                worst = Math.min(worst, Vectors.dot(expected, v));
                for (int i = 0; i < v.length; i++) {
                    largestDiff = Math.max(largestDiff, Math.abs(v[i] - expected[i]));
                }
            }
            assertTrue(worst > 0.999, "cosine to float32 " + worst);
            // and the switch did happen: bfloat16 rounding shows in the vectors
            assertTrue(largestDiff > 1e-5, "bfloat16 vectors equal float32 ones (" + largestDiff + ")");
        }
    }

    @Test
    void autoPrecisionFollowsTheCpuAndFallsBackToFloat32OnTowersThatCannotSwitch() throws Exception {
        TextPrecision expected = TextPrecision.cpuHasBfloat16() ? TextPrecision.BFLOAT16 : TextPrecision.FLOAT32;
        try (ClipModel tiny = ModelLocator.loadDirectory(Fixtures.model("tiny-clip"), TextPrecision.AUTO);
             ClipModel colour = ModelLocator.loadDirectory(Fixtures.model("colour-clip"), TextPrecision.AUTO)) {
            assertEquals(expected, tiny.textPrecision());
            assertEquals(TextPrecision.FLOAT32, colour.textPrecision()); // its text tower has no use_bfloat16()
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"colour-clip", "tiny-hf-clip"})
    void bfloat16AskedOfATowerThatCannotSwitchFailsWithAReason(String fixture) {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelLocator.loadDirectory(Fixtures.model(fixture), TextPrecision.BFLOAT16));
        assertTrue(e.getMessage().contains("bfloat16") && e.getMessage().contains("lookalike.text-precision"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-clip", "colour-clip", "tiny-hf-clip"})
    void imageVectorsMatchPyTorchThroughJavaPreprocessing(String fixture) throws Exception {
        ClipModel model = MODELS.get(fixture);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        ImagePreprocessor pre = new ImagePreprocessor(model.imageSpec());
        for (JsonNode img : Fixtures.GOLDEN.path("fixtures").path(fixture).path("images")) {
            String file = img.get("file").asText();
            byte[] bytes = Files.readAllBytes(Fixtures.MODELS.resolve(file));
            float[] v = model.embedPixels(List.of(pre.pixels(decoder.decode(bytes).image())))[0];
            float[] expected = Vectors.normalize(Fixtures.floats(img.get("vector")));
            // solid colours come out exactly; the gradient depends on every resampled pixel
            float tolerance = file.contains("gradient") ? 2e-3f : 1e-4f;
            assertArrayEquals(expected, v, tolerance, fixture + " " + file);
        }
    }

    @Test
    void paddingToALongerBatchMateChangesNothing() {
        for (ClipModel model : MODELS.values()) {
            float[] alone = model.embedText("red");
            float[][] batch = model.embedTexts(List.of("red", "a long text about a gold purple faucet with chrome"));
            assertArrayEquals(alone, batch[0], 1e-5f, model.name());
        }
    }

    @Test
    void longTextsAreTruncatedNotRefused() {
        ClipModel model = MODELS.get("tiny-clip");
        String longText = "red green blue ".repeat(100);
        int[] ids = model.tokenizer().encode(longText, model.contextLength());
        assertEquals(77, ids.length);
        assertEquals(model.tokenizer().endOfText(), ids[76]);
        assertEquals(16, model.embedText(longText).length);
    }

    @Test
    void colourModelRanksTheRightColourFirst() throws Exception {
        ClipModel model = MODELS.get("colour-clip");
        ImagePreprocessor pre = new ImagePreprocessor(model.imageSpec());
        String[] colours = {"red", "green", "blue", "yellow", "purple", "black", "white"};
        int[][] rgb = {{220, 20, 20}, {20, 180, 30}, {20, 40, 210}, {240, 220, 20}, {128, 0, 160}, {10, 10, 10},
                {250, 250, 250}};
        List<float[]> pixels = new ArrayList<>();
        for (int[] c : rgb) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 30; y++) {
                for (int x = 0; x < 40; x++) {
                    img.setRGB(x, y, (c[0] << 16) | (c[1] << 8) | c[2]);
                }
            }
            pixels.add(pre.pixels(img));
        }
        float[][] images = model.embedPixels(pixels);
        for (int i = 0; i < colours.length; i++) {
            float[] q = model.embedText(colours[i]);
            int best = 0;
            for (int j = 1; j < images.length; j++) {
                if (Vectors.dot(q, images[j]) > Vectors.dot(q, images[best])) {
                    best = j;
                }
            }
            assertEquals(colours[i], colours[best], "query " + colours[i]);
        }
    }

    @Test
    void concurrentCallsGiveTheSameAnswersAsOneThread() throws Exception {
        ClipModel model = MODELS.get("tiny-clip");
        int s = model.imageSpec().size();
        float[] pixels = new float[3 * s * s];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) Math.sin(i * 0.01);
        }
        String[] texts = {"red", "gold purple", "chrome faucet", "a black leather bag"};
        float[][] expectedText = model.embedTexts(List.of(texts));
        float[] expectedImage = model.embedPixels(List.of(pixels))[0];
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        int k = (thread + i) % texts.length;
                        assertArrayEquals(expectedText[k], model.embedText(texts[k]), 1e-5f);
                        assertArrayEquals(expectedImage, model.embedPixels(List.of(pixels))[0], 1e-5f);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void textsArrivingWhileTheTowerIsBusyShareForwardPasses() throws Exception {
        TorchClipModel model = (TorchClipModel) MODELS.get("tiny-clip");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < TorchClipModel.MAX_BATCH_TEXTS + 8; i++) {
            texts.add(i % 3 == 0 ? "gold purple " + i : "a long chrome kitchen faucet with a pull down spray " + i);
        }
        float[][] alone = new float[texts.size()][];
        for (int i = 0; i < alone.length; i++) {
            alone[i] = model.embedText(texts.get(i));
        }
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        TorchThread.execute(() -> {
            running.countDown();
            try {
                busy.await(); // the tower is "busy" until every caller waits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // work queued earlier (drains left over from other tests' calls) has run once this one runs
        assertTrue(running.await(30, TimeUnit.SECONDS), "the PyTorch thread stayed busy");
        ExecutorService callers = Executors.newFixedThreadPool(texts.size());
        try {
            int before = model.textPasses();
            List<Future<float[]>> results = new ArrayList<>();
            for (String t : texts) {
                results.add(callers.submit(() -> model.embedText(t)));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (model.textsWaiting() < texts.size()) {
                assertTrue(System.nanoTime() < deadline, "callers never queued");
                Thread.sleep(5);
            }
            busy.countDown();
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(alone[i], results.get(i).get(), 1e-5f, texts.get(i));
            }
            int passes = model.textPasses() - before;
            // 40 texts of up to ~14 tokens: the caps (32 texts, 512 token positions) allow 2 or 3 passes
            assertTrue(passes >= 2 && passes <= 4, passes + " passes for " + texts.size() + " texts");
        } finally {
            busy.countDown();
            callers.shutdownNow();
        }
    }

    @Test
    void everyVectorHasUnitLength() {
        for (ClipModel model : MODELS.values()) {
            float[] v = model.embedText("gold purple");
            assertEquals(model.dim(), v.length);
            assertEquals(1.0, Vectors.dot(v, v), 1e-5);
        }
        assertTrue(MODELS.get("tiny-hf-clip").imageSpec().size() == 224);
    }

    private static int[] toInts(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
