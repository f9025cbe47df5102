package example;

import deeptensor.Completion;
import deeptensor.CompletionResult;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What docs/embedding.md says about threads, checked: completions of the same inputs fitted at the
 * same time on several threads give exactly the result of a fit on its own.
 */
public final class ConcurrentFits {

    public static void main(String[] args) throws Exception {
        int[] dims = {12, 10, 8};
        Random random = new Random(3);
        List<int[]> where = new ArrayList<>();
        List<Double> what = new ArrayList<>();
        for (int i = 0; i < dims[0]; i++) {
            for (int j = 0; j < dims[1]; j++) {
                for (int k = 0; k < dims[2]; k++) {
                    if (random.nextBoolean()) {
                        where.add(new int[] {i, j, k});
                        what.add(Math.sin(i) * Math.cos(j) + 0.1 * k);
                    }
                }
            }
        }
        int threads = 2;
        try (Coordinates at = Coordinates.of(Shape.of(dims), where.toArray(int[][]::new));
             Tensor values = Tensor.of(what.stream().mapToDouble(Double::doubleValue).toArray(), what.size());
             Observations known = Observations.of(at, values)) {
            double[] alone;
            try (CompletionResult result = Completion.of(known).seed(5).fit()) {
                alone = result.completed().toArray();
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<double[]>> together = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    together.add(pool.submit(() -> {
                        try (CompletionResult result = Completion.of(known).seed(5).fit()) {
                            return result.completed().toArray();
                        }
                    }));
                }
                for (Future<double[]> fit : together) {
                    if (!Arrays.equals(alone, fit.get())) {
                        throw new AssertionError("a fit run beside another differs from the same fit run alone");
                    }
                }
            } finally {
                pool.shutdown();
            }
            System.out.println(threads + " fits at once on shared inputs: identical to the fit alone");
        }
    }
}
