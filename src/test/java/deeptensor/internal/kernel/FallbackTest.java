package deeptensor.internal.kernel;

import deeptensor.kernel.TensorOps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The library runs without the incubator module. The build runs the suite twice (see
 * {@code ./deeptensor --test}); in the second run the JVM has no Vector API and
 * {@code -Ddeeptensor.test.expectFallback=true} is set, so this test checks that the provider
 * really fell back instead of passing vacuously.
 */
class FallbackTest {

    private static final boolean EXPECT_FALLBACK = Boolean.getBoolean("deeptensor.test.expectFallback");

    @Test
    void theProviderMatchesWhatThisJvmOffers() {
        if (EXPECT_FALLBACK) {
            assertFalse(KernelProvider.vectorModulePresent(), "the fallback run must start the JVM without jdk.incubator.vector");
            assertTrue(KernelProvider.simd().isEmpty());
            assertEquals("scalar", KernelProvider.kernels().name());
            assertTrue(KernelProvider.whySimdIsUnavailable().contains("--add-modules jdk.incubator.vector"));
        } else {
            assertTrue(KernelProvider.vectorModulePresent(), "the main run starts the JVM with jdk.incubator.vector");
        }
        try (Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2); Tensor c = Tensor.zeros(2, 2)) {
            TensorOps.multiply(a, a, c);
            assertEquals(22.0, c.get(1, 1)); // [3 4]·[2 4]ᵀ = 3·2 + 4·4
        }
    }

    @Test
    void aForcedChoiceThatIsUnavailableIsRefusedWithTheReason() {
        if (EXPECT_FALLBACK) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> KernelProvider.choose("simd"));
            assertTrue(e.getMessage().contains("--add-modules"), e.getMessage());
        }
        assertEquals("scalar", KernelProvider.choose("scalar").name());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> KernelProvider.choose("fast"));
    }
}
