package dev.lookalike.embed.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.weights.DType;
import dev.lookalike.embed.weights.TensorInfo;
import dev.lookalike.embed.weights.Weights;
import dev.lookalike.embed.weights.WeightsException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Named tensors of a checkpoint turned into float32 NDArrays of the shapes the config implies: a
 * missing tensor or a shape that disagrees fails naming the tensor, the file and both shapes. Every
 * array is a copy owned by the given manager (the checkpoint file can be closed afterwards).
 */
final class CheckpointTensors {

    /** Where a tower's tensors come from, given the manager that will own them. */
    @FunctionalInterface
    interface Source {
        CheckpointTensors on(NDManager manager);
    }

    private final Weights weights;
    private final NDManager manager;
    /** Random mode (no checkpoint): the shapes asked for so far, and the generator of their values. */
    private final Map<String, long[]> randomShapes;
    private final SplittableRandom random;

    CheckpointTensors(Weights weights, NDManager manager) {
        this.weights = weights;
        this.manager = manager;
        this.randomShapes = null;
        this.random = null;
    }

    private CheckpointTensors(NDManager manager, long seed) {
        this.weights = null;
        this.manager = manager;
        this.randomShapes = new HashMap<>();
        this.random = new SplittableRandom(seed);
    }

    /** The tensors of a checkpoint. */
    static Source of(Weights weights) {
        return m -> new CheckpointTensors(weights, m);
    }

    /**
     * Random tensors of whatever shape the config implies, uniform in ±0.02 (about the scale of
     * trained CLIP weights, so activations stay finite): for timing a model of a given shape.
     */
    static Source random(long seed) {
        return m -> new CheckpointTensors(m, seed);
    }

    /** Checks that the tensor exists with this shape, without reading it. */
    TensorInfo expect(String name, long... shape) throws ModelLoadException {
        if (weights == null) {
            randomShapes.put(name, shape.clone());
            return new TensorInfo(name, DType.F32, shape);
        }
        TensorInfo info = weights.find(name);
        if (info == null) {
            throw new ModelLoadException(weights.source() + " has no tensor " + name);
        }
        if (!Arrays.equals(info.shape(), shape)) {
            throw new ModelLoadException(weights.source() + ": tensor " + name + " has shape " + info.shapeText()
                    + " but the config implies " + Arrays.toString(shape));
        }
        if (!info.dtype().floating()) {
            throw new ModelLoadException(weights.source() + ": tensor " + name + " is " + info.dtype()
                    + ", not floating point");
        }
        return info;
    }

    /**
     * The tensor as it is stored. A float32 tensor of a mapped checkpoint is not copied: DJL wraps a
     * direct buffer as it is ({@code torch::from_blob}), so the array reads the file's pages, which the
     * kernel can drop and read again under memory pressure; other types arrive converted in a buffer of
     * their own. The mapping is read-only: no operation may write to a weight in place (none does; every
     * operation here starts from an activation).
     */
    NDArray tensor(String name, long... shape) throws ModelLoadException {
        expect(name, shape);
        if (weights == null) {
            return manager.create(floats(name), new Shape(shape));
        }
        try {
            return manager.create(weights.float32(name), new Shape(shape), DataType.FLOAT32);
        } catch (WeightsException e) {
            throw new ModelLoadException("cannot read tensor " + name + " of " + weights.source() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A stored {@code [rows, cols]} matrix transposed to {@code [cols, rows]}, contiguous. */
    NDArray transposed(String name, long rows, long cols) throws ModelLoadException {
        expect(name, rows, cols);
        FloatBuffer in = floats(name);
        float[] out = new float[Math.toIntExact(rows * cols)];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[(int) (c * rows + r)] = in.get((int) (r * cols + c));
            }
        }
        return manager.create(out, new Shape(cols, rows));
    }

    /** Weight parts {@code [out_i, in]} stacked along the output dimension into one {@code [sum out_i, in]}. */
    NDArray stacked(List<String> names, long partRows, long cols) throws ModelLoadException {
        return stacked(names, partRows, new long[] {cols});
    }

    /** Bias parts {@code [out_i]} stacked into one {@code [sum out_i]}. */
    NDArray stackedBias(List<String> names, long partRows) throws ModelLoadException {
        return stacked(names, partRows, new long[0]);
    }

    private NDArray stacked(List<String> names, long partRows, long[] rest) throws ModelLoadException {
        if (names.size() == 1) { // a fused tensor (open_clip's in_proj_weight, every MLP weight): no copy
            long[] shape = new long[rest.length + 1];
            shape[0] = partRows;
            System.arraycopy(rest, 0, shape, 1, rest.length);
            return tensor(names.get(0), shape);
        }
        long per = partRows;
        for (long d : rest) {
            per *= d;
        }
        long[] partShape = new long[rest.length + 1];
        partShape[0] = partRows;
        System.arraycopy(rest, 0, partShape, 1, rest.length);
        for (String name : names) {
            expect(name, partShape);
        }
        FloatBuffer all = ByteBuffer.allocateDirect(Math.toIntExact(per * names.size() * Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (String name : names) {
            all.put(floats(name));
        }
        all.flip();
        long[] shape = partShape.clone();
        shape[0] = partRows * names.size();
        return manager.create(all, new Shape(shape));
    }

    private FloatBuffer floats(String name) throws ModelLoadException {
        if (weights == null) {
            long n = 1;
            for (long d : randomShapes.get(name)) {
                n *= d;
            }
            FloatBuffer values = ByteBuffer.allocateDirect(Math.toIntExact(n * Float.BYTES))
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (long i = 0; i < n; i++) {
                values.put((float) ((random.nextDouble() * 2 - 1) * 0.02));
            }
            return values.flip();
        }
        try {
            return weights.float32(name).order(ByteOrder.nativeOrder()).asFloatBuffer();
        } catch (WeightsException e) {
            throw new ModelLoadException("cannot read tensor " + name + " of " + weights.source() + ": "
                    + e.getMessage(), e);
        }
    }
}
