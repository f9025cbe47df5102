package deeptensor.internal.kernel.simd;

import deeptensor.internal.kernel.KernelProvider;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips the Vector API properties when the JVM runs without {@code jdk.incubator.vector} (the
 * suite's fallback run), where the SIMD classes cannot load; the scalar path is tested there.
 */
public class VectorModuleRequired implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return KernelProvider.vectorModulePresent()
                ? ConditionEvaluationResult.enabled("jdk.incubator.vector is present")
                : ConditionEvaluationResult.disabled("jdk.incubator.vector is not in this JVM (fallback run): SIMD kernels not tested");
    }
}
