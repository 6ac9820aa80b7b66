package dev.lookalike.embed;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.util.ProgressBar;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * CLIP on DJL's PyTorch engine, in one of two layouts:
 * <ul>
 *   <li>a Lookalike model package: {@code image.pt} and {@code text.pt}, two TorchScript towers;
 *   <li>DJL's traced HuggingFace CLIP: one TorchScript module taking
 *       {@code (input_ids, attention_mask, pixel_values)} and returning a dict with
 *       {@code text_embeds} and {@code image_embeds}, with {@code tokenizer.json} beside it.
 * </ul>
 */
final class TorchClipModel implements ClipModel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final ImageSpec imageSpec;
    private final int contextLength;
    private final ClipTokenizer tokenizer;
    /** Owned models, closed in reverse order; the image tower joins when first loaded. */
    private final List<Model> models;
    private final ImageTowerLoader imageLoader;
    private volatile Tower<List<float[]>, float[][]> imageTower;
    private final Tower<int[][], float[][]> textTower;
    private final TextPrecision textPrecision;
    private final TextBatcher textBatcher;
    private final int dim;
    private boolean closed;

    /** Loads the image tower when it is first needed: a server answering text queries never pays for it. */
    @FunctionalInterface
    private interface ImageTowerLoader {
        Tower<List<float[]>, float[][]> load(List<Model> owned) throws ModelLoadException;
    }

    private TorchClipModel(String name, ImageSpec imageSpec, int contextLength, ClipTokenizer tokenizer,
                           List<Model> models, ImageTowerLoader imageLoader,
                           Tower<int[][], float[][]> textTower, TextPrecision textPrecision,
                           Integer declaredDim) {
        this.name = name;
        this.textPrecision = textPrecision;
        this.imageSpec = imageSpec;
        this.contextLength = contextLength;
        this.tokenizer = tokenizer;
        this.models = new ArrayList<>(models);
        this.imageLoader = imageLoader;
        this.textTower = textTower;
        this.textBatcher = new TextBatcher(name, ids -> Vectors.normalizeAll(textTower.predict(ids), ids.length));
        this.dim = declaredDim != null ? declaredDim : probeDim();
    }

    /**
     * Loads a Lookalike model package directory (holding {@code lookalike-model.json}).
     *
     * @param precision of the text tower; BFLOAT16 asked for explicitly fails on a package whose text
     *     tower cannot switch (exported before it could), AUTO then stays in float32
     */
    static TorchClipModel loadPackage(Path dir, TextPrecision precision) throws ModelLoadException {
        return TorchThread.call(() -> loadPackageHere(dir, precision));
    }

    private static TorchClipModel loadPackageHere(Path dir, TextPrecision precision) throws ModelLoadException {
        ModelManifest manifest = readManifest(dir);
        ClipTokenizer tokenizer = loadTokenizer(dir.resolve(manifest.text().tokenizer()));
        if (!Files.isRegularFile(dir.resolve("image.pt"))) {
            throw new ModelLoadException("model package " + dir + " has no image.pt");
        }
        Model text = loadTorchScript(dir, "text", manifest.name() + "-text");
        TextPrecision used;
        try {
            used = applyTextPrecision(text, precision, dir);
        } catch (ModelLoadException | RuntimeException e) {
            text.close();
            throw e;
        }
        int size = manifest.image().size();
        ImageTowerLoader imageLoader = owned -> {
            Model image = loadTorchScript(dir, "image", manifest.name() + "-image");
            owned.add(image);
            Tower<List<float[]>, float[][]> tower = new Tower<>(image, new PixelTranslator(size, null));
            checkDim(manifest, "image", probe(tower, size));
            return tower;
        };
        TorchClipModel model;
        try {
            model = new TorchClipModel(manifest.name(), manifest.image(), manifest.text().contextLength(), tokenizer,
                    List.of(text), imageLoader, new Tower<>(text, new TextTranslator(null)),
                    used, manifest.dim());
        } catch (RuntimeException e) {
            text.close();
            throw e;
        }
        try {
            checkDim(manifest, "text", model.embedTexts(List.of(""))[0].length);
        } catch (ModelLoadException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** The method a package's text tower exports to switch its matrix products to bfloat16. */
    static final String USE_BFLOAT16 = "use_bfloat16";

    private static TextPrecision applyTextPrecision(Model text, TextPrecision wanted, Path dir)
            throws ModelLoadException {
        if (wanted.resolve() == TextPrecision.FLOAT32) {
            return TextPrecision.FLOAT32;
        }
        Block block = text.getBlock();
        boolean switchable = block instanceof PtSymbolBlock script
                && Arrays.asList(JniUtils.getMethodNames(script)).contains(USE_BFLOAT16);
        if (!switchable) {
            if (wanted == TextPrecision.BFLOAT16) {
                throw new ModelLoadException("the text tower of " + dir + " cannot run in bfloat16: export the package "
                        + "again with tools/export_clip.py, or set lookalike.text-precision to auto or float32");
            }
            return TextPrecision.FLOAT32;
        }
        try (IValue ignored = IValueUtils.runMethod((PtSymbolBlock) block, USE_BFLOAT16)) {
            return TextPrecision.BFLOAT16;
        } catch (RuntimeException e) {
            throw new ModelLoadException("the text tower of " + dir + " failed to switch to bfloat16: " + e.getMessage(), e);
        }
    }

    private static void checkDim(ModelManifest manifest, String tower, int actual) throws ModelLoadException {
        if (actual != manifest.dim()) {
            throw new ModelLoadException("model " + manifest.name() + " declares dim " + manifest.dim() + " but its "
                    + tower + " tower returns " + actual);
        }
    }

    private static int probe(Tower<List<float[]>, float[][]> tower, int size) throws ModelLoadException {
        try {
            return tower.predict(List.of(new float[3 * size * size]))[0].length;
        } catch (TranslateException | RuntimeException e) {
            tower.close();
            throw new ModelLoadException("image tower fails on a blank image: " + e.getMessage(), e);
        }
    }

    /** The image tower, loaded on first use. */
    private Tower<List<float[]>, float[][]> imageTower() {
        Tower<List<float[]>, float[][]> loaded = imageTower;
        if (loaded != null) {
            return loaded;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("model " + name + " is closed");
            }
            if (imageTower == null) {
                try {
                    imageTower = TorchThread.call(() -> imageLoader.load(models));
                } catch (ModelLoadException e) {
                    throw new EmbeddingException(e.getMessage(), e);
                }
            }
            return imageTower;
        }
    }

    /**
     * Loads DJL's traced HuggingFace CLIP from a local folder, or from a DJL model-zoo URL
     * ({@code djl://…}, {@code file://…}, {@code https://….zip}), downloading it into DJL's cache.
     */
    static TorchClipModel loadHuggingFace(String urlOrNull, Path dirOrNull, String nameOrNull,
                                          TextPrecision precision) throws ModelLoadException {
        if (precision == TextPrecision.BFLOAT16) {
            throw new ModelLoadException("a traced HuggingFace CLIP cannot run its text tower in bfloat16: set "
                    + "lookalike.text-precision to auto or float32, or export the model as a package with "
                    + "tools/export_clip.py --from hf");
        }
        return TorchThread.call(() -> loadHuggingFaceHere(urlOrNull, dirOrNull, nameOrNull));
    }

    private static TorchClipModel loadHuggingFaceHere(String urlOrNull, Path dirOrNull, String nameOrNull)
            throws ModelLoadException {
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine("PyTorch")
                .optDevice(Device.cpu())
                .optTranslator(new NoopTranslator())
                .optProgress(new ProgressBar());
        if (urlOrNull != null) {
            criteria.optModelUrls(urlOrNull);
        } else {
            criteria.optModelPath(dirOrNull);
        }
        ZooModel<NDList, NDList> zoo;
        try {
            zoo = criteria.build().loadModel();
        } catch (ModelNotFoundException e) {
            throw new ModelLoadException("no CLIP model at " + (urlOrNull != null ? urlOrNull : dirOrNull)
                    + ": " + e.getMessage(), e);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            throw new ModelLoadException("cannot load CLIP model " + (urlOrNull != null ? urlOrNull : dirOrNull)
                    + ": " + e.getMessage(), e);
        }
        try {
            Path dir = zoo.getModelPath();
            Path tokenizerFile = dir.resolve("tokenizer.json");
            if (!Files.isRegularFile(tokenizerFile)) {
                throw new ModelLoadException("HuggingFace CLIP model at " + dir + " has no tokenizer.json");
            }
            ClipTokenizer tokenizer = loadTokenizer(tokenizerFile);
            ImageSpec spec = huggingFaceImageSpec(dir);
            int[] dummyText = {tokenizer.startOfText(), tokenizer.endOfText()};
            // one module holds both towers: the image side costs nothing more to have ready
            Tower<List<float[]>, float[][]> images =
                    new Tower<>(zoo, new PixelTranslator(spec.size(), dummyText));
            return new TorchClipModel(nameOrNull != null ? nameOrNull : huggingFaceName(dir), spec, 77, tokenizer, List.of(zoo),
                    owned -> images,
                    new Tower<>(zoo, new TextTranslator(spec)),
                    TextPrecision.FLOAT32, null);
        } catch (ModelLoadException | RuntimeException e) {
            zoo.close();
            throw e;
        }
    }

    /** The name a traced HuggingFace CLIP folder goes by: its serving.properties model id, else the folder's. */
    static String huggingFaceName(Path dir) {
        Path props = dir.resolve("serving.properties");
        if (Files.isRegularFile(props)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(props)) {
                p.load(in);
            } catch (IOException e) {
                // the folder name below is as good a name
            }
            for (String key : List.of("option.model_id", "option.modelName", "modelName")) {
                String v = p.getProperty(key);
                if (v != null && !v.isBlank()) {
                    return v.strip();
                }
            }
        }
        return dir.getFileName().toString();
    }

    /** HuggingFace keeps preprocessing in preprocessor_config.json; without one, OpenAI's at 224. */
    private static ImageSpec huggingFaceImageSpec(Path dir) throws ModelLoadException {
        Path cfg = dir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(cfg)) {
            return ImageSpec.openAiClip(224);
        }
        try {
            JsonNode n = JSON.readTree(cfg.toFile());
            JsonNode crop = n.path("crop_size");
            int size = crop.isInt() ? crop.asInt() : crop.path("height").asInt(224);
            float[] mean = floats(n.path("image_mean"), ImageSpec.openAiClip(size).mean());
            float[] std = floats(n.path("image_std"), ImageSpec.openAiClip(size).std());
            String interpolation = n.path("resample").asInt(3) == 2 ? "bilinear" : "bicubic";
            return new ImageSpec(size, "shortest", interpolation, "center", mean, std);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelLoadException("bad " + cfg + ": " + e.getMessage(), e);
        }
    }

    private static float[] floats(JsonNode array, float[] fallback) {
        if (!array.isArray() || array.size() != 3) {
            return fallback;
        }
        return new float[] {(float) array.get(0).asDouble(), (float) array.get(1).asDouble(),
                (float) array.get(2).asDouble()};
    }

    static ModelManifest readManifest(Path dir) throws ModelLoadException {
        Path file = dir.resolve(ModelManifest.FILE_NAME);
        try {
            return JSON.readValue(file.toFile(), ModelManifest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Jackson's own message quotes the source ("Source: REDACTED …"): name the file, the place and the fault
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : null;
            String where = e.getLocation() != null
                    ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : "";
            throw new ModelLoadException("bad model package " + dir + ": " + file.getFileName() + " is not valid"
                    + where + ": " + (cause != null ? cause.getMessage() : e.getOriginalMessage())
                    + "; re-export the package (tools/export_clip.py)", e);
        } catch (IOException e) {
            throw new ModelLoadException("bad model package " + dir + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static ClipTokenizer loadTokenizer(Path file) throws ModelLoadException {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("tokenizer file " + file + " is missing");
        }
        try {
            return ClipTokenizer.load(file);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    private static Model loadTorchScript(Path dir, String prefix, String name) throws ModelLoadException {
        Path file = dir.resolve(prefix + ".pt");
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("model package " + dir + " has no " + prefix + ".pt");
        }
        Model model = Model.newInstance(name, Device.cpu(), "PyTorch");
        try {
            model.load(dir, prefix);
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelLoadException("cannot load TorchScript " + file + ": " + e.getMessage(), e);
        }
    }

    private int probeDim() {
        return embedTexts(List.of(""))[0].length;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public TextPrecision textPrecision() {
        return textPrecision;
    }

    @Override
    public boolean busy() {
        return TorchThread.busy(); // any model's work: they share the thread and the cores
    }

    @Override
    public ImageSpec imageSpec() {
        return imageSpec;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public float[][] embedPixels(List<float[]> pixels) {
        if (pixels.isEmpty()) {
            return new float[0][];
        }
        imageSpec.checkPixels(pixels);
        try {
            return Vectors.normalizeAll(imageTower().predict(pixels), pixels.size());
        } catch (TranslateException | RuntimeException e) {
            throw new EmbeddingException("image tower of " + name + " failed on a batch of " + pixels.size()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Calls from several threads at once share forward passes: texts that arrive while the tower is
     * busy wait together and run as one batch (see {@link TextBatcher}).
     */
    @Override
    public float[][] embedTexts(List<String> texts) {
        int[][] ids = new int[texts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.encode(texts.get(i), contextLength);
        }
        return textBatcher.embed(ids);
    }

    /** At most this many texts in one forward pass (see {@link TextBatcher}). */
    static final int MAX_BATCH_TEXTS = TextBatcher.MAX_BATCH_TEXTS;

    int textPasses() {
        return textBatcher.passes();
    }

    /** Texts waiting for the text tower right now, for tests. */
    int textsWaiting() {
        return textBatcher.waiting();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        TorchThread.call(() -> {
            if (imageTower != null) {
                imageTower.close();
            }
            textTower.close();
            for (int i = models.size() - 1; i >= 0; i--) {
                models.get(i).close();
            }
            return null;
        });
    }

    /** Pixels [B,3,S,S] in; for the joint HuggingFace module a one-token-pair text rides along. */
    private static final class PixelTranslator implements NoBatchifyTranslator<List<float[]>, float[][]> {
        private final int size;
        private final int[] dummyText;

        PixelTranslator(int size, int[] dummyTextOrNull) {
            this.size = size;
            this.dummyText = dummyTextOrNull;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, List<float[]> batch) {
            NDManager m = ctx.getNDManager();
            int plane = 3 * size * size;
            FloatBuffer buf = FloatBuffer.allocate(batch.size() * plane);
            for (float[] p : batch) {
                buf.put(p);
            }
            buf.flip();
            NDArray pixels = m.create(buf, new Shape(batch.size(), 3, size, size));
            if (dummyText == null) {
                return new NDList(pixels);
            }
            long[] ids = new long[dummyText.length];
            long[] mask = new long[dummyText.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = dummyText[i];
                mask[i] = 1;
            }
            Shape shape = new Shape(1, ids.length);
            return new NDList(m.create(ids, shape), m.create(mask, shape), pixels);
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list) {
            NDArray out = dummyText == null ? list.singletonOrThrow() : named(list, "image_embeds");
            return Vectors.rows(out);
        }
    }

    /** Token ids [B,L] in, padded with 0 to the longest in the batch (not to the context length). */
    private static final class TextTranslator implements NoBatchifyTranslator<int[][], float[][]> {
        private final ImageSpec dummyImage;

        TextTranslator(ImageSpec dummyImageOrNull) {
            this.dummyImage = dummyImageOrNull;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, int[][] batch) {
            NDManager m = ctx.getNDManager();
            int len = Stream.of(batch).mapToInt(a -> a.length).max().orElse(2);
            long[] ids = new long[batch.length * len];
            long[] mask = new long[batch.length * len];
            for (int i = 0; i < batch.length; i++) {
                for (int j = 0; j < batch[i].length; j++) {
                    ids[i * len + j] = batch[i][j];
                    mask[i * len + j] = 1;
                }
            }
            Shape shape = new Shape(batch.length, len);
            if (dummyImage == null) {
                return new NDList(m.create(ids, shape));
            }
            int s = dummyImage.size();
            return new NDList(m.create(ids, shape), m.create(mask, shape), m.zeros(new Shape(1, 3, s, s)));
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list) {
            NDArray out = dummyImage == null ? list.singletonOrThrow() : named(list, "text_embeds");
            return Vectors.rows(out);
        }
    }

    private static NDArray named(NDList list, String key) {
        NDArray a = list.get(key);
        if (a == null) {
            throw new EmbeddingException("model output has no \"" + key + "\" (outputs: " + list.getShapes() + ")");
        }
        return a;
    }
}
