package deeptensor.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** jqwik generators of tensor shapes: orders 1–5, mode sizes 1–40, total size bounded. */
public final class Shapes {

    private Shapes() {
    }

    /** Shapes of order in [minOrder, maxOrder], sizes 1–maxDim, at most {@code budget} elements. */
    public static Arbitrary<int[]> shapes(int minOrder, int maxOrder, int maxDim, long budget) {
        return Arbitraries.integers().between(minOrder, maxOrder)
                .flatMap(order -> Arbitraries.integers().between(1, maxDim).array(int[].class).ofSize(order))
                .map(dims -> fitBudget(dims, budget));
    }

    /** Halves the largest mode until the element count fits (keeps shrinking meaningful: smaller stays smaller). */
    static int[] fitBudget(int[] dims, long budget) {
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
