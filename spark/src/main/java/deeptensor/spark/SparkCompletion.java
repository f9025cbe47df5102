package deeptensor.spark;

import deeptensor.internal.model.Models;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import deeptensor.CompletionModel;
import deeptensor.internal.model.Factorization;
import deeptensor.internal.model.Model;
import deeptensor.model.ModelSpec;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Checkpoint;
import deeptensor.internal.train.Initializer;
import deeptensor.internal.train.Optimizer;
import deeptensor.internal.train.OptimizerState;
import deeptensor.train.StopReason;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Tensor completion with an explicit model on Apache Spark: the library's models and kernels, the
 * work split by observed entries. The observed entries are a {@code Dataset<Row>} with one column
 * per mode (0-based indexes, or {@link #indexBase}) and a value column.
 *
 * <pre>{@code
 * Dataset<Row> observed = spark.read().parquet("ratings.parquet");    // user, item, week, rating
 * try (SparkCompletionResult result = SparkCompletion.of(observed, 200_000, 10_000, 50)
 *         .model(CP.shallow().rank(10)).seed(7).maxSteps(2000).fit()) {
 *     result.model().save(Path.of("ratings.dtm"));                     // the local path's model file
 *     SparkCompletion.predict(result.model(), wanted).write().parquet("completed.parquet");
 * }
 * }</pre>
 *
 * <h2>What {@link #fit()} does</h2>
 * The same steps as the library's {@code Completion.of(…).model(spec).fit()}, with the same
 * defaults, so that a full-batch fit on the same observations and seed gives the same model up to
 * rounding:
 * <ol>
 *   <li>The entries are hash-partitioned by position ({@link #partitions}, default Spark's default
 *       parallelism), sorted within each partition, packed into one block of primitive arrays per
 *       partition and cached ({@link #storageLevel}); duplicates, non-finite values and indexes
 *       outside the shape are refused. A validation share ({@link #validationFraction}, default
 *       10 %) is held out by a hash of each entry's position and the seed.</li>
 *   <li>The values are divided by their root-mean-square (computed as the local path does).</li>
 *   <li>The driver builds the model and initializes it with the local path's initializer and seed
 *       (RMS {@link #initScale} times the data's, default 1e-8).</li>
 *   <li>Each step broadcasts the parameters; every partition evaluates its loss and gradient with the
 *       library's model code ({@code Model.lossAndGradient} on a model holding the broadcast values,
 *       sampled kernels) and adds its gradient, weighted by its entry count, to a local buffer; a
 *       {@code treeAggregate} sums the buffers; the driver divides by the entry count — the gradient
 *       of {@code (1/m) Σ (W − Y)²}, the local path's loss — and applies the library's
 *       Adam state (learning rate {@link #learningRate}, default 3e-3).</li>
 *   <li>Every {@link #checkEvery} steps (default 50) the same pass also measures the validation
 *       loss; the best state is kept and the fit stops after {@link #patience} checks without
 *       improvement (default 40), as in the local path. Divergence restores the last good state.</li>
 * </ol>
 * The partitions' sums are merged in the order Spark's tasks finish, so two runs agree to rounding
 * (about 1e-16 relative per step), not bit for bit. A task that fails is run again by Spark; the
 * partition it reads is recomputed from its lineage if its cached block was lost, and every cache on
 * the executors is rebuilt from it, so the result does not depend on failures.
 *
 * <h2>Checkpoints and variants</h2>
 * {@link #checkpoint} writes the driver's state (parameters, optimizer state, step) in the local
 * path's checkpoint format and {@link #resumeFrom} continues from it, with the local path's rules
 * (the early-stopping bookkeeping starts afresh). {@link #miniBatch} and {@link #localSteps} are
 * the mini-batch and local-SGD variants; full batch is the default (docs/spark.md has the
 * measurement behind that choice).
 */
public final class SparkCompletion {

    private final Dataset<Row> observed;
    private final Shape shape;
    private String[] indexColumns;
    private String valueColumn;
    private long indexBase;
    private ModelSpec spec;
    private long seed;
    private Optimizer optimizer = Optimizer.adam(3e-3);
    private double initScale = 1e-8;
    private long maxSteps = 10_000;
    private double validationFraction = 0.1;
    private int patience = 40;
    private int checkEvery = 50;
    private double lossTolerance;
    private Duration maxTime;
    private int partitions;
    private boolean shuffle = true;
    private int treeDepth = 2;
    private StorageLevel storageLevel = StorageLevel.MEMORY_AND_DISK();
    private Consumer<Progress> listener;
    private Path checkpoint;
    private long checkpointEvery;
    private Path resumeFrom;
    private boolean miniBatch;
    private double batchFraction = 1;
    private int localSteps = 1;
    // For the fault tests: a task that fails on its first attempt, and a hook between steps.
    private long failStep = -1;
    private int failPartition = -1;
    private StepHook stepHook;

    /** After each step: the step count, its loss, the seconds it took. */
    public record Progress(long step, double loss, double seconds) {
    }

    /** Called on the driver after every step (tests use it to drop cached partitions). */
    interface StepHook {
        void afterStep(long step, String fit, int blocksRddId);
    }

    private SparkCompletion(Dataset<Row> observed, Shape shape) {
        this.observed = observed;
        this.shape = shape;
    }

    /**
     * A completion of the tensor of shape {@code dims} whose observed entries are the rows of
     * {@code observed}: by default every column but the last is an index (0-based, in mode order)
     * and the last is the value; {@link #indexColumns} and {@link #valueColumn} name them.
     */
    public static SparkCompletion of(Dataset<Row> observed, int... dims) {
        Objects.requireNonNull(observed, "observed entries");
        return new SparkCompletion(observed, Shape.of(dims));
    }

    /** The same, with a {@link Shape}. */
    public static SparkCompletion of(Dataset<Row> observed, Shape shape) {
        return of(observed, shape.dims());
    }

    /** The index columns, in mode order (default: every column but the value column). */
    public SparkCompletion indexColumns(String... columns) {
        if (columns.length != shape.order()) {
            throw new IllegalArgumentException(columns.length + " index columns for a tensor of order " + shape.order());
        }
        this.indexColumns = columns.clone();
        return this;
    }

    /** The value column (default: the last column). */
    public SparkCompletion valueColumn(String column) {
        this.valueColumn = Objects.requireNonNull(column, "value column");
        return this;
    }

    /** The first index: 0 (default) or 1 (FROSTT's convention). */
    public SparkCompletion indexBase(long base) {
        if (base != 0 && base != 1) {
            throw new IllegalArgumentException("the index base must be 0 or 1, got " + base);
        }
        this.indexBase = base;
        return this;
    }

    /** The model to fit, for example {@code CP.shallow().rank(10)} or {@code Tucker.deep(2).ranks(8, 8, 8)}. */
    public SparkCompletion model(ModelSpec spec) {
        this.spec = Objects.requireNonNull(spec, "model");
        return this;
    }

    /** The seed of every random choice (initialization, validation split), as the local path uses it. */
    public SparkCompletion seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The learning rate of Adam, as {@code Completion.learningRate} (default 3e-3). */
    public SparkCompletion learningRate(double rate) {
        this.optimizer = Optimizer.adam(rate);
        return this;
    }

    /** The RMS of the initial model tensor relative to the data's (default 1e-8). */
    public SparkCompletion initScale(double relativeRms) {
        if (!(relativeRms > 0) || Double.isInfinite(relativeRms)) {
            throw new IllegalArgumentException("the initial scale must be a positive finite number, got " + relativeRms);
        }
        this.initScale = relativeRms;
        return this;
    }

    /** The step budget (default 10 000). */
    public SparkCompletion maxSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("the step budget must not be negative, got " + steps);
        }
        this.maxSteps = steps;
        return this;
    }

    /** The share of entries held out for validation, in [0, 1) (default 0.1; 0 turns validation off). */
    public SparkCompletion validationFraction(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("the validation fraction must be in [0, 1), got " + fraction);
        }
        this.validationFraction = fraction;
        return this;
    }

    /** Checks without a better validation loss before stopping (default 40; 0 never stops early). */
    public SparkCompletion patience(int checks) {
        if (checks < 0) {
            throw new IllegalArgumentException("patience must not be negative, got " + checks);
        }
        this.patience = checks;
        return this;
    }

    /** Steps between checks of the losses (default 50). */
    public SparkCompletion checkEvery(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("checks must run every 1 or more steps, got " + steps);
        }
        this.checkEvery = steps;
        return this;
    }

    /** Stop once the training MSE (RMS-1 scale) is at most {@code tolerance} (default 0: off). */
    public SparkCompletion lossTolerance(double tolerance) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("the loss tolerance must be ≥ 0, got " + tolerance);
        }
        this.lossTolerance = tolerance;
        return this;
    }

    /** A wall-time budget for the optimization loop (default none); the best state so far is kept. */
    public SparkCompletion maxTime(Duration budget) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("the time budget must be positive, got " + budget);
        }
        this.maxTime = budget;
        return this;
    }

    /** Partitions of the observed entries (default: Spark's default parallelism). */
    public SparkCompletion partitions(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one partition, got " + count);
        }
        this.partitions = count;
        return this;
    }

    /**
     * Whether to hash-partition the entries by position (default true). With false the input's own
     * partitions and order are kept (no shuffle, no sort; for data generated or already laid out in
     * the job, whose partitions must come out the same when recomputed), and the input must not hold
     * an entry twice: that is then not checked.
     */
    public SparkCompletion shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** The depth of the {@code treeAggregate} that sums the partitions' gradients (default 2). */
    public SparkCompletion treeDepth(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("the aggregation depth must be at least 1, got " + depth);
        }
        this.treeDepth = depth;
        return this;
    }

    /** How the packed entries are cached (default {@code MEMORY_AND_DISK}). */
    public SparkCompletion storageLevel(StorageLevel level) {
        this.storageLevel = Objects.requireNonNull(level, "storage level");
        return this;
    }

    /**
     * Writes a checkpoint of the driver's state (the local path's {@code Checkpoint} format: model
     * and optimizer descriptions, step, parameters, optimizer state, CRC32C checksums) to {@code file}
     * every {@code every} steps (0: only at the end) and when the fit stops, unless it diverged. The
     * file is replaced atomically. As in the local path, the state saved at the end is where the
     * optimization stopped, before the best validation state is restored.
     */
    public SparkCompletion checkpoint(Path file, long every) {
        if (every < 0) {
            throw new IllegalArgumentException("the checkpoint interval must not be negative, got " + every);
        }
        this.checkpoint = Objects.requireNonNull(file, "checkpoint file");
        this.checkpointEvery = every;
        return this;
    }

    /**
     * Starts from a checkpoint written by a fit of the same model and optimizer settings (refused
     * otherwise, and when the file is corrupt or truncated). The step count, the parameters and the
     * optimizer's moments continue from the file; as in the local path, the early-stopping
     * bookkeeping (best validation loss and its state, checks without improvement) and the
     * last-good state for divergence start afresh from the checkpoint's state. Without validation a
     * resumed fit ends where the uninterrupted fit ends.
     */
    public SparkCompletion resumeFrom(Path file) {
        this.resumeFrom = Objects.requireNonNull(file, "checkpoint file");
        return this;
    }

    /**
     * Mini-batch steps: each step's gradient is the mean over a sample of the training entries, each
     * entry taken with probability {@code fraction}, decided by a hash of its position, the seed and
     * the step (so the sample does not depend on partitioning). Checks still measure the training
     * loss on every entry. Without this setting (the default) every step is full batch; 1 takes
     * every entry into every sample, so it makes the same steps as full batch, by the sampling code.
     */
    public SparkCompletion miniBatch(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the mini-batch fraction must be in (0, 1], got " + fraction);
        }
        this.miniBatch = true;
        this.batchFraction = fraction;
        return this;
    }

    /**
     * Local SGD: each round, every partition runs {@code steps} optimizer steps on its own entries,
     * starting from the broadcast parameters and optimizer state, and the driver averages the
     * partitions' parameters and optimizer states (weighted by their entry counts). A round counts as
     * {@code steps} steps; {@link #checkEvery} and the checkpoint interval must be multiples of it.
     * 1 (default) is full batch.
     */
    public SparkCompletion localSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("local SGD needs at least 1 local step per round, got " + steps);
        }
        this.localSteps = steps;
        return this;
    }

    /** Called on the driver after every step. */
    public SparkCompletion listener(Consumer<Progress> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Tests: the task of {@code partition} at {@code step} throws on its first attempt. */
    SparkCompletion failOnce(long step, int partition) {
        this.failStep = step;
        this.failPartition = partition;
        return this;
    }

    SparkCompletion stepHook(StepHook hook) {
        this.stepHook = hook;
        return this;
    }

    /**
     * The model's values at the entries of {@code entries} (its first {@code order} columns are the
     * 0-based indexes), as a Dataset of those columns plus {@code prediction}; computed on the
     * executors. Write it with {@code .write().parquet(path)}.
     */
    public static Dataset<Row> predict(CompletionModel model, Dataset<Row> entries) {
        return Predictions.predict(model, entries, null, 0, "prediction");
    }

    /** The same, with the index columns named, their index base (0 or 1) and the name of the output column. */
    public static Dataset<Row> predict(CompletionModel model, Dataset<Row> entries, String[] indexColumns, long indexBase,
                                       String outputColumn) {
        return Predictions.predict(model, entries, indexColumns, indexBase, outputColumn);
    }

    // ------------------------------------------------------------------------------------- the fit

    /** Fits the model; close the result. */
    public SparkCompletionResult fit() {
        if (spec == null) {
            throw new IllegalStateException("choose a model with model(…): the default recipe (cross-validated ridge Tucker) "
                    + "runs only on one machine, with deeptensor.Completion");
        }
        if (miniBatch && localSteps > 1) {
            throw new IllegalStateException("choose mini-batch steps (miniBatch) or local SGD (localSteps), not both");
        }
        if (localSteps > 1 && checkEvery % localSteps != 0) {
            throw new IllegalStateException("with local SGD the check interval (" + checkEvery + ") must be a multiple of the local steps ("
                    + localSteps + ")");
        }
        if (localSteps > 1 && checkpointEvery % localSteps != 0) {
            throw new IllegalStateException("with local SGD the checkpoint interval (" + checkpointEvery
                    + ") must be a multiple of the local steps (" + localSteps + ")");
        }
        long prepareStart = System.nanoTime();
        SplittableRandom seeds = new SplittableRandom(seed);
        long initSeed = seeds.nextLong(), splitSeed = seeds.nextLong(), sampleSeed = seeds.nextLong();
        ModelRecipe recipe = ModelRecipe.of(spec, shape);
        int[] dims = shape.dims();
        // The model and the optimizer state first, so that a checkpoint that does not fit is refused
        // before any Spark job runs.
        try (Model model = Models.build(spec, shape);
             OptimizerState state = OptimizerState.start(optimizer, model.parameters().size())) {
            Initializer.endToEndWithRms(model, initScale).initialize(model, initSeed);
            long startStep = resumeFrom == null ? 0 : Checkpoint.read(resumeFrom, model, state);
            String fit = UUID.randomUUID().toString();
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(observed.sparkSession().sparkContext());
            int parts = partitions > 0 ? partitions : jsc.defaultParallelism();
            JavaRDD<EntryBlock> blocks = pack(dims, parts, splitSeed);
            blocks.persist(storageLevel);
            try {
                // Pass 1: counts and the largest magnitude (also materializes the cache).
                double[] first = blocks.map(b -> {
                    double largest = 0;
                    for (double v : b.trainValues()) {
                        largest = Math.max(largest, Math.abs(v));
                    }
                    for (double v : b.validationValues()) {
                        largest = Math.max(largest, Math.abs(v));
                    }
                    return new double[] {b.trainCount(), b.validationCount(), largest};
                }).reduce((a, b) -> new double[] {a[0] + b[0], a[1] + b[1], Math.max(a[2], b[2])});
                long trainCount = (long) first[0], validationCount = (long) first[1];
                double largest = first[2];
                if (trainCount + validationCount == 0) {
                    throw new IllegalArgumentException("nothing is observed: a completion needs at least one observed entry of " + shape);
                }
                if (trainCount == 0) {
                    throw new IllegalArgumentException("holding out " + validationCount + " of " + validationCount
                            + " observed entries leaves none to train on; lower the validation fraction or observe more entries");
                }
                // Pass 2: the root-mean-square, scaled by the largest magnitude as the local path computes it.
                double scale = 1;
                if (largest > 0) {
                    double sum = blocks.map(b -> {
                        double s = 0;
                        for (double v : b.trainValues()) {
                            double u = v / largest;
                            s += u * u;
                        }
                        for (double v : b.validationValues()) {
                            double u = v / largest;
                            s += u * u;
                        }
                        return s;
                    }).reduce(Double::sum);
                    scale = largest * Math.sqrt(sum / (trainCount + validationCount));
                }
                double prepareSeconds = (System.nanoTime() - prepareStart) * 1e-9;
                Loop loop = new Loop(jsc, blocks, recipe, dims, fit, scale, model, state, startStep, sampleSeed, validationCount > 0);
                SparkReport partial = loop.run();
                SparkReport report = new SparkReport(model.describe(), trainCount, validationCount, blocks.getNumPartitions(), scale,
                        partial.steps(),
                        partial.stopReason(), partial.message(), partial.trainLoss(), partial.validationLoss(),
                        Math.sqrt(partial.trainLoss()) * scale, Math.sqrt(partial.validationLoss()) * scale, prepareSeconds,
                        partial.fitSeconds(), partial.stepSeconds(), partial.history());
                return new SparkCompletionResult(served(model, scale), report);
            } finally {
                blocks.unpersist(false);
                release(blocks, fit);
            }
        }
    }

    /** The observed rows as cached blocks, one per partition. */
    private JavaRDD<EntryBlock> pack(int[] dims, int parts, long splitSeed) {
        String[] columns = observed.columns();
        String value = valueColumn != null ? valueColumn : columns[columns.length - 1];
        String[] indexes = indexColumns;
        if (indexes == null) {
            indexes = Arrays.stream(columns).filter(c -> !c.equals(value)).toArray(String[]::new);
            if (indexes.length != dims.length) {
                throw new IllegalArgumentException("the observed entries have columns " + Arrays.toString(columns) + ": "
                        + indexes.length + " besides the value column " + value + ", for a tensor of order " + dims.length
                        + "; name the index columns with indexColumns(…)");
            }
        }
        Column[] select = new Column[dims.length + 2];
        Column offset = lit(0L);
        for (int n = 0; n < dims.length; n++) {
            select[n] = col(indexes[n]).cast("long").minus(indexBase).as("i" + n);
            offset = offset.multiply(dims[n]).plus(select[n]);
        }
        select[dims.length] = col(value).cast("double").as("value");
        select[dims.length + 1] = offset.as("offset");
        Dataset<Row> rows = observed.select(select);
        if (shuffle) {
            // Sorted so that a recomputed partition is the same block, in the same order, whatever
            // order the shuffle delivers its rows in; and so that duplicates are adjacent.
            rows = rows.repartition(parts, col("offset")).sortWithinPartitions("offset");
        }
        double fraction = validationFraction;
        boolean sorted = shuffle;
        return rows.javaRDD().mapPartitionsWithIndex((p, it) -> Packing.pack(p, it, dims, fraction, splitSeed, sorted), true);
    }

    /** Releases the executors' caches of a finished fit (best effort: one task per partition, and the driver's JVM). */
    private static void release(JavaRDD<EntryBlock> blocks, String fit) {
        try {
            JavaSparkContext.fromSparkContext(blocks.context()).parallelize(new ArrayList<>(java.util.Collections.nCopies(
                    blocks.getNumPartitions(), 0)), blocks.getNumPartitions()).foreach(x -> Executors.release(fit));
        } catch (RuntimeException ignored) {
            // the caches are bounded anyway (Executors.FITS_KEPT)
        }
        Executors.release(fit);
    }

    /**
     * The served model: the fitted factorization with the scale folded into its first block (the
     * first CP factor, the Tucker core or the first tensor-train core, each of which the model is
     * linear in), so that it predicts in the data's units as the local path's model does.
     */
    private static CompletionModel served(Model model, double scale) {
        try (Factorization plain = model.factorization(); Tensor values = Tensor.zeros((int) plain.size())) {
            MemorySegment.copy(plain.values(), 0, values.segment(), 0, plain.size() * Double.BYTES);
            int[] ranks = plain.ranks();
            long first = switch (plain.kind()) {
                case CP -> (long) shape(plain).dim(0) * ranks[0];
                case TUCKER -> Shape.of(ranks).size();
                case TENSOR_TRAIN -> (long) ranks[0] * shape(plain).dim(0) * ranks[1];
            };
            for (long i = 0; i < first; i++) {
                values.setFlat(i, values.getFlat(i) * scale);
            }
            try (Factorization factors = Factorization.of(plain.kind(), plain.shape(), ranks, values)) {
                Tensor[] blocks = factors.blocks();
                return switch (factors.kind()) {
                    case CP -> CompletionModel.ofCp(blocks);
                    case TUCKER -> CompletionModel.ofTucker(factors.core(), blocks);
                    case TENSOR_TRAIN -> CompletionModel.ofTensorTrain(blocks);
                };
            }
        }
    }

    private static Shape shape(Factorization f) {
        return f.shape();
    }

    /** The optimization loop on the driver. */
    private final class Loop {
        private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
        private final JavaSparkContext jsc;
        private final JavaRDD<EntryBlock> blocks;
        private final ModelRecipe recipe;
        private final int[] dims;
        private final String fit;
        private final double scale;
        private final Model model;
        private final OptimizerState state;
        private final long startStep;
        private final long sampleSeed;
        private final boolean validation;
        private final int size;

        Loop(JavaSparkContext jsc, JavaRDD<EntryBlock> blocks, ModelRecipe recipe, int[] dims, String fit, double scale, Model model,
             OptimizerState state, long startStep, long sampleSeed, boolean validation) {
            this.jsc = jsc;
            this.blocks = blocks;
            this.recipe = recipe;
            this.dims = dims;
            this.fit = fit;
            this.scale = scale;
            this.model = model;
            this.state = state;
            this.startStep = startStep;
            this.sampleSeed = sampleSeed;
            this.validation = validation;
            this.size = model.parameters().size();
        }

        /**
         * One pass over every partition at the model's current parameters (and, for local SGD, the
         * optimizer's current state). {@code rounds} local steps for local SGD, a gradient on the
         * step's sample for mini-batches, a gradient on every training entry otherwise; no gradient
         * when {@code gradient} is false. {@code fullLoss}: also the training loss on every entry.
         */
        private StepSums pass(long step, boolean gradient, boolean fullLoss, boolean withValidation, int rounds) {
            boolean local = gradient && localSteps > 1;
            double[] sent = new double[local ? size * (1 + state.vectors().length) + state.scalars().length : size];
            MemorySegment.copy(model.parameters().values().segment(), D, 0, sent, 0, size);
            if (local) {
                int at = size;
                for (Tensor vector : state.vectors()) {
                    MemorySegment.copy(vector.segment(), D, 0, sent, at, size);
                    at += size;
                }
                double[] scalars = state.scalars();
                System.arraycopy(scalars, 0, sent, at, scalars.length);
            }
            Broadcast<double[]> broadcast = jsc.broadcast(sent);
            try {
                String fitId = fit;
                ModelRecipe r = recipe;
                int[] d = dims;
                double s = scale;
                long failAt = failStep;
                int failIn = failPartition;
                int n = size;
                boolean sample = gradient && miniBatch;
                double fraction = batchFraction;
                long sampleKey = sampleSeed;
                double rate = optimizer.learningRate();
                long optimizerStep = state.step();
                return blocks.treeAggregate(new StepSums(), (sums, block) -> {
                    if (step == failAt && block.partition() == failIn) {
                        TaskContext task = TaskContext.get();
                        if (task != null && task.attemptNumber() == 0) {
                            Executors.forget(fitId, block.partition());
                            throw new IllegalStateException("injected failure: partition " + failIn + " at step " + failAt);
                        }
                    }
                    if (local) {
                        return Executors.localRound(fitId, r, d, s, block, broadcast.value(), n, rate, optimizerStep, rounds,
                                withValidation, sums);
                    }
                    if (sample) {
                        return Executors.sampled(fitId, r, d, s, block, broadcast.value(), fraction, sampleKey, step, fullLoss,
                                withValidation, sums);
                    }
                    return Executors.evaluate(fitId, r, d, s, block, broadcast.value(), gradient, withValidation, sums);
                }, StepSums::add, treeDepth);
            } finally {
                broadcast.destroy();
            }
        }

        SparkReport run() {
            long start = System.nanoTime();
            long deadline = maxTime == null ? Long.MAX_VALUE : start + Math.min(maxTime.toNanos(), Long.MAX_VALUE / 4);
            try (OptimizerState goodState = OptimizerState.start(optimizer, size);
                 OptimizerState bestState = OptimizerState.start(optimizer, size)) {
                Tensor values = model.parameters().values(), gradients = model.parameters().gradients();
                double[] lastGood = new double[size], best = new double[size];
                long lastGoodStep, bestStep = -1;
                double lastGoodLoss = Double.NaN, bestValidation = Double.POSITIVE_INFINITY;
                copyOut(values, lastGood);
                state.copyTo(goodState);
                lastGoodStep = startStep;
                int checksSinceBest = 0;
                double firstLoss = Double.NaN;
                List<SparkReport.Check> history = new ArrayList<>();
                List<Double> stepTimes = new ArrayList<>();
                StopReason reason = StopReason.MAX_STEPS;
                String message = null;
                long step = startStep;
                double trainLoss = Double.NaN, validationLoss = Double.NaN;
                boolean lossesCurrent = false;
                int usePatience = validation ? patience : 0;
                boolean sampled = miniBatch;
                while (true) {
                    long stepStart = System.nanoTime();
                    boolean check = step > 0 && step % checkEvery == 0;
                    boolean stopping = step >= maxSteps || Thread.currentThread().isInterrupted() || System.nanoTime() > deadline;
                    // Local SGD rounds end at multiples of the local steps (a resumed fit realigns) and at the step budget.
                    int rounds = stopping ? 0 : (int) Math.min(localSteps - step % localSteps, maxSteps - step);
                    StepSums sums = pass(step, !stopping, check || stopping, validation && (check || stopping), rounds);
                    trainLoss = sums.trainCount > 0 ? sums.trainSquares / sums.trainCount : Double.NaN;
                    validationLoss = sums.validationCount > 0 ? sums.validationSquares / sums.validationCount : Double.NaN;
                    // The loss of the entries the gradient came from: every training entry, or the step's sample.
                    double stepLoss = stopping || !sampled ? trainLoss
                            : sums.batchCount > 0 ? sums.batchSquares / sums.batchCount : 0;
                    lossesCurrent = true;
                    if (check) {
                        history.add(new SparkReport.Check(step, trainLoss, validationLoss, (System.nanoTime() - start) * 1e-9));
                        if (diverged(trainLoss, firstLoss)) {
                            reason = StopReason.DIVERGED;
                            message = divergence(step, trainLoss, lastGoodStep);
                            restore(values, lastGood, goodState, state);
                            lossesCurrent = false;
                            break;
                        }
                        double previousTrainLoss = lastGoodLoss;
                        copyOut(values, lastGood);
                        state.copyTo(goodState);
                        lastGoodStep = step;
                        lastGoodLoss = trainLoss;
                        if (validation) {
                            if (validationLoss < bestValidation) {
                                bestValidation = validationLoss;
                                copyOut(values, best);
                                state.copyTo(bestState);
                                bestStep = step;
                                checksSinceBest = 0;
                            } else if (!(trainLoss > (1 - 1e-3) * previousTrainLoss)) {
                                checksSinceBest++;
                            }
                        }
                        if (trainLoss <= lossTolerance) {
                            reason = StopReason.TOLERANCE;
                            message = "the training loss " + trainLoss + " reached the tolerance " + lossTolerance + " at step " + step;
                            break;
                        }
                        if (usePatience > 0 && checksSinceBest >= usePatience) {
                            reason = StopReason.EARLY_STOPPING;
                            message = "the validation loss did not improve for " + usePatience + " checks; kept the best state, step "
                                    + bestStep + " (validation loss " + bestValidation + ")";
                            break;
                        }
                    }
                    if (stopping) {
                        if (step >= maxSteps) {
                            message = "stopped after the step budget of " + maxSteps + " steps";
                        } else if (Thread.currentThread().isInterrupted()) {
                            reason = StopReason.INTERRUPTED;
                            message = "interrupted at step " + step + "; kept the best state so far";
                        } else {
                            reason = StopReason.TIME_LIMIT;
                            message = "stopped by the time budget at step " + step + "; kept the best state so far";
                        }
                        break;
                    }
                    if (Double.isNaN(firstLoss)) {
                        firstLoss = stepLoss;
                    }
                    if (diverged(stepLoss, firstLoss)) {
                        reason = StopReason.DIVERGED;
                        message = divergence(step, stepLoss, lastGoodStep);
                        restore(values, lastGood, goodState, state);
                        lossesCurrent = false;
                        break;
                    }
                    if (!sampled && trainLoss <= lossTolerance) {
                        reason = StopReason.TOLERANCE;
                        message = "the training loss " + trainLoss + " reached the tolerance " + lossTolerance + " at step " + step;
                        break;
                    }
                    if (checkpoint != null && checkpointEvery > 0 && step > startStep && step % checkpointEvery == 0) {
                        Checkpoint.write(checkpoint, model, state, step);
                    }
                    if (localSteps > 1) {
                        average(sums, values);
                        state.restore(step + rounds, averagedScalars(sums));
                        step += rounds;
                    } else {
                        MemorySegment g = gradients.segment();
                        double[] summed = sums.gradient;
                        double count = sampled ? sums.batchCount : sums.trainCount;
                        for (int i = 0; i < size; i++) {
                            g.setAtIndex(D, i, summed == null || count == 0 ? 0 : summed[i] / count);
                        }
                        state.step(values, gradients);
                        step++;
                    }
                    double seconds = (System.nanoTime() - stepStart) * 1e-9;
                    stepTimes.add(seconds);
                    if (stepHook != null) {
                        stepHook.afterStep(step, fit, blocks.id());
                    }
                    if (listener != null) {
                        listener.accept(new Progress(step, stepLoss, seconds));
                    }
                }
                // As in the local path: the checkpoint holds where the optimization stopped, written
                // before the best validation state is restored; none after a divergence.
                if (checkpoint != null && reason != StopReason.DIVERGED) {
                    boolean interrupted = Thread.interrupted(); // file channels refuse to work on an interrupted thread
                    try {
                        Checkpoint.write(checkpoint, model, state, step);
                    } finally {
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
                if (validation && reason != StopReason.DIVERGED && bestStep >= 0) {
                    restore(values, best, bestState, state);
                    lossesCurrent = lossesCurrent && bestStep == step;
                }
                if (!lossesCurrent) {
                    StepSums sums = pass(-1, false, true, validation, 0);
                    trainLoss = sums.trainSquares / sums.trainCount;
                    validationLoss = sums.validationCount > 0 ? sums.validationSquares / sums.validationCount : Double.NaN;
                }
                double[] times = stepTimes.stream().mapToDouble(Double::doubleValue).toArray();
                return new SparkReport(null, 0, 0, 0, scale, step, reason, message, trainLoss, validationLoss, Double.NaN, Double.NaN,
                        0, (System.nanoTime() - start) * 1e-9, times, List.copyOf(history));
            }
        }

        /** Local SGD: the partitions' parameters and optimizer vectors, averaged by entry count, into the driver's state. */
        private void average(StepSums sums, Tensor values) {
            double[] summed = sums.gradient;
            double count = sums.batchCount;
            MemorySegment target = values.segment();
            for (int i = 0; i < size; i++) {
                target.setAtIndex(D, i, summed[i] / count);
            }
            int at = size;
            for (Tensor vector : state.vectors()) {
                MemorySegment v = vector.segment();
                for (int i = 0; i < size; i++) {
                    v.setAtIndex(D, i, summed[at + i] / count);
                }
                at += size;
            }
        }

        private double[] averagedScalars(StepSums sums) {
            double[] scalars = state.scalars();
            int at = size * (1 + state.vectors().length);
            for (int k = 0; k < scalars.length; k++) {
                scalars[k] = sums.gradient[at + k] / sums.batchCount;
            }
            return scalars;
        }

        private boolean diverged(double loss, double firstLoss) {
            if (!Double.isFinite(loss)) {
                return true;
            }
            double reference = Math.max(Double.isNaN(firstLoss) ? 0 : firstLoss, 1.0); // targets have mean square 1 on this scale
            return loss > 1e4 * reference;
        }

        private String divergence(long step, double loss, long restoredStep) {
            return "training diverged at step " + step + ": the loss became " + loss + "; the parameters of step " + restoredStep
                    + " (the last good state) were restored. To fix it, lower the learning rate (now " + optimizer.learningRate()
                    + "; try " + optimizer.learningRate() / 10 + "), or start from a smaller initialization.";
        }

        private void copyOut(Tensor values, double[] into) {
            MemorySegment.copy(values.segment(), D, 0, into, 0, size);
        }

        private void restore(Tensor values, double[] from, OptimizerState savedState, OptimizerState state) {
            MemorySegment.copy(from, 0, values.segment(), D, 0, size);
            savedState.copyTo(state);
        }
    }
}
