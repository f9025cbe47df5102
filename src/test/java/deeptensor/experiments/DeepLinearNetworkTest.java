package deeptensor.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.internal.linalg.Svd;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The deep matrix factorization's gradient against central finite differences at every depth, and
 * the convex baselines against what they must return: an exact fit of the observed entries, and a
 * nuclear norm no larger than that of the low-rank truth that also fits them.
 */
class DeepLinearNetworkTest {

    @Test
    void gradientMatchesFiniteDifferences() {
        int n = 7;
        SplittableRandom random = new SplittableRandom(3);
        int m = 20;
        int[] rows = new int[m];
        int[] cols = new int[m];
        double[] targets = new double[m];
        long[] offsets = Synthetic.sample(Shape.of(n, n), m, 5);
        for (int e = 0; e < m; e++) {
            rows[e] = (int) (offsets[e] / n);
            cols[e] = (int) (offsets[e] % n);
            targets[e] = random.nextGaussian();
        }
        for (int depth = 1; depth <= 4; depth++) {
            try (DeepLinearNetwork network = new DeepLinearNetwork(n, depth)) {
                network.initializeGaussian(2.0, 11 + depth);
                network.lossAndGradient(rows, cols, targets);
                double[] analytic = network.gradients().toArray();
                Tensor theta = network.parameters();
                double h = 1e-6;
                double worst = 0;
                double scale = 0;
                for (long i = 0; i < theta.size(); i++) {
                    double saved = theta.getFlat(i);
                    theta.setFlat(i, saved + h);
                    double up = network.lossAndGradient(rows, cols, targets);
                    theta.setFlat(i, saved - h);
                    double down = network.lossAndGradient(rows, cols, targets);
                    theta.setFlat(i, saved);
                    double numeric = (up - down) / (2 * h);
                    worst = Math.max(worst, Math.abs(numeric - analytic[(int) i]));
                    scale = Math.max(scale, Math.abs(analytic[(int) i]));
                }
                assertTrue(scale > 1e-3, "depth " + depth + ": gradient is trivially small");
                assertTrue(worst <= 1e-6 * scale, "depth " + depth + ": worst difference " + worst + " for gradient scale " + scale);
            }
        }
    }

    @Test
    void endToEndScaleIsAbout_s_timesRootN() {
        int n = 100;
        for (int depth = 1; depth <= 4; depth++) {
            try (DeepLinearNetwork network = new DeepLinearNetwork(n, depth)) {
                network.initializeGaussian(1e-3, depth);
                network.forward();
                double ratio = Synthetic.norm(network.endToEnd()) / (1e-3 * Math.sqrt(n));
                assertTrue(ratio > 0.8 && ratio < 1.2, "depth " + depth + ": ‖W‖/(s√n) = " + ratio);
            }
        }
    }

    @Test
    void nuclearNormCompletionFitsTheObservedEntriesWithNoLargerNorm() {
        int n = 20;
        Shape shape = Shape.of(n, n);
        try (Tensor truth = Synthetic.cp(shape, 2, n, 7)) {
            long[] offsets = Synthetic.sample(shape, 200, 8);
            double[] values = new double[offsets.length];
            for (int e = 0; e < offsets.length; e++) {
                values[e] = truth.getFlat(offsets[e]);
            }
            try (SumOfNuclearNormsCompletion.Result result = SumOfNuclearNormsCompletion.matrix().complete(shape, offsets, values)) {
                for (int e = 0; e < offsets.length; e++) {
                    assertEquals(values[e], result.completed().getFlat(offsets[e]), 1e-12);
                }
                double completedNorm = nuclear(result.completed());
                double truthNorm = nuclear(truth);
                assertTrue(completedNorm <= truthNorm * (1 + 1e-6), completedNorm + " > " + truthNorm);
                assertTrue(result.primalResidual() < 1e-6, "residual " + result.primalResidual());
            }
        }
    }

    @Test
    void sumOfNuclearNormsCompletionFitsTheObservedEntriesWithNoLargerSnn() {
        Shape shape = Shape.of(6, 6, 6);
        try (Tensor truth = Synthetic.tucker(shape, new int[] {2, 2, 2}, 1, 9)) {
            long[] offsets = Synthetic.sample(shape, 80, 10);
            double[] values = new double[offsets.length];
            for (int e = 0; e < offsets.length; e++) {
                values[e] = truth.getFlat(offsets[e]);
            }
            try (SumOfNuclearNormsCompletion.Result result = SumOfNuclearNormsCompletion.allModes(3).complete(shape, offsets, values)) {
                for (int e = 0; e < offsets.length; e++) {
                    assertEquals(values[e], result.completed().getFlat(offsets[e]), 1e-12);
                }
                double completed = deeptensor.internal.metrics.UnfoldingSpectra.sumOfNuclearNorms(result.completed());
                double target = deeptensor.internal.metrics.UnfoldingSpectra.sumOfNuclearNorms(truth);
                assertTrue(completed <= target * (1 + 1e-6), completed + " > " + target);
            }
        }
    }

    private static double nuclear(Tensor matrix) {
        double sum = 0;
        for (double s : Svd.singularValues(matrix)) {
            sum += s;
        }
        return sum;
    }
}
