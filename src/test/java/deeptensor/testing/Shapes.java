package deeptensor.testing;

import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Arrays;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** QuickTheories generators of tensor shapes: bounded order, mode sizes and total size. */
public final class Shapes {

    private Shapes() {
    }

    /** Shapes of order in [minOrder, maxOrder], sizes 1–maxDim, at most {@code budget} elements. */
    public static Gen<int[]> shapes(int minOrder, int maxOrder, int maxDim, long budget) {
        return integers().between(minOrder, maxOrder)
                .flatMap(order -> Generate.intArrays(Generate.constant(order), integers().between(1, maxDim)))
                .map(dims -> fitBudget(dims, budget))
                .describedAs(Arrays::toString);
    }

    /** Halves the largest mode until the element count fits (keeps shrinking meaningful: smaller stays smaller). */
    public static int[] fitBudget(int[] dims, long budget) {
        int[] fitted = dims.clone();
        while (product(fitted) > budget) {
            int largest = 0;
            for (int n = 1; n < fitted.length; n++) {
                if (fitted[n] > fitted[largest]) {
                    largest = n;
                }
            }
            fitted[largest] = Math.max(1, fitted[largest] / 2);
        }
        return fitted;
    }

    public static long product(int[] dims) {
        long p = 1;
        for (int d : dims) {
            p *= d;
        }
        return p;
    }
}
