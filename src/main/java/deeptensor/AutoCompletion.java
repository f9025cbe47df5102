package deeptensor;

import deeptensor.internal.model.Models;
import deeptensor.internal.model.Evaluation;
import deeptensor.internal.model.Factorization;
import deeptensor.internal.model.Model;
import deeptensor.model.Tucker;
import deeptensor.internal.model.TuckerModel;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.OffHeapMemory;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import deeptensor.train.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The default completion (no model given): a rank-capped Tucker model with an explicit ridge
 * penalty, fitted by L-BFGS, its penalty weight and an optional mean "centre" chosen by K-fold
 * cross-validation on the observed entries, and never kept unless it beats additive main-effects
 * imputation on the held-out entries. The steps, in order (docs/models.md has the long form):
 * <ol>
 *   <li>Scale the observed values to RMS 1; split them into {@link #FOLDS} seeded folds.</li>
 *   <li>Cross-validate the centres on every fold: global mean, additive main effects, and the fibre
 *       means of every mode with enough observations; the lowest pooled error picks the centre.</li>
 *   <li>On as many folds as {@link #CROSS_VALIDATION_BUDGET} allows (at least one), fit Tucker with
 *       ranks {@code min(dₙ, 64)} (fewer when one evaluation would cost more than {@link #FLOP_BUDGET})
 *       and the penalty {@code (λ/m)‖θ‖²} for each λ of {@link #LAMBDAS}, every fit from the same
 *       seeded start: once to the values (λ with the lowest error), once to the values minus the
 *       centre (the one-standard-error rule, the centre alone counting as λ = ∞).</li>
 *   <li>Keep the better of the two on the same held-out entries, unless additive main effects do
 *       better there.</li>
 *   <li>Refit the kept choice on all observed entries, continuing from its fold-0 fit, and average it
 *       with {@link #ENSEMBLE} − 1 fits of the same model and λ from fresh seeded starts.</li>
 * </ol>
 * Depth plays no part: measured on real tensors, explicit ridge completed more accurately than the
 * implicit regularization of deep factors trained by gradient descent (docs/accuracy.md).
 */
final class AutoCompletion {

    /** Penalty weights tried, largest first. */
    static final double[] LAMBDAS = {10, 3, 1, 0.3, 0.1, 0.03};
    /** The rank cap of every mode. */
    static final int RANK_CAP = 64;
    /** Share of a time budget the choice may use; the rest is kept for the final fits. */
    static final double SELECTION_SHARE = 0.6;
    /** Fits averaged for the final completion (the refit plus fits from fresh starts). */
    static final int ENSEMBLE = 3;
    /** Iterations of one L-BFGS fit. */
    static final int MAX_ITERATIONS = 400;
    /** Largest estimated cost of one loss-and-gradient evaluation, in flops, before ranks are lowered (see {@link #ranks}). */
    static final double FLOP_BUDGET = 5e8;
    /** Ranks are not lowered below the point where one evaluation costs this many times the cheapest model's. */
    static final double FLOOR_FACTOR = 2;
    /** Fewer observed entries than this: no model is selected, main effects are fitted. */
    static final int MIN_OBSERVED = 20;
    /** Folds of the cross-validation (each holds out a fifth of the observed entries). */
    static final int FOLDS = 5;
    /** Estimated flops the model paths of all folds may cost together before fewer folds are run. */
    static final double CROSS_VALIDATION_BUDGET = 1.5e11;
    /** Observed entries beyond which the choice of model is made on a random subset of this many. */
    static final int SELECTION_ENTRIES = 300_000;
    /** Below this share {@code Π Rₙ/dₙ} the fits start from {@link SpectralStart} instead of at random. */
    static final double THIN = 0.03;
    /** Share of the entries a spectral start of an averaged fit's member is computed from. */
    static final double MEMBER_SHARE = 0.5;
    /** Iterations a warm-started fit on the path typically takes, for the cost estimate. */
    static final int TYPICAL_ITERATIONS = 150;

    private final Coordinates at;
    private final Tensor values;
    private final long seed;
    private final Control control;
    private final int iterations;
    private final double flopBudget;

    AutoCompletion(Coordinates at, Tensor values, long seed, Duration maxTime, CompletionListener listener, int iterationsPerFit) {
        this(at, values, seed, maxTime, listener, iterationsPerFit, FLOP_BUDGET);
    }

    /** With another {@link #FLOP_BUDGET} (tests: a small budget forces low ranks on a small tensor). */
    AutoCompletion(Coordinates at, Tensor values, long seed, Duration maxTime, CompletionListener listener, int iterationsPerFit,
                   double flopBudget) {
        this.flopBudget = flopBudget;
        this.iterations = iterationsPerFit;
        this.at = at;
        this.values = values;
        this.seed = seed;
        this.control = new Control(maxTime, listener);
    }

    CompletionResult run() {
        SplittableRandom seeds = new SplittableRandom(seed);
        long initSeed = seeds.nextLong(), splitSeed = seeds.nextLong();
        double rms = CompletionRun.rms(values);
        double scale = rms > 0 ? rms : 1;
        try (Tensor scaled = values.copy()) {
            for (long e = 0; e < scaled.size(); e++) {
                scaled.setFlat(e, scaled.getFlat(e) / scale);
            }
            if (at.count() < MIN_OBSERVED) {
                return meanOnly(scaled, scale);
            }
            return select(scaled, scale, initSeed, splitSeed);
        }
    }

    private CompletionResult meanOnly(Tensor scaled, double scale) {
        MeanStructure effects = MeanStructure.mainEffects(at, scaled);
        List<CompletionReport.Candidate> candidates = List.of(new CompletionReport.Candidate(effects.describe(), Double.NaN, true));
        String why = "only " + at.count() + " observed entries (fewer than " + MIN_OBSERVED + "): too few to choose a model on held-out"
                + " entries, so the completion is the additive main effects";
        return finish(null, List.of(), effects, scale, scaled, StopReason.FINISHED, why, Double.NaN, Double.NaN, candidates);
    }

    /** A kind of centre, fitted afresh on each fold's training part. */
    private record CentreKind(String name, java.util.function.BiFunction<Coordinates, Tensor, MeanStructure> fit) {
    }

    private List<CentreKind> centreKinds(Shape shape, int trainCount) {
        List<CentreKind> kinds = new ArrayList<>();
        kinds.add(new CentreKind("global mean", MeanStructure::globalMean));
        kinds.add(new CentreKind("additive main effects", MeanStructure::mainEffects));
        for (int n = 0; n < shape.order(); n++) {
            if (MeanStructure.fibreMeansWorthTrying(shape, trainCount, n)) {
                int mode = n;
                kinds.add(new CentreKind("mode-" + n + " fibre means",
                        (where, y) -> MeanStructure.fibreMeans(where, y, mode, MeanStructure.globalMean(where, y))));
            }
        }
        return kinds;
    }

    private static final int EFFECTS = 1;

    private CompletionResult select(Tensor scaled, double scale, long initSeed, long splitSeed) {
        if (at.count() <= SELECTION_ENTRIES) {
            return select(at, scaled, scaled, scale, initSeed, splitSeed, false);
        }
        // Many observed entries: the choice is made on a seeded random subset of them (its held-out
        // errors are as telling with a few hundred thousand entries as with millions, and the
        // centres, folds and sampled evaluations cost in proportion); the final fits use them all.
        int all = at.count(), order = at.shape().order();
        SplittableRandom random = new SplittableRandom(splitSeed ^ 0x9E3779B97F4A7C15L);
        int[] pick = new int[all];
        for (int e = 0; e < all; e++) {
            pick[e] = e;
        }
        for (int i = 0; i < SELECTION_ENTRIES; i++) {
            int j = i + random.nextInt(all - i);
            int swap = pick[i];
            pick[i] = pick[j];
            pick[j] = swap;
        }
        java.util.Arrays.sort(pick, 0, SELECTION_ENTRIES);
        int[] index = new int[SELECTION_ENTRIES * order];
        double[] y = new double[SELECTION_ENTRIES];
        for (int i = 0; i < SELECTION_ENTRIES; i++) {
            for (int n = 0; n < order; n++) {
                index[i * order + n] = at.index(pick[i], n);
            }
            y[i] = scaled.getFlat(pick[i]);
        }
        try (Coordinates subsetAt = Coordinates.of(at.shape(), index);
             Tensor subsetY = Tensor.of(y, SELECTION_ENTRIES)) {
            return select(subsetAt, subsetY, scaled, scale, initSeed, splitSeed, true);
        }
    }

    /** The choice on the entries {@code selectAt} (all observed entries, or a subset when {@code subset}), then the final fits on all. */
    private CompletionResult select(Coordinates selectAt, Tensor selectY, Tensor scaled, double scale, long initSeed, long splitSeed,
                                    boolean subset) {
        Shape shape = at.shape();
        int m = selectAt.count();
        Folds folds = Folds.of(m, FOLDS, splitSeed);
        int trainCount = m - (m + FOLDS - 1) / FOLDS;
        List<CentreKind> kinds = centreKinds(shape, trainCount);

        // 1. Centres, cross-validated over every fold (they are cheap); per-fold errors kept so the
        //    models can be compared with them over exactly the folds the models ran on.
        double[][][] centreErrors = new double[kinds.size()][FOLDS][];
        double[] heldOutSquares = new double[FOLDS];
        int[] heldOutCounts = new int[FOLDS];
        HeldOutErrors[] centreAll = new HeldOutErrors[kinds.size()];
        for (int c = 0; c < kinds.size(); c++) {
            centreAll[c] = new HeldOutErrors();
        }
        for (int f = 0; f < FOLDS; f++) {
            try (Folds.Fold fold = folds.fold(selectAt, selectY, f)) {
                for (int c = 0; c < kinds.size(); c++) {
                    MeanStructure centre = kinds.get(c).fit().apply(fold.trainAt(), fold.trainY());
                    centreErrors[c][f] = centre.squaredErrors(fold.validAt(), fold.validY());
                    centreAll[c].add(centreErrors[c][f]);
                }
                for (long e = 0; e < fold.validY().size(); e++) {
                    heldOutSquares[f] += fold.validY().getFlat(e) * fold.validY().getFlat(e);
                }
                heldOutCounts[f] = (int) fold.validY().size();
            }
        }
        int best = 0;
        for (int c = 1; c < kinds.size(); c++) {
            if (centreAll[c].mean() < centreAll[best].mean()) {
                best = c;
            }
        }
        CentreKind centreKind = kinds.get(best);
        if (shape.order() < 2) {
            return centreOnly(kinds, centreAll, best, heldOutSquares, heldOutCounts, scaled, scale);
        }
        // The ranks must suit the final fits on every observed entry as well as the choice.
        Tucker spec = Tucker.shallow().ranks(ranks(shape, subset ? at.count() : trainCount, flopBudget));
        int modelFolds = affordableFolds(spec, shape, trainCount);

        // 2. The two regularization paths on the first modelFolds folds; states kept from fold 0 for the refit.
        int k = LAMBDAS.length;
        HeldOutErrors[] plain = new HeldOutErrors[k + 1], centred = new HeldOutErrors[k + 1];
        for (int i = 0; i <= k; i++) {
            plain[i] = new HeldOutErrors();
            centred[i] = new HeldOutErrors();
        }
        double[][] plainStates = new double[k][], centredStates = new double[k][];
        control.plan((double) modelFolds * 2 * k * iterations + ENSEMBLE * iterations);
        int foldsRun = 0;
        try (Model model = Models.build(spec, shape)) {
            model.evaluation(evaluation(shape, spec.ranksFor(shape), trainCount));
            for (int f = 0; f < modelFolds && !control.stopped(); f++, foldsRun++) {
                try (Folds.Fold fold = folds.fold(selectAt, selectY, f)) {
                    control.fold(f, modelFolds, heldOutSquares[f] / heldOutCounts[f]);
                    path(model, fold.trainAt(), fold.trainY(), fold.validAt(), fold.validY(), initSeed, "uncentred", modelFolds == 1,
                            plain, f == 0 ? plainStates : null);
                    MeanStructure centre = centreKind.fit().apply(fold.trainAt(), fold.trainY());
                    try (Tensor trainResidual = centre.residual(fold.trainAt(), fold.trainY());
                         Tensor validResidual = centre.residual(fold.validAt(), fold.validY())) {
                        path(model, fold.trainAt(), trainResidual, fold.validAt(), validResidual, initSeed, "around the " + centre.describe(),
                                modelFolds == 1, centred, f == 0 ? centredStates : null);
                    }
                }
            }
            // Folds whose paths started; a λ counts only if it was measured on all of them. The model off
            // (λ = ∞) is the centre itself, whose errors are known on every fold.
            foldsRun = Math.max(1, foldsRun);
            for (int f = 0; f < foldsRun; f++) {
                centred[k].add(centreErrors[best][f]);
            }

            // 3. The choice, every candidate measured over the same held-out entries (folds 0 … foldsRun−1).
            long heldOut = sum(heldOutCounts, foldsRun);
            double meanSquare = sum(heldOutSquares, foldsRun) / heldOut;
            HeldOutErrors[] centresOnModelFolds = new HeldOutErrors[kinds.size()];
            List<CompletionReport.Candidate> candidates = new ArrayList<>();
            for (int c = 0; c < kinds.size(); c++) {
                centresOnModelFolds[c] = new HeldOutErrors();
                for (int f = 0; f < foldsRun; f++) {
                    centresOnModelFolds[c].add(centreErrors[c][f]);
                }
                candidates.add(new CompletionReport.Candidate(kinds.get(c).name(), Math.sqrt(centresOnModelFolds[c].mean() / meanSquare),
                        false));
            }
            int plainChoice = lowest(plain, k, foldsRun);
            int centredChoice = oneStandardError(centred, k, foldsRun);
            String ranksText = shapeText(spec, shape);
            int plainIndex = candidates.size();
            candidates.add(new CompletionReport.Candidate("Tucker " + ranksText + " + ridge λ=" + (plainChoice < 0 ? "-" : format(LAMBDAS[plainChoice])),
                    plainChoice < 0 ? Double.NaN : Math.sqrt(plain[plainChoice].mean() / meanSquare), false));
            int centredIndex = candidates.size();
            candidates.add(new CompletionReport.Candidate(centreKind.name() + (centredChoice == k ? " (the model adds nothing clear)"
                    : " + Tucker " + ranksText + " + ridge λ=" + format(LAMBDAS[centredChoice])),
                    Math.sqrt(centred[centredChoice].mean() / meanSquare), false));

            double plainMse = plainChoice < 0 ? Double.POSITIVE_INFINITY : plain[plainChoice].mean();
            double centredMse = centred[centredChoice].mean();
            double effectsMse = centresOnModelFolds[EFFECTS].mean();
            int keptIndex;
            CentreKind keptCentre;
            double[] keptState;
            double keptLambda, keptMse;
            String why;
            if (plainMse <= centredMse) {
                keptIndex = plainIndex;
                keptCentre = null;
                keptState = plainStates[plainChoice];
                keptLambda = LAMBDAS[plainChoice];
                keptMse = plainMse;
                why = "the Tucker model fitted to the values had the lowest held-out error";
            } else {
                keptIndex = centredIndex;
                keptCentre = centreKind;
                keptState = centredChoice == k ? null : centredStates[centredChoice];
                keptLambda = centredChoice == k ? Double.POSITIVE_INFINITY : LAMBDAS[centredChoice];
                keptMse = centredMse;
                why = centredChoice == k ? "the " + centreKind.name() + " alone had the lowest held-out error"
                        : "the Tucker model fitted around the " + centreKind.name() + " had the lowest held-out error";
            }
            if (effectsMse < keptMse) {
                keptIndex = EFFECTS;
                keptCentre = kinds.get(EFFECTS);
                keptState = null;
                keptLambda = Double.POSITIVE_INFINITY;
                keptMse = effectsMse;
                why = "additive main effects beat every model on the held-out entries";
            } else {
                why += String.format(Locale.ROOT, ": relative error %.4g against %.4g for additive main effects",
                        Math.sqrt(keptMse / meanSquare), Math.sqrt(effectsMse / meanSquare));
            }
            why += String.format(Locale.ROOT, " (%s over %d observed entries held out, %d-fold)", foldsRun == 1 ? "measured" : "pooled",
                    heldOut, FOLDS) + (foldsRun < FOLDS ? ", " + foldsRun + " fold" + (foldsRun > 1 ? "s" : "") + " run for the models" : "");
            CompletionReport.Candidate chosen = candidates.get(keptIndex);
            candidates.set(keptIndex, new CompletionReport.Candidate(chosen.name(), chosen.validationRelativeError(), true));

            // 4. Refit the kept choice on every observed entry: the model continuing from its fold-0
            //    fit, and ENSEMBLE − 1 more fits from fresh seeded starts, averaged (below).
            control.finalFits();
            MeanStructure finalCentre = keptCentre == null ? null : keptCentre.fit().apply(at, scaled);
            Model finalModel = null;
            List<double[]> members = new ArrayList<>();
            if (keptState != null) {
                model.evaluation(evaluation(shape, spec.ranksFor(shape), at.count()));
                try (Tensor targets = finalCentre == null ? scaled.copy() : finalCentre.residual(at, scaled);
                     RidgeFit refit = new RidgeFit(model, at, targets)) {
                    refit.restore(keptState);
                    control.stage("refit on all observed entries, λ = " + format(keptLambda));
                    if (!control.stopped()) {
                        refit.fit(keptLambda, iterations, control);
                    }
                    members.add(refit.state());
                    SplittableRandom memberSeeds = new SplittableRandom(initSeed);
                    for (int member = 1; member < ENSEMBLE && !control.stopped(); member++) {
                        control.stage("fit " + (member + 1) + " of " + ENSEMBLE + " on all observed entries, λ = " + format(keptLambda));
                        start(model, at, targets, memberSeeds.nextLong(), MEMBER_SHARE);
                        refit.fit(keptLambda, iterations, control);
                        if (!control.stopped()) { // a member cut short by the budget would pull the average toward its start
                            members.add(refit.state());
                        }
                    }
                    refit.restore(members.get(0));
                }
                finalModel = model;
            }
            return finish(finalModel, members, finalCentre, scale, scaled, control.reason(), why, keptMse * scale * scale,
                    Math.sqrt(keptMse / meanSquare), candidates);
        }
    }

    /** A vector has no low-rank structure to find: the best mean structure on all five folds is the completion. */
    private CompletionResult centreOnly(List<CentreKind> kinds, HeldOutErrors[] errors, int best, double[] heldOutSquares,
                                        int[] heldOutCounts, Tensor scaled, double scale) {
        long count = sum(heldOutCounts, FOLDS);
        double meanSquare = sum(heldOutSquares, FOLDS) / count;
        List<CompletionReport.Candidate> candidates = new ArrayList<>();
        for (int c = 0; c < kinds.size(); c++) {
            candidates.add(new CompletionReport.Candidate(kinds.get(c).name(), Math.sqrt(errors[c].mean() / meanSquare), c == best));
        }
        String why = String.format(Locale.ROOT, "a tensor of order 1 has no factorization to fit; the %s had the lowest held-out error"
                + " (pooled over %d observed entries held out, %d-fold)", kinds.get(best).name(), count, FOLDS);
        return finish(null, List.of(), kinds.get(best).fit().apply(at, scaled), scale, scaled, StopReason.FINISHED, why,
                errors[best].mean() * scale * scale, Math.sqrt(errors[best].mean() / meanSquare), candidates);
    }

    private static double sum(double[] perFold, int folds) {
        double total = 0;
        for (int f = 0; f < folds; f++) {
            total += perFold[f];
        }
        return total;
    }

    private static long sum(int[] perFold, int folds) {
        long total = 0;
        for (int f = 0; f < folds; f++) {
            total += perFold[f];
        }
        return total;
    }

    /** How many folds the model paths can afford: all of them for small problems, one for large ones. */
    static int affordableFolds(Tucker spec, Shape shape, int trainCount) {
        double perFold = 2.0 * LAMBDAS.length * TYPICAL_ITERATIONS * cost(shape, spec.ranksFor(shape), trainCount);
        return (int) Math.max(1, Math.min(FOLDS, Math.floor(CROSS_VALIDATION_BUDGET / perFold)));
    }

    /**
     * The seeded start of a fit. A random start whose model tensor has about the RMS of the targets (at
     * least 1e-3, so a zero target still starts off zero) — unless the model is thin: ranks so small
     * beside the dimensions that a random start's span holds a share {@code Π Rₙ/dₙ} below
     * {@link #THIN} of the data, where L-BFGS was seen to shrink the model to zero and stop there
     * ({@link SpectralStart}); then the spectral start, from a seeded random {@code share} of the
     * entries when below 1 (the fits averaged at the end start from different halves).
     */
    private static void start(Model model, Coordinates at, Tensor targets, long seed, double share) {
        if (thin(model) && model instanceof TuckerModel tucker) {
            SpectralStart.apply(tucker, at, targets, share, seed);
        } else {
            Initializer.endToEndWithRms(model, Math.max(1e-3, Math.sqrt(CompletionRun.meanSquare(targets)))).initialize(model, seed);
        }
    }

    /** Whether a random start of this Tucker model spans less than {@link #THIN} of a generic tensor's energy. */
    static boolean thin(Model model) {
        if (!(model instanceof TuckerModel tucker)) {
            return false;
        }
        double share = 1;
        for (int n = 0; n < model.shape().order(); n++) {
            share *= tucker.coreShape().dim(n) / (double) model.shape().dim(n);
        }
        return share < THIN;
    }

    /** The λ (index) with the lowest error among those measured on all {@code folds} folds; −1 if none. */
    private static int lowest(HeldOutErrors[] errors, int infinity, int folds) {
        int best = -1;
        for (int i = 0; i < infinity; i++) {
            if (errors[i].folds() == folds && (best < 0 || errors[i].mean() < errors[best].mean())) {
                best = i;
            }
        }
        return best;
    }

    /** The largest λ (∞, the model off, first) whose error is within one standard error of the lowest. */
    private static int oneStandardError(HeldOutErrors[] errors, int infinity, int folds) {
        int best = lowest(errors, infinity, folds);
        if (best < 0 || errors[infinity].mean() <= errors[best].mean()) {
            return infinity;
        }
        double threshold = errors[best].mean() + errors[best].standardError();
        if (errors[infinity].mean() <= threshold) {
            return infinity;
        }
        for (int i = 0; i < infinity; i++) {
            if (errors[i].folds() == folds && errors[i].mean() <= threshold) {
                return i;
            }
        }
        return best;
    }

    /**
     * One regularization path on one fold: fits for λ from the largest down, each from the same start, adding each fit's held-out squared errors to {@code errors[i]}; keeps the fitted
     * parameters in {@code states} when given.
     */
    private void path(Model model, Coordinates trainAt, Tensor trainY, Coordinates validAt, Tensor validY, long initSeed, String what,
                      boolean stopEarly, HeldOutErrors[] errors, double[][] states) {
        int k = LAMBDAS.length;
        try (RidgeFit fit = new RidgeFit(model, trainAt, trainY);
             Tensor predictions = Tensor.zeros(validAt.count())) {
            start(model, trainAt, trainY, initSeed, 1);
            double[] start = fit.state();
            int bestSoFar = -1;
            double[] mse = new double[k];
            for (int i = 0; i < k && !control.stopped(); i++) {
                control.stage(what + " Tucker, ridge λ = " + format(LAMBDAS[i]));
                // Every λ starts from the same seeded point. Starting where the previous λ ended
                // would save iterations, but it carries one λ's local solution into the next: from
                // a larger λ, components shrunk to zero cannot grow back (zero is a stationary point
                // of a product); from a smaller one, the overfitted solution's structure stays.
                // Both were measured less accurate or slower (docs/accuracy.md).
                fit.restore(start);
                fit.fit(LAMBDAS[i], iterations, control);
                model.evaluate(validAt, predictions);
                double[] squared = squaredErrors(predictions, validY);
                errors[i].add(squared);
                mse[i] = mean(squared);
                control.validated(mse[i]);
                double[] state = fit.state();
                if (states != null) {
                    states[i] = state;
                }
                if (bestSoFar < 0 || mse[i] < mse[bestSoFar]) {
                    bestSoFar = i;
                } else if (stopEarly && i - bestSoFar >= 2) {
                    break; // two smaller λ in a row did worse than the best: the error is rising
                }
            }
        }
    }

    /**
     * The completed tensor: the average of the model at each of {@code members} (parameter vectors),
     * plus the centre, scaled back to the data's units; and its report.
     */
    private CompletionResult finish(Model model, List<double[]> members, MeanStructure centre, double scale, Tensor scaled, StopReason reason,
                                    String why, double validationMse, double validationRelativeError,
                                    List<CompletionReport.Candidate> candidates) {
        Tensor completed = Tensor.zeros(at.shape());
        CompletionModel served = null;
        try {
            // By convexity the squared error of the average is at most the average of the members'
            // squared errors, at any entry: averaging fits from different starts removes part of the
            // variance a non-convex fit carries. The served model holds each member's plain factors.
            List<Factorization> factors = new ArrayList<>();
            double[] weights = new double[model == null ? 0 : members.size()];
            if (model != null) {
                for (int k = 0; k < members.size(); k++) {
                    RidgeFit.setParameters(model, members.get(k));
                    factors.add(model.factorization());
                    weights[k] = 1.0 / members.size();
                }
                RidgeFit.setParameters(model, members.get(0));
            }
            String description = (centre == null ? "" : centre.describe() + (model == null ? "" : " + "))
                    + (model == null ? "" : model.describe() + " + ridge" + (members.size() > 1 ? ", average of " + members.size() + " fits" : ""));
            served = CompletionModel.of(at.shape(), scale, centre, factors, weights, description);
            served.toTensor(completed);
            double sum = 0, norm = 0;
            for (int e = 0; e < at.count(); e++) {
                double d = completed.getFlat(at.offset(e)) / scale - scaled.getFlat(e);
                sum += d * d;
                norm += scaled.getFlat(e) * scaled.getFlat(e);
            }
            CompletionReport report = CompletionReport.of(description, model, completed, control.iterations, reason, why,
                    control.elapsedSeconds(), sum / at.count() * scale * scale, validationMse, Math.sqrt(sum / Math.max(norm, Double.MIN_NORMAL)),
                    validationRelativeError, at.count(), seed, candidates);
            return new CompletionResult(completed, served, report);
        } catch (RuntimeException | Error failure) {
            completed.close();
            if (served != null) {
                served.close();
            }
            throw failure;
        }
    }

    /**
     * Ranks min(dₙ, cap), lowered (largest first) while one evaluation costs more than the budget:
     * {@code flopBudget}, or {@link #FLOOR_FACTOR} times the cost of the cheapest model (ranks 1) when
     * that is larger. On a large tensor the cheapest model already costs more than the budget (the
     * dense path touches every entry of the tensor, the sampled one every observed entry, whatever the
     * ranks); lowering the ranks further would save little time and lose the structure.
     */
    static int[] ranks(Shape shape, int observed, double flopBudget) {
        int[] ranks = new int[shape.order()];
        int[] ones = new int[shape.order()];
        for (int n = 0; n < ranks.length; n++) {
            ranks[n] = Math.min(shape.dim(n), RANK_CAP);
            ones[n] = 1;
        }
        double budget = Math.max(flopBudget, FLOOR_FACTOR * cost(shape, ones, observed));
        while (cost(shape, ranks, observed) > budget) {
            int largest = 0;
            for (int n = 1; n < ranks.length; n++) {
                if (ranks[n] > ranks[largest]) {
                    largest = n;
                }
            }
            if (ranks[largest] <= 2) {
                break;
            }
            ranks[largest] = Math.max(2, (int) (ranks[largest] * 0.8));
        }
        return ranks;
    }

    static int[] ranks(Shape shape, int observed) {
        return ranks(shape, observed, FLOP_BUDGET);
    }

    /**
     * The estimated cost of one loss-and-gradient evaluation on {@code observed} entries, in flops of
     * the dense path: the cheaper of the two ways (see {@link #evaluation}).
     */
    static double cost(Shape shape, int[] ranks, int observed) {
        return Math.min(denseCost(shape, ranks, observed), sampledCost(shape, ranks, observed));
    }

    /**
     * Dense or sampled evaluation for a Tucker model of these ranks on {@code observed} entries,
     * whichever {@link #cost} finds cheaper. Dense is refused when its two full-size buffers and
     * workspaces would not fit in the off-heap memory left beside the rest of the fit.
     */
    static Evaluation evaluation(Shape shape, int[] ranks, int observed) {
        return denseCost(shape, ranks, observed) <= sampledCost(shape, ranks, observed) ? Evaluation.DENSE : Evaluation.SAMPLED;
    }

    /**
     * The model's estimated dense step ({@link Model#denseWork}: its flops plus the measured
     * per-entry cost of the passes over the full tensor); +∞ when the dense buffers do not fit in
     * memory. Without the measured weights a 300×300×300 tensor with 2.7 M observed entries was sent
     * down the sampled path with ranks 2×2×3 (one second an evaluation) when the dense path with
     * ranks 15 took a quarter of that.
     */
    private static double denseCost(Shape shape, int[] ranks, int observed) {
        try (Model probe = Models.build(Tucker.shallow().ranks(ranks), shape)) {
            probe.evaluation(Evaluation.DENSE);
            long needed = probe.bufferBytes(observed) + FitMemory.ofDefault(shape, observed).bytes();
            if (needed > OffHeapMemory.available()) {
                return Double.POSITIVE_INFINITY;
            }
            return probe.denseWork(observed);
        }
    }

    /** The model's estimated sampled step ({@link Model#sampledWork}). */
    private static double sampledCost(Shape shape, int[] ranks, int observed) {
        try (Model probe = Models.build(Tucker.shallow().ranks(ranks), shape)) {
            return probe.sampledWork(observed);
        }
    }

    private static String shapeText(Tucker spec, Shape shape) {
        int[] r = spec.ranksFor(shape);
        StringBuilder text = new StringBuilder("ranks ");
        for (int n = 0; n < r.length; n++) {
            text.append(n > 0 ? "×" : "").append(r[n]);
        }
        return text.toString();
    }

    private static double[] squaredErrors(Tensor predictions, Tensor targets) {
        double[] errors = new double[(int) targets.size()];
        for (int e = 0; e < errors.length; e++) {
            double d = predictions.getFlat(e) - targets.getFlat(e);
            errors[e] = d * d;
        }
        return errors;
    }

    private static double mean(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return sum / x.length;
    }

    static String format(double lambda) {
        return Double.isInfinite(lambda) ? "∞" : String.format(Locale.ROOT, "%.3g", lambda);
    }

    /** Time budget, interruption, progress: asked by every L-BFGS iteration. */
    private static final class Control implements Lbfgs.Control {
        private final long start = System.nanoTime();
        private final long budgetNanos;
        private final CompletionListener listener;
        private long iterations;
        private double plannedIterations = 1;
        private String stage = "starting";
        private String foldText = "";
        private double bestValidation = Double.NaN;
        private double validationMeanSquare = Double.NaN;
        private Lbfgs.Stop stop;
        private boolean selecting = true;
        private boolean selectionCut;

        Control(Duration maxTime, CompletionListener listener) {
            this.budgetNanos = maxTime == null ? Long.MAX_VALUE : maxTime.toNanos();
            this.listener = listener;
        }

        void plan(double iterations) {
            this.plannedIterations = iterations;
        }

        /** A new fold: its held-out mean square scales the errors reported. */
        void fold(int fold, int folds, double validationMeanSquare) {
            this.validationMeanSquare = validationMeanSquare;
            this.bestValidation = Double.NaN;
            this.foldText = folds > 1 ? "fold " + (fold + 1) + "/" + folds + ": " : "";
        }

        void stage(String what) {
            stage = foldText + what;
            report();
        }

        void validated(double mse) {
            if (!(mse >= bestValidation)) {
                bestValidation = mse;
            }
        }

        boolean stopped() {
            return check() != null;
        }

        /** The selection is over: from now on only the whole budget (or an interrupt) stops the fits. */
        void finalFits() {
            selecting = false;
        }

        @Override
        public Lbfgs.Stop check() {
            if (stop == null) {
                long elapsed = System.nanoTime() - start;
                if (Thread.currentThread().isInterrupted()) {
                    stop = Lbfgs.Stop.INTERRUPTED;
                } else if (elapsed > budgetNanos) {
                    stop = Lbfgs.Stop.TIME_LIMIT;
                } else if (selecting && elapsed > budgetNanos * SELECTION_SHARE) {
                    // The choice ends here, leaving the rest of the budget for the final fits on all
                    // observed entries: a completion refitted on them beats a better-chosen one that
                    // never saw a fifth of the data.
                    selectionCut = true;
                    return Lbfgs.Stop.TIME_LIMIT;
                }
            }
            return stop;
        }

        @Override
        public void iterated(int iteration, double value) {
            iterations++;
            report();
        }

        private void report() {
            if (listener != null) {
                listener.onProgress(new CompletionProgress(stage, Math.min(1, iterations / plannedIterations),
                        Math.sqrt(bestValidation / validationMeanSquare), elapsedSeconds()));
            }
        }

        double elapsedSeconds() {
            return (System.nanoTime() - start) * 1e-9;
        }

        StopReason reason() {
            if (stop == Lbfgs.Stop.INTERRUPTED) {
                return StopReason.INTERRUPTED;
            }
            return stop == Lbfgs.Stop.TIME_LIMIT || selectionCut ? StopReason.TIME_LIMIT : StopReason.FINISHED;
        }
    }
}
