package deeptensor.internal.kernel;

import java.util.ArrayList;
import java.util.List;

/** The implementations available in this JVM, with their model families: always the scalar reference, plus the SIMD one when present. */
final class KernelsUnderTest {

    private KernelsUnderTest() {
    }

    static List<AllKernels> all() {
        List<AllKernels> all = new ArrayList<>();
        all.add(AllKernels.scalar());
        KernelProvider.simd().ifPresent(simd -> all.add(AllKernels.of(simd)));
        return all;
    }
}
