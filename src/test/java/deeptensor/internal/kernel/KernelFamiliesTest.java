package deeptensor.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * The per-model kernel families go with the general kernels chosen: the scalar references with the
 * scalar kernels, the Vector API classes (found by name) with the Vector API kernels; a family with
 * no Vector API class runs on its scalar reference.
 */
class KernelFamiliesTest {

    /** A family that only has a scalar implementation, as a new model might at first. */
    interface NewModelKernels {
        String which();
    }

    @Test
    void theScalarKernelsGetTheScalarFamilies() {
        assertSame(CpKernels.scalar(), KernelProvider.family(CpKernels.class, Kernels.scalar(), CpKernels.scalar()));
        assertSame(TuckerKernels.scalar(), KernelProvider.family(TuckerKernels.class, Kernels.scalar(), TuckerKernels.scalar()));
        assertSame(TensorTrainKernels.scalar(), KernelProvider.family(TensorTrainKernels.class, Kernels.scalar(), TensorTrainKernels.scalar()));
    }

    @Test
    void theChosenKernelsGetTheirOwnFamilies() {
        boolean simd = KernelProvider.kernels() != Kernels.scalar();
        for (Object family : new Object[] {CpKernels.chosen(), TuckerKernels.chosen(), TensorTrainKernels.chosen()}) {
            assertEquals(simd, family.getClass().getPackageName().endsWith(".simd"),
                    family.getClass().getName() + " goes with " + KernelProvider.kernels().name());
        }
    }

    @Test
    void aFamilyWithoutAVectorClassRunsOnItsScalarReference() {
        NewModelKernels scalar = () -> "scalar";
        for (Kernels general : KernelsUnderTest.all()) {
            assertEquals("scalar", KernelProvider.family(NewModelKernels.class, ((AllKernels) general).general(), scalar).which());
        }
    }
}
