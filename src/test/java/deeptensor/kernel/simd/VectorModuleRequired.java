package deeptensor.kernel.simd;

import deeptensor.kernel.KernelProvider;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Skips the Vector API properties when the JVM runs without {@code jdk.incubator.vector} (the
 * suite's fallback run), where the SIMD classes cannot load; the scalar path is tested there.
 */
public class VectorModuleRequired implements SkipExecutionHook {

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return KernelProvider.vectorModulePresent()
                ? SkipResult.doNotSkip()
                : SkipResult.skip("jdk.incubator.vector is not in this JVM (fallback run): SIMD kernels not tested");
    }
}
