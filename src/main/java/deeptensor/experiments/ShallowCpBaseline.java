package deeptensor.experiments;

import deeptensor.internal.model.Models;
import deeptensor.model.CP;
import deeptensor.internal.model.CpModel;
import deeptensor.internal.model.Evaluation;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import deeptensor.internal.train.Optimizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * E4: the shallow CP baseline of Razin, Maman and Cohen (ICML 2021), the experiment that deep CP
 * (Hariz et al., ICML 2022) extends. A tensor of CP rank 5 and unit Frobenius norm is completed from
 * a uniform sample of its entries by an over-parametrized CP model (R components, far more than 5)
 * trained with full-batch GroupRMSprop from a small Gaussian initialization; the run stops when the
 * training MSE falls below 10⁻⁴ of the target's mean square (10⁻⁸ for Razin's 10⁴-entry tensor) or
 * the step budget is spent.
 *
 * <p>Razin et al. show that the component norms ‖W_r‖ = Π_n ‖w_r^n‖ then grow one after another
 * ("incremental learning"), the more clearly the smaller the initialization, so that the solution
 * found has low CP rank and completes the tensor accurately. The criteria follow: at the smallest
 * initialization at most about five components are significant (n_r' = ‖W_r‖ / max ‖W_r'‖ above
 * 0.1); the final reconstruction error ‖W − W*‖_F / ‖W*‖_F does not increase as the initialization
 * shrinks (median over seeds; the stopping rule resolves errors only to about 0.01, so smaller rises
 * count as ties); at the smallest initialization it is small (below 0.1). The
 * incremental character is measured by when the k-th component escapes (the first logged step at
 * which k components exceed 5 % of ‖W*‖): at small initialization the components should escape one
 * at a time, at large initialization several together (in the same logged step). Under gradient flow
 * a component's rise takes a time independent of the initial scale while the gaps between escapes
 * grow as the initialization shrinks, so a fixed logging interval separates them better.
 *
 * <p>Full protocol (Razin's code defaults): order 4, 10×10×10×10, m = 2000 observed, R = 1000,
 * GroupRMSprop lr 10⁻², init std ∈ {0.05, 0.01, 0.005}, 3 seeds, at most 30 000 steps. Quick:
 * order 3, 10×10×10, m = 500, R = 100, one seed, at most 12 000 steps.
 */
final class ShallowCpBaseline implements Experiment {

    private static final double[] INIT_STDS = {0.05, 0.01, 0.005};
    private static final int TARGET_RANK = 5;
    /** Components of the full run: Razin's default, the largest possible CP rank of a 10⁴-entry tensor. */
    private static final int FULL_COMPONENTS = 1000;
    private static final double ESCAPE_FRACTION = 0.05;
    /** Stopping at a training MSE of 1e-4 of the mean square leaves relative errors of about √1e-4 = 0.01. */
    private static final double RESOLUTION = 0.01;

    private record Size(int order, int observed, int components, long maxSteps, int logEvery, int defaultSeeds) {
    }

    @Override
    public String id() {
        return "E4";
    }

    @Override
    public String title() {
        return "shallow CP (Razin et al. 2021): incremental learning of component norms; error falls with smaller init";
    }

    @Override
    public void run(ExperimentContext context) throws IOException {
        Size size = context.quick() ? new Size(3, 500, 100, 12_000, 50, 1) : new Size(4, 2000, FULL_COMPONENTS, 30_000, 100, 3);
        int[] dims = new int[size.order];
        Arrays.fill(dims, 10);
        Shape shape = Shape.of(dims);
        double tolerance = 1e-4 / shape.size(); // training MSE relative to the target's mean square (‖W*‖ = 1)
        int seeds = context.seeds(size.defaultSeeds);
        context.note("order %d, %s, CP rank %d target of norm 1, m = %d, R = %d, GroupRMSprop lr 1e-2, %d seed(s), ≤ %d steps",
                size.order, shape, TARGET_RANK, size.observed, size.components, seeds, size.maxSteps);

        CsvTable trajectories = new CsvTable("seed", "init_std", "step", "train_mse", "error_all", "error_unobserved", "k", "norm");
        CsvTable finals = new CsvTable("seed", "init_std", "steps", "converged", "train_mse", "error_all", "error_unobserved",
                "numerical_rank_0.1", "numerical_rank_0.01", "effective_rank", "escape_steps");
        double[][] error = new double[INIT_STDS.length][seeds];
        double[][] rank = new double[INIT_STDS.length][seeds];
        double[][] together = new double[INIT_STDS.length][seeds]; // escapes shared with another
        CpCompletionRun.Outcome[] shown = new CpCompletionRun.Outcome[INIT_STDS.length];
        for (int seed = 0; seed < seeds; seed++) {
            try (Tensor truth = Synthetic.cp(shape, TARGET_RANK, 1.0, 400 + seed)) {
                long[] observed = Synthetic.sample(shape, size.observed, 410 + seed);
                for (int s = 0; s < INIT_STDS.length; s++) {
                    double std = INIT_STDS[s];
                    CpCompletionRun.Outcome outcome;
                    try (CpModel model = Models.build(CP.shallow().rank(size.components), shape)) {
                        model.evaluation(Evaluation.SAMPLED); // m ≪ size: the gather is cheaper than a dense pass
                        Initializer.gaussian(std).initialize(model, 420 + seed);
                        outcome = CpCompletionRun.train(model, truth, observed, Optimizer.groupRmsProp(1e-2), size.maxSteps, tolerance,
                                size.logEvery, 10);
                    }
                    for (CpCompletionRun.Point p : outcome.history()) {
                        for (int k = 0; k < p.topNorms().length; k++) {
                            trajectories.row(seed, std, p.step(), p.trainLoss(), p.allError(), p.unobservedError(), k + 1, p.topNorms()[k]);
                        }
                    }
                    long[] escapes = escapeSteps(outcome, TARGET_RANK);
                    error[s][seed] = outcome.errors().relativeAll();
                    rank[s][seed] = outcome.norms().numericalRank(0.1);
                    together[s][seed] = coincidentEscapes(escapes);
                    finals.row(seed, std, outcome.steps(), outcome.converged(), outcome.trainLoss(), outcome.errors().relativeAll(),
                            outcome.errors().relativeUnobserved(), outcome.norms().numericalRank(0.1), outcome.norms().numericalRank(0.01),
                            outcome.norms().effectiveRank(), Arrays.toString(escapes).replace(",", ""));
                    context.note("seed %d, std %.3g: %d steps (%s), train MSE %.2e, error %.4f, n' > 0.1: %d, escapes %s", seed, std,
                            outcome.steps(), outcome.converged() ? "converged" : "budget", outcome.trainLoss(), outcome.errors().relativeAll(),
                            outcome.norms().numericalRank(0.1), Arrays.toString(escapes));
                    if (seed == 0) {
                        shown[s] = outcome;
                    }
                }
            }
        }
        context.write("trajectories", trajectories);
        context.write("final", finals);
        for (int s = 0; s < INIT_STDS.length; s++) {
            context.write(String.format(Locale.ROOT, "norms-std%s", label(INIT_STDS[s])), normsPlot(shown[s], INIT_STDS[s]));
        }
        context.write("error-vs-step", errorTrajectoryPlot(shown));
        context.write("error-vs-init", errorPlot(error));
        judge(context, error, rank, together, seeds);
    }

    /**
     * How many of the first escapes share their logged step with another one (components that rise
     * together rather than one after another); escapes that never happen are left out.
     */
    private static int coincidentEscapes(long[] escapes) {
        int together = 0;
        for (int k = 0; k < escapes.length; k++) {
            boolean shared = false;
            for (int j = 0; j < escapes.length; j++) {
                shared |= j != k && escapes[k] >= 0 && escapes[j] == escapes[k];
            }
            together += shared ? 1 : 0;
        }
        return together;
    }

    /** The step at which k components first exceed 5 % of ‖W*‖ (k = 1..count), or −1 if never. */
    private static long[] escapeSteps(CpCompletionRun.Outcome outcome, int count) {
        long[] steps = new long[count];
        Arrays.fill(steps, -1);
        for (CpCompletionRun.Point p : outcome.history()) {
            for (int k = 0; k < count && k < p.topNorms().length; k++) {
                if (steps[k] < 0 && p.topNorms()[k] > ESCAPE_FRACTION) {
                    steps[k] = p.step();
                }
            }
        }
        return steps;
    }

    private static SvgPlot normsPlot(CpCompletionRun.Outcome outcome, double std) {
        SvgPlot plot = new SvgPlot(String.format(Locale.ROOT, "Shallow CP, init std %s: top-10 component norms (seed 0)", std),
                "iteration", "component norm ‖W_r‖ (‖W*‖ = 1)");
        double[] steps = CpCompletionRun.steps(outcome);
        for (int k = 0; k < 10; k++) {
            plot.line(k < TARGET_RANK ? "component " + (k + 1) : "components 6–10", steps, CpCompletionRun.norm(outcome, k, 1.0));
        }
        return plot;
    }

    private static SvgPlot errorTrajectoryPlot(CpCompletionRun.Outcome[] shown) {
        SvgPlot plot = new SvgPlot("Shallow CP: reconstruction error during training (seed 0)", "iteration",
                "‖W − W*‖_F / ‖W*‖_F (all entries)").logY();
        for (int s = 0; s < shown.length; s++) {
            double[] error = shown[s].history().stream().mapToDouble(CpCompletionRun.Point::allError).toArray();
            plot.line("init std " + INIT_STDS[s], CpCompletionRun.steps(shown[s]), error);
        }
        return plot;
    }

    private static SvgPlot errorPlot(double[][] error) {
        SvgPlot plot = new SvgPlot("Shallow CP: final reconstruction error vs init scale", "initialization std σ",
                "‖W − W*‖_F / ‖W*‖_F at the end").logX().logY();
        int seeds = error[0].length;
        for (int seed = 0; seed < seeds; seed++) {
            double[] perSeed = new double[INIT_STDS.length];
            for (int s = 0; s < INIT_STDS.length; s++) {
                perSeed[s] = Math.max(error[s][seed], 1e-6);
            }
            plot.add("seeds", INIT_STDS, perSeed, SvgPlot.Style.THIN);
            plot.add("seeds", INIT_STDS, perSeed, SvgPlot.Style.POINTS);
        }
        double[] median = new double[INIT_STDS.length];
        for (int s = 0; s < INIT_STDS.length; s++) {
            median[s] = Math.max(Stats.median(error[s]), 1e-6);
        }
        plot.line("median over seeds", INIT_STDS, median);
        return plot;
    }

    private static void judge(ExperimentContext context, double[][] error, double[][] rank, double[][] together, int seeds) {
        int smallest = INIT_STDS.length - 1;
        double[] medianError = new double[INIT_STDS.length];
        for (int s = 0; s < INIT_STDS.length; s++) {
            medianError[s] = Stats.median(error[s]);
        }
        boolean monotone = true;
        for (int s = 1; s < INIT_STDS.length; s++) {
            monotone &= medianError[s] <= medianError[s - 1] + RESOLUTION;
        }
        String errors = String.format(Locale.ROOT, "median error %s at std %s (%d seed(s))", format(medianError), Arrays.toString(INIT_STDS), seeds);
        context.verdict("smallest init finds a low-CP-rank solution",
                "median #{r : n_r' > 0.1} ≤ 6 at std " + INIT_STDS[smallest] + " (target rank 5)",
                "per seed " + Arrays.toString(rank[smallest]) + ", median " + Stats.median(rank[smallest]),
                Stats.median(rank[smallest]) <= 6);
        context.verdict("reconstruction error does not increase as the init shrinks",
                "median final ‖W − W*‖/‖W*‖ non-increasing over std 0.05 → 0.01 → 0.005 (rises below " + RESOLUTION
                        + ", what the stopping rule resolves, count as ties)", errors, monotone);
        context.verdict("smallest init completes the tensor accurately", "median final error < 0.1 at std " + INIT_STDS[smallest],
                String.format(Locale.ROOT, "%.4f", medianError[smallest]), medianError[smallest] < 0.1);
        double togetherLargest = Stats.median(together[0]);
        double togetherSmallest = Stats.median(together[smallest]);
        context.verdict("incremental learning is more pronounced at smaller init",
                "of the first 5 components to exceed 0.05‖W*‖, fewer escape in the same logged step as another (median over seeds) at std "
                        + INIT_STDS[smallest] + " than at " + INIT_STDS[0],
                String.format(Locale.ROOT, "%.0f escape together at std %s (per seed %s), %.0f at std %s (per seed %s)", togetherSmallest,
                        INIT_STDS[smallest], Arrays.toString(together[smallest]), togetherLargest, INIT_STDS[0], Arrays.toString(together[0])),
                togetherSmallest < togetherLargest);
    }

    private static String label(double std) {
        return String.format(Locale.ROOT, "%s", std);
    }

    private static String format(double[] values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            out.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", values[i]));
        }
        return out.append(']').toString();
    }
}
