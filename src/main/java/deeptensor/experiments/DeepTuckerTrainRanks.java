package deeptensor.experiments;

import deeptensor.internal.model.Models;
import deeptensor.internal.metrics.CompletionErrors;
import deeptensor.internal.metrics.UnfoldingSpectra;
import deeptensor.internal.model.Evaluation;
import deeptensor.internal.model.Model;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import deeptensor.internal.train.Optimizer;
import deeptensor.internal.train.Trainer;
import deeptensor.internal.train.TrainingResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * E9: deep Tucker and deep tensor-train completion (Milanesi, Kadri, Ayache and Artières, IJCNN
 * 2021): gradient descent from a small initialization finds solutions whose unfoldings have low
 * effective rank, lower the deeper the factorization, and these solutions are not the minimizers
 * of the sum of nuclear norms (SNN) — implicit regularization is not norm minimization.
 *
 * <p>Protocol (the paper's sizes were not available to us; this is the plainest reading of its
 * synthetic setting): a 10×10×10 target of Tucker multirank (3, 3, 3) and Frobenius norm 1 (Gaussian
 * core, orthonormal factors), a fraction {10, 20, 30, 50} % of its entries observed uniformly at
 * random, and two unconstrained models of depth {@code L}: deep Tucker with a full 10×10×10 core and
 * factor columns that are chains of {@code L} square matrices ({@code Tucker.deep(L)}), and deep
 * tensor train with maximal bond ranks (1, 10, 10, 1) and each core's matricization a product of
 * {@code L} matrices ({@code TensorTrain.deep(L)}). Both start from the library's end-to-end
 * initialization scaled so that the model's entries have RMS {@value #INIT_RMS} (about 3 % of the
 * target's entry RMS, 1/√1000): with the same seed every depth starts from end-to-end factors of the
 * same column norms, so depths differ only by their parametrization.
 *
 * <p>Optimizer: GroupRMSprop (Razin et al.'s normalized gradient descent, lr 1e-3, α = 0.99,
 * ε = 1e-6), full batch, until the training loss (mean square over the observed entries) is at
 * most {@value #LOSS_TARGET} — a residual of 0.1 % of the target's mean square — or the step budget
 * runs out. GroupRMSprop rescales the whole gradient by one scalar, so it follows the gradient
 * flow's path at an adaptive speed; Adam's per-coordinate scaling would change the path and with it
 * the implicit bias the experiment is about. Every run stops at the same loss, so depths are
 * compared at a matched training loss.
 *
 * <p>Measured at the end: the mean effective rank (Roy and Vetterli) of the three mode unfoldings
 * (Tucker) or of the two tensor-train unfoldings (TT), the SNN {@code (1/3)Σ_n ‖W_(n)‖_*} and its
 * tensor-train analogue {@code (1/2)Σ_k ‖W_⟨k⟩‖_*}, and the relative error on the unobserved
 * entries. The convex baselines: the completion of least SNN (HaLRTC) and of least TT-SNN. For an
 * order-3 tensor the TT unfoldings {@code W_⟨1⟩} and {@code W_⟨2⟩} have the singular values of the
 * mode-1 and mode-3 unfoldings, so the TT-SNN minimizer is HaLRTC over those two modes.
 *
 * <p>Criteria: the median (over seeds) mean effective rank does not increase with {@code L} at any
 * observed fraction (differences under {@value #RANK_TIE} count as ties: where every depth recovers
 * the target exactly its effective rank is the target's, and the remaining differences are
 * rounding of the stopping point); and in at least one low-sample setting (10 % or 20 %) the deepest
 * model's SNN exceeds the convex baseline's while its error is no larger.
 */
final class DeepTuckerTrainRanks implements Experiment {

    static final double INIT_STD = 1e-2;
    static final double LEARNING_RATE = 1e-3;
    /** The variant that tests why depth does not help: a ten times smaller step. */
    static final double VARIANT_LEARNING_RATE = 1e-4;
    static final double LOSS_TARGET = 1e-9;
    static final double RANK_TIE = 0.01;

    /** The size of a run. */
    record Setting(int side, int rank, double[] fractions, int[] depths, int seeds, long maxSteps, double[] variantFractions,
                   long variantSteps) {
    }

    /** One of the two model families. */
    enum Family {
        TUCKER("deep Tucker", "mode unfoldings", "SNN"),
        TENSOR_TRAIN("deep tensor train", "TT unfoldings", "TT-SNN");

        final String label;
        final String unfoldings;
        final String norm;

        Family(String label, String unfoldings, String norm) {
            this.label = label;
            this.unfoldings = unfoldings;
            this.norm = norm;
        }

        Model build(int depth, Shape shape) {
            return this == TUCKER ? Models.build(Tucker.deep(depth), shape) : Models.build(TensorTrain.deep(depth), shape);
        }

        /** The mean effective rank of the unfoldings this family is about. */
        double meanEffectiveRank(Tensor w) {
            double[] ranks = this == TUCKER ? UnfoldingSpectra.modeEffectiveRanks(w) : UnfoldingSpectra.ttEffectiveRanks(w);
            return Arrays.stream(ranks).average().orElseThrow();
        }

        /** The norm the convex baseline minimizes. */
        double norm(Tensor w) {
            return this == TUCKER ? UnfoldingSpectra.sumOfNuclearNorms(w) : UnfoldingSpectra.ttSumOfNuclearNorms(w);
        }

        /** The convex baseline for an order-3 tensor. */
        SumOfNuclearNormsCompletion baseline(int order) {
            return this == TUCKER ? SumOfNuclearNormsCompletion.allModes(order) : SumOfNuclearNormsCompletion.modes(0, order - 1);
        }
    }

    /** The end of one run: gradient descent (depth ≥ 1) or the convex baseline (depth 0). */
    record Outcome(Family family, double fraction, int depth, int seed, double effectiveRank, double norm, double error, double trainLoss,
                   long steps, boolean converged) {
    }

    @Override
    public String id() {
        return "E9";
    }

    @Override
    public String title() {
        return "deep Tucker and deep tensor train: effective rank against depth, and GD is not SNN minimization (Milanesi et al. 2021)";
    }

    static Setting setting(ExperimentContext context) {
        if (context.quick()) {
            return new Setting(10, 3, new double[] {0.1, 0.2, 0.3, 0.5}, new int[] {1, 2, 3}, context.seeds(1), 6_000, new double[] {0.2},
                    3_000);
        }
        // Depth 4 does not fit the time budget.
        return new Setting(10, 3, new double[] {0.1, 0.2, 0.3, 0.5}, new int[] {1, 2, 3}, context.seeds(3), 20_000, new double[] {0.1, 0.2},
                40_000);
    }

    @Override
    public void run(ExperimentContext context) throws IOException {
        Setting setting = setting(context);
        Shape shape = Shape.of(setting.side(), setting.side(), setting.side());
        int[] ranks = {setting.rank(), setting.rank(), setting.rank()};
        List<Outcome> outcomes = new ArrayList<>();
        CsvTable table = new CsvTable("model", "observed_fraction", "m", "depth", "seed", "mean_effective_rank", "norm", "norm_kind",
                "relative_error_unobserved", "train_loss", "steps", "converged");
        double[] targetRank = new double[Family.values().length];
        double[] targetNorm = new double[Family.values().length];
        for (int seed = 0; seed < setting.seeds(); seed++) {
            try (Tensor truth = Synthetic.tucker(shape, ranks, 1.0, 900 + seed)) {
                for (Family family : Family.values()) {
                    targetRank[family.ordinal()] += family.meanEffectiveRank(truth) / setting.seeds();
                    targetNorm[family.ordinal()] += family.norm(truth) / setting.seeds();
                }
                for (double fraction : setting.fractions()) {
                    int m = (int) Math.round(fraction * shape.size());
                    long[] offsets = Synthetic.sample(shape, m, 950 + seed);
                    double[] values = new double[m];
                    for (int e = 0; e < m; e++) {
                        values[e] = truth.getFlat(offsets[e]);
                    }
                    try (Observations data = Synthetic.observe(truth, offsets); Coordinates at = Coordinates.ofOffsets(shape, offsets)) {
                        for (Family family : Family.values()) {
                            Outcome convex = baseline(family, shape, offsets, values, truth, at, fraction, seed);
                            outcomes.add(convex);
                            record(context, table, convex, m);
                            for (int depth : setting.depths()) {
                                Outcome run = train(family, depth, shape, data, truth, at, fraction, seed, setting.maxSteps());
                                outcomes.add(run);
                                record(context, table, run, m);
                            }
                        }
                    }
                }
            }
        }
        context.write("final-measures", table);
        List<Outcome> variant = smallStepVariant(context, setting, shape, ranks);
        for (Family family : Family.values()) {
            variantVerdict(context, setting, variant, family);
        }
        for (Family family : Family.values()) {
            figures(context, setting, outcomes, family, targetRank[family.ordinal()], targetNorm[family.ordinal()]);
        }
        for (Family family : Family.values()) {
            verdicts(context, setting, outcomes, family);
        }
    }

    private static void record(ExperimentContext context, CsvTable table, Outcome o, int m) {
        table.row(o.family().label, o.fraction(), m, o.depth(), o.seed(), o.effectiveRank(), o.norm(), o.family().norm, o.error(),
                o.trainLoss(), o.steps(), o.converged());
        context.note("%s, %2.0f %% observed, %s, seed %d: erank %.3f, %s %.4f, error %.4f (loss %.1e, %d steps)", o.family().label,
                100 * o.fraction(), o.depth() == 0 ? "convex baseline" : "depth " + o.depth(), o.seed(), o.effectiveRank(), o.family().norm,
                o.norm(), o.error(), o.trainLoss(), o.steps());
    }

    private static Outcome baseline(Family family, Shape shape, long[] offsets, double[] values, Tensor truth, Coordinates at,
                                    double fraction, int seed) {
        try (SumOfNuclearNormsCompletion.Result result = family.baseline(shape.order()).complete(shape, offsets, values)) {
            Tensor w = result.completed();
            CompletionErrors errors = CompletionErrors.of(w, truth, at);
            return new Outcome(family, fraction, 0, seed, family.meanEffectiveRank(w), family.norm(w), errors.relativeUnobserved(),
                    errors.observedMse(), result.iterations(), result.primalResidual() < 1e-6);
        }
    }

    static Outcome train(Family family, int depth, Shape shape, Observations data, Tensor truth, Coordinates at, double fraction, int seed,
                         long maxSteps) {
        return train(family, depth, shape, data, truth, at, fraction, seed, maxSteps, INIT_STD, Optimizer.groupRmsProp(LEARNING_RATE));
    }

    static Outcome train(Family family, int depth, Shape shape, Observations data, Tensor truth, Coordinates at, double fraction, int seed,
                         long maxSteps, double initStd, Optimizer optimizer) {
        try (Model model = family.build(depth, shape); Tensor w = Tensor.zeros(shape)) {
            model.evaluation(Evaluation.DENSE); // 1000 entries: the dense path is the fast one, and gives the same values
            Initializer.endToEnd(initStd).initialize(model, 700 + seed);
            TrainingResult result = new Trainer()
                    .optimizer(optimizer)
                    .batchSize(0)
                    .maxSteps(maxSteps)
                    .lossTolerance(LOSS_TARGET)
                    .checkEvery(50)
                    .seed(seed)
                    .fit(model, data);
            model.reconstruct(w);
            CompletionErrors errors = CompletionErrors.of(w, truth, at);
            return new Outcome(family, fraction, depth, seed, family.meanEffectiveRank(w), family.norm(w), errors.relativeUnobserved(),
                    result.trainLoss(), result.steps(), result.trainLoss() <= LOSS_TARGET);
        }
    }

    /**
     * The same runs with a ten times smaller GroupRMSprop step (seed 0, low-sample fractions), to test
     * whether depth fails to help because the step is too coarse for the small initialization.
     */
    private static List<Outcome> smallStepVariant(ExperimentContext context, Setting setting, Shape shape, int[] ranks) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        CsvTable table = new CsvTable("model", "observed_fraction", "depth", "seed", "learning_rate", "mean_effective_rank", "norm",
                "relative_error_unobserved", "train_loss", "steps", "converged");
        try (Tensor truth = Synthetic.tucker(shape, ranks, 1.0, 900)) {
            for (double fraction : setting.variantFractions()) {
                int m = (int) Math.round(fraction * shape.size());
                long[] offsets = Synthetic.sample(shape, m, 950);
                try (Observations data = Synthetic.observe(truth, offsets); Coordinates at = Coordinates.ofOffsets(shape, offsets)) {
                    for (Family family : Family.values()) {
                        for (int depth : setting.depths()) {
                            Outcome o = train(family, depth, shape, data, truth, at, fraction, 0, setting.variantSteps(), INIT_STD,
                                    Optimizer.groupRmsProp(VARIANT_LEARNING_RATE));
                            outcomes.add(o);
                            table.row(family.label, fraction, depth, 0, VARIANT_LEARNING_RATE, o.effectiveRank(), o.norm(), o.error(),
                                    o.trainLoss(), o.steps(), o.converged());
                            context.note("variant lr %.0e: %s, %2.0f %% observed, depth %d: erank %.3f, %s %.4f, error %.4f (loss %.1e, %d steps)",
                                    VARIANT_LEARNING_RATE, family.label, 100 * fraction, depth, o.effectiveRank(), family.norm, o.norm(), o.error(),
                                    o.trainLoss(), o.steps());
                        }
                    }
                }
            }
        }
        context.write("variant-small-step", table);
        return outcomes;
    }

    private static void variantVerdict(ExperimentContext context, Setting setting, List<Outcome> variant, Family family) {
        StringBuilder measured = new StringBuilder();
        boolean falls = true;
        boolean converged = true;
        for (double fraction : setting.variantFractions()) {
            measured.append(String.format(Locale.ROOT, "%s%.0f %%:", measured.length() == 0 ? "" : "; ", 100 * fraction));
            double previous = Double.POSITIVE_INFINITY;
            for (int depth : setting.depths()) {
                Outcome o = variant.stream().filter(v -> v.family() == family && v.fraction() == fraction && v.depth() == depth).findFirst()
                        .orElseThrow();
                measured.append(String.format(Locale.ROOT, " L%d erank %.3f (loss %.1e, error %.3f)", depth, o.effectiveRank(), o.trainLoss(),
                        o.error()));
                falls &= o.effectiveRank() <= previous + RANK_TIE;
                converged &= o.converged();
                previous = o.effectiveRank();
            }
        }
        context.verdict(family.label + ", variant with GroupRMSprop lr " + VARIANT_LEARNING_RATE + ": effective rank does not rise with depth",
                "non-increasing in L (seed 0) and every run at the loss target " + LOSS_TARGET, measured + (converged ? "" : "; not every run reached the loss target"),
                falls && converged);
    }

    // ------------------------------------------------------------------------------ figures and verdicts

    private static double[] medians(List<Outcome> outcomes, Family family, int depth, double[] fractions,
                                    java.util.function.ToDoubleFunction<Outcome> measure) {
        double[] out = new double[fractions.length];
        for (int f = 0; f < fractions.length; f++) {
            double fraction = fractions[f];
            out[f] = Stats.median(outcomes.stream().filter(o -> o.family() == family && o.depth() == depth && o.fraction() == fraction)
                    .mapToDouble(measure).toArray());
        }
        return out;
    }

    private static double[] perSeed(List<Outcome> outcomes, Family family, int depth, int seed, double[] fractions,
                                    java.util.function.ToDoubleFunction<Outcome> measure) {
        double[] out = new double[fractions.length];
        for (int f = 0; f < fractions.length; f++) {
            double fraction = fractions[f];
            out[f] = outcomes.stream().filter(o -> o.family() == family && o.depth() == depth && o.fraction() == fraction && o.seed() == seed)
                    .mapToDouble(measure).findFirst().orElse(Double.NaN);
        }
        return out;
    }

    private static void figures(ExperimentContext context, Setting setting, List<Outcome> outcomes, Family family, double targetRank,
                                double targetNorm) throws IOException {
        double[] fractions = setting.fractions();
        double[] percent = Arrays.stream(fractions).map(f -> 100 * f).toArray();
        String key = family == Family.TUCKER ? "tucker" : "tt";
        SvgPlot rank = new SvgPlot("E9: " + family.label + ", effective rank of the " + family.unfoldings + " (10×10×10, multirank 3)",
                "observed entries (%)", "mean effective rank of the " + family.unfoldings);
        SvgPlot error = new SvgPlot("E9: " + family.label + ", error on the unobserved entries", "observed entries (%)",
                "relative error on unobserved entries").logY();
        SvgPlot norm = new SvgPlot("E9: " + family.label + ", " + family.norm + " of the completion", "observed entries (%)",
                family.norm + " (" + (family == Family.TUCKER ? "(1/3) Σ_n ‖W_(n)‖_*" : "(1/2) Σ_k ‖W_⟨k⟩‖_*") + ")");
        for (int depth : setting.depths()) {
            String label = "GD, depth " + depth;
            for (int seed = 0; seed < setting.seeds() && setting.seeds() > 1; seed++) {
                rank.add(label, percent, perSeed(outcomes, family, depth, seed, fractions, Outcome::effectiveRank), SvgPlot.Style.THIN);
                error.add(label, percent, perSeed(outcomes, family, depth, seed, fractions, Outcome::error), SvgPlot.Style.THIN);
                norm.add(label, percent, perSeed(outcomes, family, depth, seed, fractions, Outcome::norm), SvgPlot.Style.THIN);
            }
            rank.line(label, percent, medians(outcomes, family, depth, fractions, Outcome::effectiveRank));
            error.line(label, percent, medians(outcomes, family, depth, fractions, Outcome::error));
            norm.line(label, percent, medians(outcomes, family, depth, fractions, Outcome::norm));
        }
        String convex = "convex: min " + family.norm;
        rank.add(convex, percent, medians(outcomes, family, 0, fractions, Outcome::effectiveRank), SvgPlot.Style.DASHED);
        error.add(convex, percent, medians(outcomes, family, 0, fractions, Outcome::error), SvgPlot.Style.DASHED);
        norm.add(convex, percent, medians(outcomes, family, 0, fractions, Outcome::norm), SvgPlot.Style.DASHED);
        double[] level = new double[percent.length];
        Arrays.fill(level, targetRank);
        rank.add("the target", percent, level, SvgPlot.Style.DASHED);
        Arrays.fill(level, targetNorm);
        norm.add("the target", percent, level, SvgPlot.Style.DASHED);
        context.write("effective-rank-" + key, rank);
        context.write("error-" + key, error);
        context.write("snn-" + key, norm);
    }

    private static void verdicts(ExperimentContext context, Setting setting, List<Outcome> outcomes, Family family) {
        double[] fractions = setting.fractions();
        int[] depths = setting.depths();
        StringBuilder measured = new StringBuilder();
        boolean monotone = true;
        for (int f = 0; f < fractions.length; f++) {
            measured.append(String.format(Locale.ROOT, "%s%.0f %%:", f == 0 ? "" : "; ", 100 * fractions[f]));
            double previous = Double.POSITIVE_INFINITY;
            for (int depth : depths) {
                double r = medians(outcomes, family, depth, new double[] {fractions[f]}, Outcome::effectiveRank)[0];
                measured.append(String.format(Locale.ROOT, " L%d %.3f", depth, r));
                if (r > previous + RANK_TIE) {
                    monotone = false;
                    measured.append(" (rises)");
                }
                previous = r;
            }
        }
        long runs = outcomes.stream().filter(o -> o.family() == family && o.depth() > 0).count();
        long reached = outcomes.stream().filter(o -> o.family() == family && o.depth() > 0 && o.converged()).count();
        measured.append(String.format(Locale.ROOT, "; %d of %d runs reached the loss target %.0e", reached, runs, LOSS_TARGET));
        context.verdict(family.label + ": effective rank of the " + family.unfoldings + " does not rise with depth",
                "median over " + setting.seeds() + " seed(s) non-increasing in L at every observed fraction (ties within " + RANK_TIE + ")",
                measured.toString(), monotone);

        int deepest = depths[depths.length - 1];
        boolean found = false;
        StringBuilder detail = new StringBuilder();
        for (double fraction : fractions) {
            if (fraction > 0.2 + 1e-12) {
                continue;
            }
            double[] one = {fraction};
            double gdNorm = medians(outcomes, family, deepest, one, Outcome::norm)[0];
            double gdError = medians(outcomes, family, deepest, one, Outcome::error)[0];
            double cvNorm = medians(outcomes, family, 0, one, Outcome::norm)[0];
            double cvError = medians(outcomes, family, 0, one, Outcome::error)[0];
            boolean holds = gdNorm > cvNorm && gdError <= cvError;
            found |= holds;
            detail.append(String.format(Locale.ROOT, "%s%.0f %%: %s GD %.4f vs convex %.4f, error GD %.4f vs convex %.4f%s",
                    detail.length() == 0 ? "" : "; ", 100 * fraction, family.norm, gdNorm, cvNorm, gdError, cvError, holds ? " (holds)" : ""));
        }
        context.verdict(family.label + ": gradient descent is not " + family.norm + " minimization",
                "at 10 % or 20 % observed, " + family.norm + "(GD, depth " + deepest + ") > " + family.norm
                        + "(convex) with error ≤ the convex one's (medians)", detail.toString(), found);
    }
}
