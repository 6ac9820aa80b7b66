package dev.lookalike.embed;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/** DJL's package-private JNA interface, named so the substitution below can return it. */
@TargetClass(className = "ai.djl.util.cuda.CudaLibrary")
final class Target_ai_djl_util_cuda_CudaLibrary {
}

/**
 * A change to DJL that applies only inside a native executable (a GraalVM substitution; on the JVM
 * these classes are never used).
 *
 * <p>DJL's {@code CudaUtils} loads the CUDA runtime through JNA when first touched, to count GPUs.
 * Lookalike's native build is CPU-only and carries no JNA native-image configuration, so the probe is
 * replaced by "no CUDA library": DJL then reports zero GPUs and uses the CPU, as it does on the JVM on
 * a machine without CUDA.
 */
@TargetClass(className = "ai.djl.util.cuda.CudaUtils")
final class Target_ai_djl_util_cuda_CudaUtils {

    @Substitute
    private static Target_ai_djl_util_cuda_CudaLibrary loadLibrary() {
        return null;
    }
}
