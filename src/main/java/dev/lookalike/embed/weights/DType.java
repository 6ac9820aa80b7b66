package dev.lookalike.embed.weights;

/** Element types as checkpoints store them, with their safetensors names (F32, F16, BF16, …). */
public enum DType {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false), U8(1, false), BOOL(1, false);

    private final int bytes;
    private final boolean floating;

    DType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether values convert to float32 without changing meaning (weights); integer tensors are buffers. */
    public boolean floating() {
        return floating;
    }

    /**
     * The type a safetensors header names ({@code "F32"}, {@code "BF16"}, …), spelled exactly as the
     * format does (upper case; the reference reader refuses {@code "f32"} too).
     *
     * @throws IllegalArgumentException for a name this reader does not know (F8 variants, U16, …)
     */
    public static DType ofSafetensors(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported tensor type " + name);
    }
}
