package dev.lookalike.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * How a model package's text tower multiplies its weight matrices. A text query is a handful of
 * tokens, so the tower is a chain of matrix-vector products whose time goes into reading the weights:
 * bfloat16 weights halve that, and CPUs with bfloat16 instructions turn it into about half the time.
 * Text vectors then differ from float32 ones by about 1e-4 in cosine ({@code tools/export_clip.py}
 * checks it for every package it writes). Photos are always embedded in float32.
 */
public enum TextPrecision {
    /** bfloat16 where the CPU multiplies bfloat16 natively (AVX512-BF16, AMX, Arm BF16), else float32. */
    AUTO,
    /** The package's float32 weights, exactly. */
    FLOAT32,
    /** bfloat16 matrix products (float32 LayerNorm, softmax and residual stream), on any CPU. */
    BFLOAT16;

    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");
    private static volatile Boolean nativeBfloat16;

    /** FLOAT32 or BFLOAT16: what this precision means on this machine. */
    public TextPrecision resolve() {
        return this == AUTO ? (cpuHasBfloat16() ? BFLOAT16 : FLOAT32) : this;
    }

    /** Whether this machine's CPU has bfloat16 matrix instructions (Linux only; elsewhere false). */
    public static boolean cpuHasBfloat16() {
        Boolean known = nativeBfloat16;
        if (known == null) {
            known = hasBfloat16Flag(CPU_INFO);
            nativeBfloat16 = known;
        }
        return known;
    }

    /** Reads a cpuinfo file: x86 {@code flags} with avx512_bf16 or amx_bf16, or Arm {@code Features} with bf16. */
    static boolean hasBfloat16Flag(Path cpuInfo) {
        if (!Files.isReadable(cpuInfo)) {
            return false;
        }
        try (Stream<String> lines = Files.lines(cpuInfo)) {
            return lines.filter(l -> l.startsWith("flags") || l.startsWith("Features"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
                    .anyMatch(flags -> Arrays.stream(flags)
                            .anyMatch(f -> f.equals("avx512_bf16") || f.equals("amx_bf16") || f.equals("bf16")));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
