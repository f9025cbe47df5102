package deeptensor.experiments;

import deeptensor.internal.model.Models;
import deeptensor.kernel.TensorOps;
import deeptensor.internal.linalg.ModeSpectra;
import deeptensor.internal.linalg.Svd;
import deeptensor.internal.metrics.ComponentNorms;
import deeptensor.internal.metrics.UnfoldingSpectra;
import deeptensor.model.CP;
import deeptensor.internal.model.CpModel;
import deeptensor.internal.model.Factor;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import java.io.IOException;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * E10: the measures every other experiment reports, checked against their definitions on inputs
 * whose answer is known exactly: the effective rank (Roy and Vetterli, 2007) of the identity and
 * of rank-one matrices, the n-mode singular values against the slice norms of the HOSVD core (De
 * Lathauwer et al., 2000), and CP component norms against the Frobenius norm of the rank-one
 * tensor they describe. Each check runs on many random sizes; the criterion is 1e-10.
 */
final class MetricChecks implements Experiment {

    private static final double TOLERANCE = 1e-10;

    @Override
    public String id() {
        return "E10";
    }

    @Override
    public String title() {
        return "the metrics against their definitions: effective rank, n-mode singular values, component norms";
    }

    @Override
    public void run(ExperimentContext context) throws IOException {
        int cases = context.quick() ? 20 : 200;
        CsvTable table = new CsvTable("check", "case", "size", "error");
        SplittableRandom random = new SplittableRandom(10);
        double identity = 0;
        double rankOne = 0;
        double hosvd = 0;
        double component = 0;
        for (int c = 0; c < cases; c++) {
            int k = 1 + random.nextInt(40);
            double e = Math.abs(ModeSpectra.effectiveRank(identitySpectrum(k)) - k) / k;
            identity = Math.max(identity, e);
            table.row("erank(identity) = k", c, k, e);

            int rows = 1 + random.nextInt(30);
            int cols = 1 + random.nextInt(30);
            e = rankOneEffectiveRankError(rows, cols, random);
            rankOne = Math.max(rankOne, e);
            table.row("erank(rank one) = 1", c, rows + "x" + cols, e);

            int[] dims = {2 + random.nextInt(6), 2 + random.nextInt(6), 2 + random.nextInt(6)};
            e = hosvdError(Shape.of(dims), random.nextLong());
            hosvd = Math.max(hosvd, e);
            table.row("n-mode singular values = HOSVD core slice norms", c, Shape.of(dims).toString(), e);

            e = componentNormError(Shape.of(dims), 1 + random.nextInt(4), 1 + random.nextInt(3), random.nextLong());
            component = Math.max(component, e);
            table.row("component norm = Frobenius norm of the rank-one term", c, Shape.of(dims).toString(), e);
        }
        context.write("metric-checks", table);
        check(context, "erank of the k×k identity is k", identity, cases);
        check(context, "erank of a rank-one matrix is 1", rankOne, cases);
        check(context, "n-mode singular values equal the HOSVD core's slice norms", hosvd, cases);
        check(context, "CP component norm Π‖w_r^n‖ equals ‖w_r^1 ⊗ … ⊗ w_r^N‖_F", component, cases);
    }

    private static void check(ExperimentContext context, String claim, double worst, int cases) {
        context.assertedVerdict(claim, "relative error ≤ 1e-10 on " + cases + " random cases",
                String.format(Locale.ROOT, "worst %.2e", worst), worst <= TOLERANCE);
    }

    private static double[] identitySpectrum(int k) {
        try (Tensor identity = Tensor.zeros(k, k)) {
            for (int i = 0; i < k; i++) {
                identity.set(1, i, i);
            }
            return Svd.singularValues(identity);
        }
    }

    private static double rankOneEffectiveRankError(int rows, int cols, SplittableRandom random) {
        try (Tensor a = Tensor.zeros(rows, cols)) {
            double[] u = gaussian(rows, random);
            double[] v = gaussian(cols, random);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    a.set(u[i] * v[j], i, j);
                }
            }
            return Math.abs(ModeSpectra.effectiveRank(Svd.singularValues(a)) - 1);
        }
    }

    /**
     * The HOSVD core is S = W ×_1 U¹ᵀ ⋯ ×_N U^Nᵀ with U^n the left singular vectors of W_(n); its
     * slice norms along mode n are the singular values of W_(n). Returns the worst relative difference.
     */
    private static double hosvdError(Shape shape, long seed) {
        int order = shape.order();
        try (Tensor w = Tensor.gaussian(seed, 1.0, shape.dims()); Tensor core = Tensor.zeros(shape)) {
            double[][] spectra = UnfoldingSpectra.modeSingularValues(w);
            Tensor[] transposed = new Tensor[order];
            try {
                for (int n = 0; n < order; n++) {
                    try (Tensor unfolded = Tensor.zeros(TensorOps.unfoldedShape(shape, n)); Svd.Result svd = prepare(w, n, unfolded)) {
                        Tensor u = svd.u();
                        transposed[n] = Tensor.zeros(shape.dim(n), shape.dim(n));
                        for (int i = 0; i < u.rows(); i++) {
                            for (int j = 0; j < u.cols(); j++) {
                                transposed[n].set(u.get(i, j), j, i);
                            }
                        }
                    }
                }
                try (Tensor workspace = Tensor.zeros((int) Math.max(1, TensorOps.multiModeWorkspace(shape, transposed)))) {
                    TensorOps.multiModeProduct(w, transposed, core, workspace);
                }
            } finally {
                for (Tensor t : transposed) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
            double worst = 0;
            for (int n = 0; n < order; n++) {
                double[] slices = deeptensor.internal.model.TuckerModel.sliceNorms(core, n);
                for (int i = 0; i < shape.dim(n); i++) {
                    double s = i < spectra[n].length ? spectra[n][i] : 0;
                    worst = Math.max(worst, Math.abs(slices[i] - s) / spectra[n][0]);
                }
            }
            return worst;
        }
    }

    private static Svd.Result prepare(Tensor w, int mode, Tensor unfolded) {
        TensorOps.unfold(w, mode, unfolded);
        return Svd.decompose(unfolded);
    }

    private static double componentNormError(Shape shape, int rank, int depth, long seed) {
        try (CpModel model = Models.build((depth == 1 ? CP.shallow() : CP.deep(depth)).rank(rank), shape)) {
            Initializer.gaussian(0.5).initialize(model, seed);
            double[] norms = new double[rank];
            model.componentNorms(norms);
            double worst = 0;
            for (int r = 0; r < rank; r++) {
                double sumSquares = 0;
                int[] index = new int[shape.order()];
                for (long flat = 0; flat < shape.size(); flat++) {
                    shape.index(flat, index);
                    double product = 1;
                    for (int n = 0; n < shape.order(); n++) {
                        Factor factor = model.factors().get(n);
                        product *= factor.matrix().get(index[n], r);
                    }
                    sumSquares += product * product;
                }
                worst = Math.max(worst, Math.abs(norms[r] - Math.sqrt(sumSquares)) / Math.sqrt(sumSquares));
            }
            return worst;
        }
    }

    private static double[] gaussian(int n, SplittableRandom random) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }
}
