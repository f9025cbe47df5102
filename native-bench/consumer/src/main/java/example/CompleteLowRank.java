package example;

import deeptensor.Completion;
import deeptensor.CompletionResult;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Completes a 12×10×8 tensor of CP rank 2 from a random half of its entries, and checks that the
 * missing entries come out far closer to the truth than the mean of the observed ones.
 */
public final class CompleteLowRank {

    public static void main(String[] args) {
        int[] dims = {12, 10, 8};
        int rank = 2;
        Random random = new Random(42);

        // The truth: x[i][j][k] = Σ_r a[i][r]·b[j][r]·c[k][r] with Gaussian factors.
        double[][][] factors = new double[3][][];
        for (int mode = 0; mode < 3; mode++) {
            factors[mode] = new double[dims[mode]][rank];
            for (double[] row : factors[mode]) {
                for (int r = 0; r < rank; r++) {
                    row[r] = random.nextGaussian();
                }
            }
        }
        double[] truth = new double[dims[0] * dims[1] * dims[2]];
        for (int e = 0; e < truth.length; e++) {
            int i = e / (dims[1] * dims[2]), j = e / dims[2] % dims[1], k = e % dims[2];
            for (int r = 0; r < rank; r++) {
                truth[e] += factors[0][i][r] * factors[1][j][r] * factors[2][k][r];
            }
        }

        // Observe a random half of the entries: their indexes and their values.
        List<Integer> where = new ArrayList<>(); // i, j, k of each observed entry, one after another
        List<Double> what = new ArrayList<>();
        boolean[] observed = new boolean[truth.length];
        for (int e = 0; e < truth.length; e++) {
            if (random.nextBoolean()) {
                observed[e] = true;
                where.addAll(List.of(e / (dims[1] * dims[2]), e / dims[2] % dims[1], e % dims[2]));
                what.add(truth[e]);
            }
        }
        double[] values = what.stream().mapToDouble(Double::doubleValue).toArray();
        double mean = java.util.Arrays.stream(values).average().orElseThrow();

        // Complete: the default recipe, seeded. The tensors live off-heap: close them (try-with-resources).
        try (Observations known = Observations.of(Shape.of(dims), where.stream().mapToInt(Integer::intValue).toArray(), values);
             CompletionResult result = Completion.of(known).seed(7).fit()) {
            Tensor completed = result.completed();

            // Relative error on the missing entries, of the completion and of the observed mean.
            double error = 0, meanError = 0, norm = 0;
            for (int e = 0; e < truth.length; e++) {
                if (!observed[e]) {
                    double miss = completed.getFlat(e) - truth[e];
                    error += miss * miss;
                    meanError += (mean - truth[e]) * (mean - truth[e]);
                    norm += truth[e] * truth[e];
                }
            }
            error = Math.sqrt(error / norm);
            meanError = Math.sqrt(meanError / norm);

            // The kernels chosen are logged once on standard error ("deeptensor kernels: ...").
            System.out.println("deeptensor " + (Completion.class.getModule().isNamed() ? "on the module path" : "on the class path"));
            System.out.println("model kept: " + result.report().model());
            System.out.printf("relative error on the %d missing entries: %.4f (the observed mean: %.4f)%n",
                    truth.length - values.length, error, meanError);
            if (!(error < 0.1 * meanError)) {
                throw new AssertionError("the completion is not accurate: " + error + " against " + meanError + " for the mean");
            }
        }
    }
}
