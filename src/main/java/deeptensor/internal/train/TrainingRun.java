package deeptensor.internal.train;

import deeptensor.train.StopReason;
import deeptensor.internal.model.Batch;
import deeptensor.internal.model.Model;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * One training run: the loop, its stopping rules and its bookkeeping (see {@link Trainer} for the
 * rules). Every buffer (batches, sampler, snapshots, optimizer state) is allocated in the constructor;
 * the loop itself allocates nothing off-heap.
 */
final class TrainingRun implements AutoCloseable {

    private final Trainer.Settings settings;
    private final Model model;
    private final Batch train;
    private final Batch validation;
    private final BatchSampler sampler;
    private final OptimizerState state;
    private final Snapshot lastGood;
    private final Snapshot best;
    private final double lossScale;
    private final List<TrainingResult.Check> history = new ArrayList<>();

    /** {@code validationPart} may be null or empty: no validation. */
    TrainingRun(Trainer.Settings settings, Model model, Observations trainPart, Observations validationPart) {
        this.settings = settings;
        this.model = model;
        this.train = new Batch(trainPart.coordinates(), trainPart.values());
        this.validation = validationPart != null && validationPart.count() > 0
                ? new Batch(validationPart.coordinates(), validationPart.values()) : null;
        int m = trainPart.count();
        this.sampler = settings.batchSize() > 0 && settings.batchSize() < m
                ? new BatchSampler(trainPart.coordinates(), trainPart.values(), settings.batchSize(), settings.seed())
                : null;
        this.state = OptimizerState.start(settings.optimizer(), model.parameters().size());
        this.lastGood = new Snapshot(model, settings.optimizer());
        this.best = this.validation != null ? new Snapshot(model, settings.optimizer()) : null;
        this.lossScale = meanSquare(trainPart.values());
    }

    TrainingResult run() {
        long start = System.nanoTime();
        long step = 0;
        if (settings.resumeFrom() != null) {
            step = Checkpoint.read(settings.resumeFrom(), model, state);
        }
        Tensor values = model.parameters().values(), gradients = model.parameters().gradients();
        double firstLoss = Double.NaN;
        double trainLoss = Double.NaN, validationLoss = Double.NaN;
        double bestValidation = Double.POSITIVE_INFINITY;
        int checksSinceBest = 0;
        lastGood.take(model, state, step, Double.NaN);
        StopReason reason = StopReason.MAX_STEPS;
        String message = null;
        while (true) {
            if (step >= settings.maxSteps()) {
                message = "stopped after the step budget of " + settings.maxSteps() + " steps";
                break;
            }
            if (Thread.currentThread().isInterrupted()) {
                reason = StopReason.INTERRUPTED;
                message = "interrupted at step " + step + "; kept the best state so far";
                break;
            }
            if (System.nanoTime() - start > settings.maxNanos()) {
                reason = StopReason.TIME_LIMIT;
                message = "stopped by the time budget at step " + step + "; kept the best state so far";
                break;
            }
            Batch batch = sampler == null ? train : sampler.batch(step);
            double loss = model.lossAndGradient(batch);
            if (Double.isNaN(firstLoss)) {
                firstLoss = loss;
            }
            if (diverged(loss, firstLoss)) {
                reason = StopReason.DIVERGED;
                message = divergenceMessage(step, loss, firstLoss);
                lastGood.restore(model, state);
                break;
            }
            if (sampler == null && loss <= settings.lossTolerance()) {
                reason = StopReason.TOLERANCE;
                message = "the training loss " + loss + " reached the tolerance " + settings.lossTolerance() + " at step " + step;
                break;
            }
            state.step(values, gradients);
            step++;
            if (step % settings.checkEvery() == 0) {
                trainLoss = model.loss(train);
                validationLoss = validation == null ? Double.NaN : model.loss(validation);
                history.add(new TrainingResult.Check(step, trainLoss, validationLoss));
                if (diverged(trainLoss, firstLoss)) {
                    reason = StopReason.DIVERGED;
                    message = divergenceMessage(step, trainLoss, firstLoss);
                    lastGood.restore(model, state);
                    break;
                }
                double previousTrainLoss = lastGood.loss();
                lastGood.take(model, state, step, trainLoss);
                if (validation != null) {
                    if (validationLoss < bestValidation) {
                        bestValidation = validationLoss;
                        best.take(model, state, step, validationLoss);
                        checksSinceBest = 0;
                    } else if (!(trainLoss > (1 - 1e-3) * previousTrainLoss)) {
                        checksSinceBest++; // still fitting the training part, no longer improving on validation
                    }
                }
                if (trainLoss <= settings.lossTolerance()) {
                    reason = StopReason.TOLERANCE;
                    message = "the training loss " + trainLoss + " reached the tolerance " + settings.lossTolerance() + " at step " + step;
                    break;
                }
                if (settings.patience() > 0 && validation != null && checksSinceBest >= settings.patience()) {
                    reason = StopReason.EARLY_STOPPING;
                    message = "the validation loss did not improve for " + settings.patience() + " checks; kept the best state, step "
                            + best.step() + " (validation loss " + best.loss() + ")";
                    break;
                }
                if (plateaued()) {
                    reason = StopReason.PLATEAU;
                    message = "the training loss fell by less than " + settings.plateauRelativeDecrease() + " (relative) over the last "
                            + settings.plateauChecks() + " checks";
                    break;
                }
                if (settings.checkpoint() != null && settings.checkpointEvery() > 0 && step % settings.checkpointEvery() == 0) {
                    Checkpoint.write(settings.checkpoint(), model, state, step);
                }
            }
            notifyListeners(step, loss, trainLoss, validationLoss, start);
        }
        // The checkpoint records where training stopped (parameters and optimizer state at this
        // step), written before the best validation state is restored: otherwise the file would hold
        // an earlier step's parameters labelled with this step, and a resumed run would diverge from
        // the uninterrupted one.
        if (settings.checkpoint() != null && reason != StopReason.DIVERGED) {
            // An interrupted run still saves where it stopped: file channels refuse to work on an
            // interrupted thread, so the flag is cleared for the write and set again after it.
            boolean interrupted = Thread.interrupted();
            try {
                Checkpoint.write(settings.checkpoint(), model, state, step);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (best != null && settings.keepBest() && reason != StopReason.DIVERGED && best.step() >= 0) {
            best.restore(model, state);
        }
        double finalTrain = model.loss(train);
        double finalValidation = validation == null ? Double.NaN : model.loss(validation);
        return new TrainingResult(step, reason, message, finalTrain, finalValidation, (System.nanoTime() - start) * 1e-9,
                List.copyOf(history));
    }

    private boolean diverged(double loss, double firstLoss) {
        if (!Double.isFinite(loss)) {
            return true;
        }
        double reference = Math.max(Double.isNaN(firstLoss) ? 0 : firstLoss, lossScale);
        return reference > 0 && loss > settings.explodeFactor() * reference;
    }

    private String divergenceMessage(long step, double loss, double firstLoss) {
        Optimizer optimizer = settings.optimizer();
        String what = Double.isFinite(loss)
                ? "the loss grew to " + loss + ", more than " + settings.explodeFactor() + " times its starting scale "
                        + Math.max(firstLoss, lossScale)
                : "the loss became " + loss;
        String advice = "lower the learning rate (now " + optimizer.learningRate() + "; try " + optimizer.learningRate() / 10 + ")"
                + (optimizer instanceof Optimizer.GradientDescent ? " or use GroupRMSprop or Adam, which adapt the step size" : "")
                + ", or start from a smaller initialization";
        String restored = lastGood.step() >= 0 ? "; the parameters of step " + lastGood.step() + " (the last good state) were restored" : "";
        return "training diverged at step " + step + ": " + what + restored + ". To fix it, " + advice + ".";
    }

    private boolean plateaued() {
        int checks = settings.plateauChecks();
        if (checks == 0 || history.size() <= checks) {
            return false;
        }
        double earlier = history.get(history.size() - 1 - checks).trainLoss();
        double now = history.get(history.size() - 1).trainLoss();
        return earlier - now < settings.plateauRelativeDecrease() * earlier;
    }

    private void notifyListeners(long step, double loss, double trainLoss, double validationLoss, long start) {
        for (Trainer.Interval interval : settings.listeners()) {
            if (step % interval.every() == 0) {
                interval.listener().onProgress(new Progress(step, loss, trainLoss, validationLoss, (System.nanoTime() - start) * 1e-9, model));
            }
        }
    }

    private static double meanSquare(Tensor values) {
        double sum = 0;
        for (long i = 0; i < values.size(); i++) {
            double v = values.getFlat(i);
            sum += v * v;
        }
        return values.size() == 0 ? 0 : sum / values.size();
    }

    @Override
    public void close() {
        train.close();
        if (validation != null) {
            validation.close();
        }
        if (sampler != null) {
            sampler.close();
        }
        state.close();
        lastGood.close();
        if (best != null) {
            best.close();
        }
    }
}
