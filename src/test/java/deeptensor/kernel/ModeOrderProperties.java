package deeptensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Tensors;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The order ModeOrder picks costs no more than any permutation, by brute force over all of them. */
class ModeOrderProperties {

    @Provide
    Arbitrary<int[][]> problems() {
        // For each mode: {I_n, J_n, used (0/1)}; sizes include 0 so empty intermediates are exercised.
        return Arbitraries.integers().between(1, 5).flatMap(order ->
                Arbitraries.integers().between(0, 30).array(int[].class).ofSize(3).array(int[][].class).ofSize(order));
    }

    @Property(tries = 300)
    void theChosenOrderIsTheCheapest(@ForAll("problems") int[][] modes) {
        int order = modes.length;
        int[] dims = new int[order];
        Tensor[] matrices = new Tensor[order];
        try (Tensors t = new Tensors()) {
            for (int n = 0; n < order; n++) {
                dims[n] = modes[n][0];
                if (modes[n][2] % 2 == 1) {
                    matrices[n] = t.zeros(Shape.of(modes[n][1], dims[n]));
                }
            }
            Shape shape = Shape.of(dims);
            int[] chosen = ModeOrder.cheapest(shape, matrices);
            double best = Double.POSITIVE_INFINITY;
            for (int[] permutation : permutations(chosen)) {
                best = Math.min(best, ModeOrder.flops(shape, matrices, permutation));
            }
            double cost = ModeOrder.flops(shape, matrices, chosen);
            assertTrue(!Double.isNaN(cost), "flops must be a number");
            assertEquals(best, cost, 0.0, "order " + java.util.Arrays.toString(chosen) + " of " + shape);
        }
    }

    @Property(tries = 1)
    void anEmptyModeIsAppliedLast() {
        // x 0×400×3, U0 400×0, U1 400×400, U2 1×3: doing mode 0 first makes 400×400×3 intermediates;
        // doing it last keeps every intermediate empty (0 flops).
        try (Tensors t = new Tensors()) {
            Tensor[] matrices = {t.zeros(Shape.of(400, 0)), t.zeros(Shape.of(400, 400)), t.zeros(Shape.of(1, 3))};
            Shape shape = Shape.of(0, 400, 3);
            int[] chosen = ModeOrder.cheapest(shape, matrices);
            assertEquals(0.0, ModeOrder.flops(shape, matrices, chosen));
            assertEquals(0, chosen[chosen.length - 1]);
        }
    }

    private static List<int[]> permutations(int[] items) {
        List<int[]> all = new ArrayList<>();
        permute(items.clone(), 0, all);
        return all;
    }

    private static void permute(int[] items, int from, List<int[]> all) {
        if (from == items.length) {
            all.add(items.clone());
            return;
        }
        for (int i = from; i < items.length; i++) {
            int swap = items[from];
            items[from] = items[i];
            items[i] = swap;
            permute(items, from + 1, all);
            items[i] = items[from];
            items[from] = swap;
        }
    }
}
