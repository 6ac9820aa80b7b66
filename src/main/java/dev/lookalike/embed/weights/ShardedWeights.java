package dev.lookalike.embed.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split into shards, as transformers saves large models: {@code model.safetensors.index.json}
 * (or {@code pytorch_model.bin.index.json}) maps each tensor to the shard file holding it,
 * {@code {"metadata": {...}, "weight_map": {"tensor.name": "model-00001-of-00002.safetensors", …}}};
 * the shards lie beside the index.
 */
final class ShardedWeights implements Weights {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path index;
    private final Map<String, String> shardOf;
    private final Map<String, Weights> shards;

    private ShardedWeights(Path index, Map<String, String> shardOf, Map<String, Weights> shards) {
        this.index = index;
        this.shardOf = shardOf;
        this.shards = shards;
    }

    /**
     * The shard file names an index lists, in first-use order: fetch these beside the index before
     * {@link #open}.
     *
     * @throws WeightsException when the index is missing or malformed, or names a file outside its folder
     */
    static List<String> shardFiles(Path index) throws WeightsException {
        return new ArrayList<>(new LinkedHashSet<>(readWeightMap(index).values()));
    }

    static ShardedWeights open(Path index) throws WeightsException {
        Map<String, String> shardOf = readWeightMap(index);
        Map<String, Weights> shards = new LinkedHashMap<>();
        try {
            for (String file : new LinkedHashSet<>(shardOf.values())) {
                Path shard = index.resolveSibling(file);
                if (!Files.isRegularFile(shard)) {
                    throw new WeightsException(index + " names shard " + file + ", which is not beside it");
                }
                shards.put(file, Weights.open(shard));
            }
            for (Map.Entry<String, String> e : shardOf.entrySet()) {
                if (shards.get(e.getValue()).find(e.getKey()) == null) {
                    throw new WeightsException(index + " puts tensor " + e.getKey() + " in " + e.getValue()
                            + ", which has no such tensor");
                }
            }
        } catch (WeightsException | RuntimeException e) {
            shards.values().forEach(Weights::close);
            throw e;
        }
        return new ShardedWeights(index, shardOf, shards);
    }

    private static Map<String, String> readWeightMap(Path index) throws WeightsException {
        JsonNode map;
        try {
            map = JSON.readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new WeightsException("cannot read sharded checkpoint index " + index + ": " + e.getMessage(), e);
        }
        if (!map.isObject() || map.isEmpty()) {
            throw new WeightsException(index + " is not a sharded checkpoint index: it has no \"weight_map\"");
        }
        Map<String, String> shardOf = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String file = e.getValue().asText("");
            if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.startsWith(".")
                    || file.toLowerCase(Locale.ROOT).endsWith(".index.json")) {
                throw new WeightsException(index + " maps " + e.getKey() + " to \"" + file
                        + "\": a shard must be a file name beside the index");
            }
            shardOf.put(e.getKey(), file);
        }
        return shardOf;
    }

    @Override
    public String source() {
        return index.toString();
    }

    @Override
    public List<String> names() {
        return List.copyOf(shardOf.keySet());
    }

    @Override
    public TensorInfo find(String name) {
        String file = shardOf.get(name);
        return file == null ? null : shards.get(file).find(name);
    }

    @Override
    public ByteBuffer float32(String name) throws WeightsException {
        String file = shardOf.get(name);
        if (file == null) {
            throw new WeightsException(index + " lists no tensor " + name);
        }
        return shards.get(file).float32(name);
    }

    /** The shard files, for a caller that needs to know what was opened. */
    Set<String> files() {
        return shards.keySet();
    }

    @Override
    public void close() {
        List<Weights> open = new ArrayList<>(shards.values());
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }
}
