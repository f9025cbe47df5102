package deeptensor.internal.train;

import deeptensor.internal.model.Model;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a training run and the entry point {@link #fit}. Fluent and mutable (each setter
 * returns {@code this}); {@code fit} reads the settings once at its start.
 *
 * <h2>Stopping rules</h2>
 * <ul>
 *   <li>{@link #maxSteps}: the step budget (default 10 000).</li>
 *   <li>{@link #lossTolerance}: stop when the training loss is at most this (default 0: off).</li>
 *   <li>{@link #plateau}: stop when the training loss fell by less than a relative amount over the
 *       last few checks. Off by default, on purpose: deep factorizations sit on long plateaus before
 *       each new component is learned (Hariz et al., ICML 2022), and a plateau rule would cut them short.</li>
 *   <li>{@link #patience}: with a validation part, stop when the validation loss has not improved for
 *       this many checks while the training loss kept falling (default 0: off). Independently,
 *       {@link #keepBest} (default on) ends every run that has a validation part with the parameters
 *       of its best validation check.</li>
 *   <li>{@link #maxTime}: a wall-time budget (default none).</li>
 *   <li>Interruption, always on: {@link Thread#interrupt()} on the training thread stops the run at
 *       the next step ({@link StopReason#INTERRUPTED}); the interrupt flag stays set for the caller.</li>
 *   <li>Divergence, always on: a NaN or infinite loss, or one above {@link #explodeFactor} times the
 *       larger of the first loss and the mean square of the targets, stops the run and restores the
 *       last good state (from the last check), with a message that says what to change.</li>
 * </ul>
 *
 * <h2>Checks</h2>
 * Every {@link #checkEvery} steps (default 100) the run computes the loss on all training entries
 * and the validation loss, records them in the history, keeps a copy of the state as "last good",
 * applies the stopping rules and writes the checkpoint if one is due. Listeners run on their own
 * intervals.
 *
 * <h2>Determinism</h2>
 * For the same model, initial parameters, data and settings, a run is bit-for-bit reproducible:
 * mini-batches come from {@link #seed} alone. A run without a validation part resumed from a
 * checkpoint continues exactly as the uninterrupted run would have. With a validation part the
 * checkpoint holds the parameters and optimizer state of its step, but not the early-stopping
 * bookkeeping (best validation loss so far, patience used): a resumed run starts that afresh, so
 * its early-stopping decisions, and the kept best state, can differ from an uninterrupted run's.
 */
public final class Trainer {

    private Optimizer optimizer = Optimizer.adam(1e-3);
    private long maxSteps = 10_000;
    private double lossTolerance;
    private int checkEvery = 100;
    private int plateauChecks;
    private double plateauRelativeDecrease = 1e-4;
    private int patience;
    private boolean keepBest = true;
    private int batchSize;
    private long seed;
    private double explodeFactor = 1e4;
    private final List<Interval> listeners = new ArrayList<>();
    private Path checkpoint;
    private long checkpointEvery;
    private Path resumeFrom;
    private long maxNanos = Long.MAX_VALUE;

    record Interval(int every, TrainingListener listener) {
    }

    /** A trainer with the default settings (Adam, lr 1e-3, full batch, 10 000 steps). */
    public Trainer() {
    }

    /** The optimizer (default Adam with lr 1e-3). */
    public Trainer optimizer(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        return this;
    }

    /** The step budget. */
    public Trainer maxSteps(long maxSteps) {
        if (maxSteps < 0) {
            throw new IllegalArgumentException("the step budget must not be negative, got " + maxSteps);
        }
        this.maxSteps = maxSteps;
        return this;
    }

    /**
     * A wall-time budget: the run stops at the first step after {@code budget} has elapsed, with
     * {@link StopReason#TIME_LIMIT}, keeping the best validation state as at any other stop.
     */
    public Trainer maxTime(java.time.Duration budget) {
        Objects.requireNonNull(budget, "time budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("the time budget must be positive, got " + budget);
        }
        this.maxNanos = budget.compareTo(java.time.Duration.ofDays(365 * 100)) > 0 ? Long.MAX_VALUE : budget.toNanos();
        return this;
    }

    /** Stop when the training loss is at most {@code tolerance} (0 turns the rule off). */
    public Trainer lossTolerance(double tolerance) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("the loss tolerance must be ≥ 0, got " + tolerance);
        }
        this.lossTolerance = tolerance;
        return this;
    }

    /** Run the checks every {@code steps} steps. */
    public Trainer checkEvery(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("checks must run every 1 or more steps, got " + steps);
        }
        this.checkEvery = steps;
        return this;
    }

    /**
     * Stop when the training loss fell by less than {@code relativeDecrease} (a fraction of its value
     * {@code checks} checks earlier) over the last {@code checks} checks; {@code checks = 0} turns it off.
     */
    public Trainer plateau(int checks, double relativeDecrease) {
        if (checks < 0 || !(relativeDecrease >= 0)) {
            throw new IllegalArgumentException("plateau rule needs checks ≥ 0 and a decrease ≥ 0, got " + checks + ", " + relativeDecrease);
        }
        this.plateauChecks = checks;
        this.plateauRelativeDecrease = relativeDecrease;
        return this;
    }

    /**
     * Early stopping: stop after {@code checks} checks without a better validation loss (0 turns it
     * off). Only checks at which the training loss is still falling (by more than 0.1 % since the
     * previous check) count: on a plateau neither loss moves, and a deep model on the plateau before
     * its next component must not be stopped there.
     */
    public Trainer patience(int checks) {
        if (checks < 0) {
            throw new IllegalArgumentException("patience must not be negative, got " + checks);
        }
        this.patience = checks;
        return this;
    }

    /** With a validation part, whether to end with the parameters of the best validation check (default true). */
    public Trainer keepBest(boolean keep) {
        this.keepBest = keep;
        return this;
    }

    /** Mini-batches of {@code size} entries ({@code 0}, the default, means full batch). */
    public Trainer batchSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("the batch size must not be negative, got " + size);
        }
        this.batchSize = size;
        return this;
    }

    /** The seed of the mini-batch draws. */
    public Trainer seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The loss growth (relative to the first loss or the targets' mean square) taken as divergence. */
    public Trainer explodeFactor(double factor) {
        if (!(factor > 1)) {
            throw new IllegalArgumentException("the explosion factor must be above 1, got " + factor);
        }
        this.explodeFactor = factor;
        return this;
    }

    /** Calls {@code listener} after every {@code every} steps. */
    public Trainer listener(int every, TrainingListener listener) {
        if (every < 1) {
            throw new IllegalArgumentException("a listener needs an interval of 1 or more steps, got " + every);
        }
        listeners.add(new Interval(every, Objects.requireNonNull(listener, "listener")));
        return this;
    }

    /** Writes a checkpoint to {@code path} every {@code every} steps (a multiple of the check interval) and at the end. */
    public Trainer checkpoint(Path path, long every) {
        if (every < 0) {
            throw new IllegalArgumentException("the checkpoint interval must not be negative, got " + every);
        }
        this.checkpoint = Objects.requireNonNull(path, "checkpoint path");
        this.checkpointEvery = every;
        return this;
    }

    /** Starts from a checkpoint written by a run with the same model and optimizer settings. */
    public Trainer resumeFrom(Path path) {
        this.resumeFrom = Objects.requireNonNull(path, "checkpoint path");
        return this;
    }

    /** A trainer with the same settings, listeners, checkpointing and budgets; changing one leaves the other as it was. */
    public Trainer copy() {
        Trainer copy = new Trainer();
        copy.optimizer = optimizer;
        copy.maxSteps = maxSteps;
        copy.lossTolerance = lossTolerance;
        copy.checkEvery = checkEvery;
        copy.plateauChecks = plateauChecks;
        copy.plateauRelativeDecrease = plateauRelativeDecrease;
        copy.patience = patience;
        copy.keepBest = keepBest;
        copy.batchSize = batchSize;
        copy.seed = seed;
        copy.explodeFactor = explodeFactor;
        copy.listeners.addAll(listeners);
        copy.checkpoint = checkpoint;
        copy.checkpointEvery = checkpointEvery;
        copy.resumeFrom = resumeFrom;
        copy.maxNanos = maxNanos;
        return copy;
    }

    /** The optimizer. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * Trains {@code model} (already initialized) on the split's training part, validating on its
     * validation part (none when it is empty). Make the split with {@link Observations#split}.
     */
    public TrainingResult fit(Model model, Split data) {
        return fit(model, data.train(), data.validation());
    }

    /** Trains {@code model} on all the observed entries (no validation). */
    public TrainingResult fit(Model model, Observations data) {
        return fit(model, data, null);
    }

    private TrainingResult fit(Model model, Observations train, Observations validation) {
        if (!train.shape().equals(model.shape())) {
            throw new IllegalArgumentException("observations of shape " + train.shape() + " cannot train a model of shape "
                    + model.shape());
        }
        try (TrainingRun run = new TrainingRun(settings(), model, train, validation)) {
            return run.run();
        }
    }

    /**
     * Trains {@code model} on all the entries {@code at} with {@code values} (no validation): the
     * same as {@link #fit(Model, Observations)} on {@link Observations#of(Coordinates, Tensor)}, with
     * its checks (one value per entry, finite values, no entry twice).
     */
    public TrainingResult fit(Model model, Coordinates at, Tensor values) {
        try (Observations data = Observations.of(at, values)) {
            return fit(model, data);
        }
    }

    Settings settings() {
        return new Settings(optimizer, maxSteps, lossTolerance, checkEvery, plateauChecks, plateauRelativeDecrease, patience, keepBest,
                batchSize, seed, explodeFactor, List.copyOf(listeners), checkpoint, checkpointEvery, resumeFrom, maxNanos);
    }

    record Settings(Optimizer optimizer, long maxSteps, double lossTolerance, int checkEvery, int plateauChecks,
                    double plateauRelativeDecrease, int patience, boolean keepBest, int batchSize, long seed, double explodeFactor,
                    List<Interval> listeners, Path checkpoint, long checkpointEvery, Path resumeFrom, long maxNanos) {
    }
}
