package dev.lookalike.embed.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Converts stored tensor bytes (little-endian, as safetensors and PyTorch write them) to float32. */
final class Float32 {

    private Float32() {
    }

    /**
     * The values of {@code src} (little-endian elements of {@code type}, from its position to its
     * limit) as float32 in native order, in a direct buffer; a little-endian float32 source on a
     * little-endian machine is returned as a view, not copied.
     *
     * @throws IllegalArgumentException for a type that is not floating point
     */
    static ByteBuffer convert(ByteBuffer src, DType type) {
        ByteBuffer in = src.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (type == DType.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN && in.isDirect()) {
            return in;
        }
        int count = in.remaining() / type.bytes();
        ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(count, 4)).order(ByteOrder.nativeOrder());
        FloatBuffer f = out.asFloatBuffer();
        switch (type) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    f.put(i, in.getFloat(i * 4));
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    f.put(i, (float) in.getDouble(i * 8));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    f.put(i, Float.intBitsToFloat((in.getShort(i * 2) & 0xffff) << 16));
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    f.put(i, halfToFloat(in.getShort(i * 2)));
                }
            }
            default -> throw new IllegalArgumentException(type + " is not a floating-point type");
        }
        return out;
    }

    /** IEEE 754 binary16 to float, exactly (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f; // subnormal: mant · 2^-24, exact in float
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
