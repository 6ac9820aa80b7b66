package dev.lookalike.embed.weights;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Named tensors of a checkpoint, read without holding the whole file in memory: a safetensors file is
 * mapped, a PyTorch zip read entry by entry, and only the tensor asked for is touched. Not thread-safe; close it when the weights are loaded.
 */
public interface Weights extends AutoCloseable {

    /** What the tensors come from, for messages (a file name). */
    String source();

    /** Every tensor name, in the checkpoint's order. */
    List<String> names();

    /** The tensor's type and shape, or null when the checkpoint has no tensor of that name. */
    TensorInfo find(String name);

    /**
     * The tensor's values as float32 in native byte order, row-major, in a direct buffer that DJL can
     * take as it is. float16, bfloat16 and float64 are converted; float32 may come as a view of the
     * mapped file: read-only, and valid after {@link #close} too (a mapping outlives its channel and
     * lasts while the buffer is reachable), so an array may wrap it without a copy.
     *
     * @throws WeightsException when there is no such tensor, it is not a floating-point tensor, or its
     *     bytes cannot be read
     */
    ByteBuffer float32(String name) throws WeightsException;

    @Override
    void close();

    /**
     * Opens a checkpoint by its file name: {@code *.safetensors}, a PyTorch zip ({@code *.bin},
     * {@code *.pt}, {@code *.pth}), or a sharded checkpoint's {@code *.index.json}.
     *
     * @throws WeightsException when the file is missing, of an unknown kind, or malformed
     */
    static Weights open(Path file) throws WeightsException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".index.json")) {
            return ShardedWeights.open(file);
        }
        if (name.endsWith(".safetensors")) {
            return SafetensorsFile.open(file);
        }
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
            return PytorchZipFile.open(file);
        }
        throw new WeightsException("cannot read weights from " + file
                + ": expected .safetensors, a PyTorch .bin/.pt/.pth, or a sharded checkpoint's .index.json");
    }
}
