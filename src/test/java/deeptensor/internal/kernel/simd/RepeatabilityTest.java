package deeptensor.internal.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The same call on the same input gives the same bits every time — before and after the JIT
 * compiles the kernels. Reductions whose lane order the JIT may change (the Vector API's
 * {@code reduceLanes}) would fail this: a Tucker factor scatter on 9-wide factors reduces full
 * vectors on every width.
 */
class RepeatabilityTest {

    @Test
    void repeatedCallsGiveIdenticalBitsThroughWarmUp() {
        for (int bits : new int[] {256, 512}) {
            deeptensor.internal.kernel.AllKernels kernels = deeptensor.internal.kernel.AllKernels.of(PanamaKernels.create(bits, 1));
            try (Scope s = new Scope(11)) {
                Tensor core = s.gaussian(9, 9, 9);
                Tensor[] factors = {s.gaussian(12, 9), s.gaussian(13, 9), s.gaussian(14, 9)};
                Coordinates at = s.coordinates(Shape.of(12, 13, 14), 300);
                Tensor weights = s.gaussian(300);
                Tensor out = s.zeros(12, 9);
                kernels.tuckerScatterFactor(core, factors, 0, at, weights, out);
                double[] first = out.toArray();
                Tensor values = s.zeros(300);
                kernels.tuckerEvaluate(core, factors, at, values);
                double[] firstValues = values.toArray();
                for (int repeat = 0; repeat < 3000; repeat++) {
                    kernels.tuckerScatterFactor(core, factors, 0, at, weights, out);
                    kernels.tuckerEvaluate(core, factors, at, values);
                }
                assertArrayEquals(first, out.toArray(), 0.0, kernels.name() + ": scatter after warm-up");
                assertArrayEquals(firstValues, values.toArray(), 0.0, kernels.name() + ": evaluation after warm-up");
            }
        }
    }
}
