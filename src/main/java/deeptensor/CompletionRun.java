package deeptensor;

import deeptensor.internal.train.Split;
import deeptensor.internal.model.Models;
import deeptensor.internal.model.Model;
import deeptensor.model.ModelSpec;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import deeptensor.internal.train.Trainer;
import deeptensor.internal.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The steps of {@link Completion#fit()}: scale, split, build, initialize, train, reconstruct, report. */
final class CompletionRun {

    private final Coordinates at;
    private final Tensor values;
    private final ModelSpec spec;
    private final long seed;
    private final double initScale;
    private final double validationFraction;
    private final Trainer trainer;
    private final long maxSteps;
    private final java.time.Duration maxTime;
    private final CompletionListener progress;

    CompletionRun(Coordinates at, Tensor values, ModelSpec spec, long seed, double initScale,
                  double validationFraction, Trainer trainer, long maxSteps, java.time.Duration maxTime, CompletionListener progress) {
        this.maxSteps = maxSteps;
        this.maxTime = maxTime;
        this.progress = progress;
        this.at = at;
        this.values = values;
        this.spec = spec;
        this.seed = seed;
        this.initScale = initScale;
        this.validationFraction = validationFraction;
        this.trainer = trainer;
    }

    CompletionResult run() {
        // Independent streams for the three random choices, so that changing one setting (say the
        // validation fraction) does not change the initialization.
        SplittableRandom seeds = new SplittableRandom(seed);
        long initSeed = seeds.nextLong(), splitSeed = seeds.nextLong(), batchSeed = seeds.nextLong();
        double rms = rms(values);
        double scale = rms > 0 ? rms : 1;
        try (Model model = Models.build(spec, at.shape())) {
            FitMemory.ofModel(model, at.count(), validationFraction).requireAvailable(model.usesDense(at.count())
                    ? "use sampled evaluation (Evaluation.SAMPLED), lower the ranks, or raise -XX:MaxDirectMemorySize"
                    : "lower the ranks or the depth, or raise -XX:MaxDirectMemorySize");
            try (Observations observed = Observations.of(at, values);
                 Split split = Split.of(observed, validationFraction, splitSeed)) {
                // The split's parts are copies owned here: scale them in place (dividing commutes with the split).
                divide(split.train().values(), scale);
                divide(split.validation().values(), scale);
                Initializer init = Initializer.endToEndWithRms(model, initScale);
                init.initialize(model, initSeed);
                if (progress != null) {
                    double validationMeanSquare = split.validation().count() > 0 ? meanSquare(split.validation().values()) : Double.NaN;
                    String stage = "training " + model.describe();
                    double[] best = {Double.NaN};
                    trainer.listener(1, p -> {
                        double error = Math.sqrt(p.validationLoss() / validationMeanSquare);
                        if (error < best[0] || !(best[0] == best[0])) {
                            best[0] = error;
                        }
                        double fraction = maxSteps > 0 ? (double) p.step() / maxSteps : 1;
                        if (maxTime != null) {
                            fraction = Math.max(fraction, p.elapsedSeconds() / (maxTime.toNanos() * 1e-9));
                        }
                        progress.onProgress(new CompletionProgress(stage, Math.min(1, fraction), best[0], p.elapsedSeconds()));
                    });
                }
                TrainingResult training = trainer.seed(batchSeed).fit(model, split);
                Tensor completed = Tensor.zeros(at.shape());
                CompletionModel served = null;
                try {
                    served = CompletionModel.of(at.shape(), scale, model.factorization(), model.describe());
                    served.toTensor(completed);
                    double validationMeanSquare = split.validation().count() > 0 ? meanSquare(split.validation().values()) : Double.NaN;
                    List<CompletionReport.Candidate> candidates = new ArrayList<>();
                    candidates.add(new CompletionReport.Candidate(model.describe(),
                            Math.sqrt(training.validationLoss() / validationMeanSquare), true));
                    if (split.validation().count() > 0) {
                        MeanStructure effects = MeanStructure.mainEffects(split.train().coordinates(), split.train().values());
                        candidates.add(new CompletionReport.Candidate(effects.describe() + " (baseline, not used)",
                                Math.sqrt(effects.meanSquaredError(split.validation().coordinates(), split.validation().values())
                                        / validationMeanSquare), false));
                    }
                    CompletionReport report = CompletionReport.of(model, completed, training, scale, meanSquare(split.train().values()),
                            validationMeanSquare, at.count(), seed, candidates);
                    return new CompletionResult(completed, served, report);
                } catch (RuntimeException | Error failure) {
                    completed.close();
                    if (served != null) {
                        served.close();
                    }
                    throw failure;
                }
            }
        }
    }

    /**
     * The root-mean-square of {@code values}, scaled by the largest magnitude before squaring (as
     * LAPACK's {@code dnrm2} does) so that neither huge values overflow nor tiny ones underflow.
     */
    static double rms(Tensor values) {
        double largest = 0;
        for (long e = 0; e < values.size(); e++) {
            largest = Math.max(largest, Math.abs(values.getFlat(e)));
        }
        if (largest == 0 || values.size() == 0) {
            return 0;
        }
        double sum = 0;
        for (long e = 0; e < values.size(); e++) {
            double v = values.getFlat(e) / largest;
            sum += v * v;
        }
        return largest * Math.sqrt(sum / values.size());
    }

    private static void divide(Tensor values, double by) {
        for (long e = 0; e < values.size(); e++) {
            values.setFlat(e, values.getFlat(e) / by);
        }
    }

    static double meanSquare(Tensor values) {
        double sum = 0;
        for (long e = 0; e < values.size(); e++) {
            sum += values.getFlat(e) * values.getFlat(e);
        }
        return sum / Math.max(1, values.size());
    }
}
