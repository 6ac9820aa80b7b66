package dev.lookalike.embed.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.lookalike.embed.weights.ExpectedTensors.DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ShardedWeights} over the fixture's two safetensors shards and its two torch.save shards. */
class ShardedWeightsTest {

    @TempDir
    Path tmp;

    @Test
    void readsSafetensorsShards() throws Exception {
        checkShards(DIR.resolve("sharded/model.safetensors.index.json"),
                Set.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));
    }

    @Test
    void readsPytorchShards() throws Exception {
        checkShards(DIR.resolve("sharded/pytorch_model.bin.index.json"),
                Set.of("pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"));
    }

    private static void checkShards(Path index, Set<String> files) throws Exception {
        assertEquals(files, Set.copyOf(ShardedWeights.shardFiles(index)));
        try (Weights w = Weights.open(index)) {
            assertTrue(w instanceof ShardedWeights);
            assertEquals(files, ((ShardedWeights) w).files());
            List<String> sorted = new ArrayList<>(ExpectedTensors.order());
            sorted.sort(null);
            assertEquals(sorted, w.names(), "the weight_map's order (transformers sorts it)");
            for (String name : ExpectedTensors.order()) {
                ExpectedTensors.check(w, name);
            }
            WeightsException e = assertThrows(WeightsException.class, () -> w.float32("visual.proj"));
            assertTrue(e.getMessage().contains("visual.proj") && e.getMessage().contains(index.getFileName().toString()));
        }
    }

    @Test
    void aMissingShardIsNamed() throws Exception {
        Path index = tmp.resolve("model.safetensors.index.json");
        Files.copy(DIR.resolve("sharded/model.safetensors.index.json"), index);
        Files.copy(DIR.resolve("sharded/model-00001-of-00002.safetensors"), tmp.resolve("model-00001-of-00002.safetensors"));
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(index));
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
    }

    @Test
    void anIndexMayNotNameAnotherIndexOrAPath() throws Exception {
        for (String shard : List.of("model.safetensors.index.json", "../model.safetensors", "sub/model.safetensors")) {
            Path index = tmp.resolve("model.safetensors.index.json");
            Files.writeString(index, "{\"weight_map\": {\"w\": \"" + shard + "\"}}");
            WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(index));
            assertTrue(e.getMessage().contains("a shard must be a file name beside the index"), e.getMessage());
        }
    }
}
