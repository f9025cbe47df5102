package deeptensor.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Tensors;
import deeptensor.testing.Properties;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** The order ModeOrder picks costs no more than any permutation, by brute force over all of them. */
class ModeOrderProperties {

    /** For each of 1–6 modes: {I_n, J_n, used (odd)}; sizes include 0 so empty intermediates are exercised. */
    private static final Gen<int[][]> PROBLEMS = lists()
            .of(Generate.intArrays(Generate.constant(3), integers().between(0, 30)))
            .ofSizeBetween(1, 6)
            .map(modes -> modes.toArray(int[][]::new))
            .describedAs(Arrays::deepToString);

    @Test
    void theChosenOrderIsTheCheapest() {
        Properties.qt(300).forAll(PROBLEMS).checkAssert((modes) -> {
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
        });
    }

    @Test
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
