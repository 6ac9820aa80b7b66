package dev.lookalike.embed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextPrecisionTest {

    @TempDir
    Path dir;

    @Test
    void findsBfloat16InstructionsInCpuinfoFlags() throws Exception {
        assertTrue(TextPrecision.hasBfloat16Flag(cpuinfo("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n")));
        assertTrue(TextPrecision.hasBfloat16Flag(cpuinfo("flags\t\t: fpu avx512f amx_tile amx_bf16 amx_int8\n")));
        assertTrue(TextPrecision.hasBfloat16Flag(cpuinfo("processor\t: 0\nFeatures\t: fp asimd sve bf16 i8mm\n")));
        // avx512f alone, or a flag that merely contains the letters, is not bfloat16 support
        assertFalse(TextPrecision.hasBfloat16Flag(cpuinfo("flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n")));
        assertFalse(TextPrecision.hasBfloat16Flag(cpuinfo("model name\t: bf16 in a name does not count\nflags\t: sse2 sbf16x\n")));
        assertFalse(TextPrecision.hasBfloat16Flag(dir.resolve("missing")));
    }

    @Test
    void explicitPrecisionsResolveToThemselvesAndAutoToTheCpu() {
        assertEquals(TextPrecision.FLOAT32, TextPrecision.FLOAT32.resolve());
        assertEquals(TextPrecision.BFLOAT16, TextPrecision.BFLOAT16.resolve());
        assertEquals(TextPrecision.cpuHasBfloat16() ? TextPrecision.BFLOAT16 : TextPrecision.FLOAT32,
                TextPrecision.AUTO.resolve());
    }

    private Path cpuinfo(String text) throws Exception {
        Path f = Files.createTempFile(dir, "cpuinfo", "");
        Files.writeString(f, text);
        return f;
    }
}
