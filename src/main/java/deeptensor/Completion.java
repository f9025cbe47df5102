package deeptensor;

import deeptensor.model.ModelSpec;
import deeptensor.internal.train.Optimizer;
import deeptensor.internal.train.Trainer;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import java.util.Objects;

/**
 * Tensor completion by deep factorization, in one call: give the observed entries, get the whole
 * tensor back with a report of what was found. No rank has to be chosen: the model is
 * over-parameterized and gradient descent from a small initialization finds a low-rank fit.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * // Half the entries of x[i][j][k] = (i + 1)·(j + 1) + k, a tensor of multilinear rank (2, 2, 2).
 * Shape shape = Shape.of(10, 10, 10);
 * List<Integer> where = new ArrayList<>();      // i, j, k of each observed entry, one after another
 * List<Double> what = new ArrayList<>();
 * for (int i = 0; i < 10; i++) {
 *     for (int j = 0; j < 10; j++) {
 *         for (int k = 0; k < 10; k++) {
 *             if ((i + 2 * j + 3 * k) % 2 == 0) {
 *                 where.addAll(List.of(i, j, k));
 *                 what.add((i + 1.0) * (j + 1) + k);
 *             }
 *         }
 *     }
 * }
 * try (Observations observed = Observations.of(shape, where.stream().mapToInt(Integer::intValue).toArray(),
 *                                               what.stream().mapToDouble(Double::doubleValue).toArray());
 *      CompletionResult result = Completion.of(observed).seed(7).fit()) {
 *     Tensor completed = result.completed();      // 10×10×10, every entry filled in
 *     System.out.println(result.report());        // errors, ranks found, steps, time
 * }
 * }</pre>
 *
 * <h2>What {@link #fit()} does</h2>
 * <b>Without a model</b> (the default, and what {@code deeptensor complete} runs): the most accurate
 * recipe we measured on real tensors, which is explicit regularization rather than depth. The
 * values are scaled to RMS 1; five seeded folds of the observed entries choose, on held-out entries,
 * between mean structures (global mean, additive main effects, per-mode fibre means) and a Tucker
 * model with ranks {@code min(dₙ, 64)} and a ridge penalty {@code (λ/m)‖θ‖²} fitted by L-BFGS, with
 * or without the best mean structure as its centre, λ on a log grid from 0.03 to 10. The result is
 * never a model that did worse than additive main effects on the held-out entries. The kept choice
 * is refitted on every observed entry. {@link CompletionReport#candidates()} lists what was compared.
 * The full description and its measured accuracy are in {@code docs/models.md} and
 * {@code docs/accuracy.md}. Of the settings below, {@link #seed}, {@link #maxTime},
 * {@link #progress} and {@link #maxSteps} (a cap on each L-BFGS fit) apply; the others configure an
 * explicit model's training.
 *
 * <p><b>With an explicit model</b> ({@link #model}, for example {@code Tucker.deep(3)}: the deep
 * factorizations of the papers):
 * <ol>
 *   <li>Scales the observed values to root-mean-square 1 (the result is scaled back), so that the
 *       defaults below do not depend on the data's units.</li>
 *   <li>Holds out a validation part ({@link #validationFraction}, default 10 %) of the observed entries,
 *       chosen with the seed.</li>
 *   <li>Builds the model and initializes it so that the model tensor starts with entries of RMS
 *       {@link #initScale} (default 1e-8) times the data's, the same at every depth.</li>
 *   <li>Trains it with Adam (learning rate {@link #learningRate}, default 3e-3), full
 *       batch unless {@link #batchSize} is set, for at most {@link #maxSteps} steps (default 10 000), keeping
 *       the parameters with the best validation loss (checked every 50 steps; early stop after
 *       {@link #patience} checks without improvement, default 40).</li>
 *   <li>Reconstructs the whole tensor and reports the errors and the ranks found
 *       ({@link CompletionReport}), with additive main effects' validation error beside it.</li>
 * </ol>
 * <p>Both stop at the next step when {@link #maxTime} runs out or the fitting thread is
 * {@linkplain Thread#interrupt() interrupted}, and return the best state found so far; the report's
 * stop reason says which. The interrupt flag is left set.
 *
 * Everything random comes from {@link #seed}: the same inputs and seed give a bit-identical result.
 */
public final class Completion {

    private final Coordinates at;
    private final Tensor values;
    private ModelSpec spec;
    private long seed;
    /**
     * The training settings of an explicit model: Completion's defaults on a {@link Trainer}, which
     * checks every setting (one set of checks and messages for both APIs).
     */
    private final Trainer training = new Trainer().optimizer(Optimizer.adam(3e-3)).checkEvery(50);
    private double initScale = 1e-8;
    private long maxSteps = 10_000;
    private double validationFraction = 0.1;
    private int patience = 40;
    private java.time.Duration maxTime;
    private CompletionListener progress;

    private Completion(Coordinates at, Tensor values) {
        this.at = at;
        this.values = values;
    }

    /**
     * A completion of the tensor whose observed entries are at {@code at} (which carries the shape)
     * with the given values, one per coordinate; the same checks as {@link Observations}. The
     * inputs are read, not kept or closed.
     */
    static Completion of(Coordinates at, Tensor values) {
        Objects.requireNonNull(at, "observed coordinates");
        Objects.requireNonNull(values, "observed values");
        if (values.order() != 1 || values.dim(0) != at.count()) {
            throw new IllegalArgumentException(at.count() + " observed coordinates need a vector of " + at.count()
                    + " values, got shape " + values.shape());
        }
        requireSomething(at);
        for (int e = 0; e < at.count(); e++) {
            if (!Double.isFinite(values.getFlat(e))) {
                throw new IllegalArgumentException("observed value " + e + " at " + java.util.Arrays.toString(index(at, e))
                        + " is " + values.getFlat(e) + "; observed values must be finite (leave missing entries out)");
            }
        }
        requireDistinct(at);
        return new Completion(at, values);
    }

    /** Two observations of one entry would be weighted twice and could disagree: refused, as {@code Observations} does. */
    private static void requireDistinct(Coordinates at) {
        long[] offsets = new long[at.count()];
        for (int e = 0; e < offsets.length; e++) {
            offsets[e] = at.offset(e);
        }
        long[] sorted = offsets.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                int first = -1, second = -1;
                for (int e = 0; e < offsets.length && second < 0; e++) {
                    if (offsets[e] == sorted[i]) {
                        if (first < 0) {
                            first = e;
                        } else {
                            second = e;
                        }
                    }
                }
                throw new IllegalArgumentException("observed entries " + first + " and " + second + " are both at "
                        + java.util.Arrays.toString(index(at, first)) + "; each entry may be observed once");
            }
        }
    }

    /**
     * A completion of the tensor whose observed entries are {@code observed} (for example read by
     * {@code deeptensor.io.TensorFiles.readObservations}). The observations are read, not kept or closed.
     */
    public static Completion of(Observations observed) {
        Objects.requireNonNull(observed, "observations");
        // Observations already refuse non-finite values and repeated entries: not checked twice.
        requireSomething(observed.coordinates());
        return new Completion(observed.coordinates(), observed.values());
    }

    private static void requireSomething(Coordinates at) {
        if (at.count() == 0) {
            throw new IllegalArgumentException("nothing is observed: a completion needs at least one observed entry of " + at.shape());
        }
    }

    private static int[] index(Coordinates at, int e) {
        int[] index = new int[at.shape().order()];
        for (int n = 0; n < index.length; n++) {
            index[n] = at.index(e, n);
        }
        return index;
    }

    /** An explicit model to fit instead of the default recipe (see the class description). */
    public Completion model(ModelSpec spec) {
        this.spec = Objects.requireNonNull(spec, "model");
        return this;
    }

    /** The seed of every random choice (initialization, validation split, mini-batches). */
    public Completion seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * The learning rate of the Adam optimizer that trains an explicit model (default 3e-3; the
     * values are scaled to RMS 1 first, so the default does not depend on the data's units).
     */
    public Completion learningRate(double rate) {
        training.optimizer(Optimizer.adam(rate));
        return this;
    }

    /** The RMS of the initial model tensor relative to the data's RMS (default 1e-8). */
    public Completion initScale(double relativeRms) {
        if (!(relativeRms > 0) || Double.isInfinite(relativeRms)) {
            throw new IllegalArgumentException("the initial scale must be a positive finite number, got " + relativeRms);
        }
        this.initScale = relativeRms;
        return this;
    }

    /** The step budget (default 10 000). */
    public Completion maxSteps(long steps) {
        training.maxSteps(steps);
        this.maxSteps = steps;
        return this;
    }

    /** The share of observed entries held out for validation, in [0, 1) (default 0.1; 0 turns validation off). */
    public Completion validationFraction(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("the validation fraction must be in [0, 1), got " + fraction);
        }
        this.validationFraction = fraction;
        return this;
    }

    /** Checks without a better validation loss before stopping (default 40; 0 never stops early). */
    public Completion patience(int checks) {
        training.patience(checks); // applied at fit: 0 when there is no validation part
        this.patience = checks;
        return this;
    }

    /** Steps between checks of the training and validation loss (default 50). */
    public Completion checkEvery(int steps) {
        training.checkEvery(steps);
        return this;
    }

    /** Mini-batches of {@code size} observed entries (default 0: full batch). */
    public Completion batchSize(int size) {
        training.batchSize(size);
        return this;
    }

    /** Stop once the training MSE, on the RMS-1 scale, is at most {@code tolerance} (default 0: off). */
    public Completion lossTolerance(double tolerance) {
        training.lossTolerance(tolerance);
        return this;
    }

    /**
     * A wall-time budget for the whole fit (default none). When it runs out the fit stops at the next
     * step and finishes with the best state found so far; the report says so
     * ({@link deeptensor.train.StopReason#TIME_LIMIT}).
     */
    public Completion maxTime(java.time.Duration budget) {
        training.maxTime(budget);
        this.maxTime = budget;
        return this;
    }

    /** Receives the progress of the fit (stage, share done, best validation error, elapsed time). */
    public Completion progress(CompletionListener listener) {
        this.progress = Objects.requireNonNull(listener, "progress listener");
        return this;
    }

    private static final String MEMORY_ADVICE = "raise -XX:MaxDirectMemorySize (or the machine's memory), or complete a smaller tensor";

    /**
     * Fits the model and returns the completed tensor with its report; close the result.
     *
     * <p>Before anything large is allocated, the fit's off-heap footprint is estimated (the completed
     * tensor, the training buffers, copies of the observed entries) and compared with what
     * {@link deeptensor.tensor.OffHeapMemory#available()} allows; a fit that cannot fit is refused
     * at once with an {@link IllegalArgumentException} giving the estimate part by part, the limit and
     * what to change.
     */
    public CompletionResult fit() {
        if (spec == null) {
            FitMemory.ofDefault(at.shape(), at.count()).requireAvailable(MEMORY_ADVICE);
            return new AutoCompletion(at, values, seed, maxTime, progress, (int) Math.min(maxSteps, AutoCompletion.MAX_ITERATIONS)).run();
        }
        // A copy per fit: the run adds its own progress listener and must not keep it for the next fit.
        Trainer trainer = training.copy().patience(validationFraction > 0 ? patience : 0);
        return new CompletionRun(at, values, spec, seed, initScale, validationFraction, trainer, maxSteps, maxTime, progress)
                .run();
    }
}
