package deeptensor.kernel;

import java.util.ArrayList;
import java.util.List;

/** The implementations available in this JVM: always the scalar reference, plus the SIMD one when present. */
final class KernelsUnderTest {

    private KernelsUnderTest() {
    }

    static List<Kernels> all() {
        List<Kernels> all = new ArrayList<>();
        all.add(Kernels.scalar());
        KernelProvider.simd().ifPresent(all::add);
        return all;
    }
}
