package deeptensor.spark;

import deeptensor.internal.model.Models;
import deeptensor.internal.model.Batch;
import deeptensor.internal.model.Evaluation;
import deeptensor.internal.model.Model;
import deeptensor.internal.train.Optimizer;
import deeptensor.internal.train.OptimizerState;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The executor side of a fit: per partition, the library's off-heap copy of the partition's
 * entries (built from the cached {@link EntryBlock} on first use and reused every step), and a pool
 * of model instances (one per task running at once) into which each step's broadcast parameters are
 * copied. Everything here is a cache: a task that finds nothing (a new executor, a recomputed
 * partition) builds it again from the block, so the result never depends on what is cached.
 *
 * <p>Held in static maps because Spark keeps one JVM per executor across tasks. At most
 * {@link #FITS_KEPT} fits are kept; an older fit's memory is released when a new one starts, and
 * {@link #release(String)} releases a fit's memory when it ends (on the executors that run the
 * cleanup task, and on the driver in local mode).
 */
final class Executors {

    static final int FITS_KEPT = 2;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private record Key(String fit, int partition) {
    }

    private static final ConcurrentHashMap<Key, Part> PARTS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, ConcurrentLinkedDeque<Model>> MODELS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, ConcurrentLinkedDeque<OptimizerState>> STATES = new ConcurrentHashMap<>();
    private static final Deque<String> RECENT = new ArrayDeque<>();

    private Executors() {
    }

    /** One partition's entries, off-heap, as the library's batches. */
    static final class Part implements AutoCloseable {
        final Coordinates trainAt;
        final Tensor trainValues;
        final Batch train;
        final Coordinates validationAt;
        final Tensor validationValues;
        final Batch validation;

        Part(Shape shape, EntryBlock block, double scale) {
            Coordinates ta = null, va = null;
            Tensor ty = null, vy = null;
            Batch tb = null, vb = null;
            try {
                if (block.trainCount() > 0) {
                    ta = Coordinates.of(shape, block.trainIndexes());
                    ty = Tensor.of(divide(block.trainValues(), scale), block.trainCount());
                    tb = new Batch(ta, ty);
                }
                if (block.validationCount() > 0) {
                    va = Coordinates.of(shape, block.validationIndexes());
                    vy = Tensor.of(divide(block.validationValues(), scale), block.validationCount());
                    vb = new Batch(va, vy);
                }
            } catch (RuntimeException | Error failure) {
                closeAll(tb, ta, ty, vb, va, vy);
                throw failure;
            }
            trainAt = ta;
            trainValues = ty;
            train = tb;
            validationAt = va;
            validationValues = vy;
            validation = vb;
        }

        /** The values on the fit's scale, divided as the local path divides them (one division per value). */
        private static double[] divide(double[] values, double scale) {
            double[] scaled = new double[values.length];
            for (int e = 0; e < values.length; e++) {
                scaled[e] = values[e] / scale;
            }
            return scaled;
        }

        @Override
        public void close() {
            closeAll(train, trainAt, trainValues, validation, validationAt, validationValues);
        }

        private static void closeAll(AutoCloseable... all) {
            for (AutoCloseable c : all) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // closing off-heap memory does not fail
                    }
                }
            }
        }
    }

    private static void register(String fit) {
        synchronized (RECENT) {
            if (RECENT.contains(fit)) {
                return;
            }
            RECENT.addLast(fit);
            while (RECENT.size() > FITS_KEPT) {
                release(RECENT.pollFirst());
            }
        }
    }

    /** Releases everything held for {@code fit} in this JVM. */
    static void release(String fit) {
        synchronized (RECENT) {
            RECENT.remove(fit);
        }
        for (Iterator<Map.Entry<Key, Part>> it = PARTS.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Part> entry = it.next();
            if (entry.getKey().fit().equals(fit)) {
                it.remove();
                synchronized (entry.getValue()) {
                    entry.getValue().close();
                }
            }
        }
        ConcurrentLinkedDeque<Model> pool = MODELS.remove(fit);
        if (pool != null) {
            for (Model model; (model = pool.poll()) != null; ) {
                model.close();
            }
        }
        ConcurrentLinkedDeque<OptimizerState> states = STATES.remove(fit);
        if (states != null) {
            for (OptimizerState state; (state = states.poll()) != null; ) {
                state.close();
            }
        }
    }

    /** Forgets (and releases) the cached part of one partition, as when an executor is lost. For the fault tests. */
    static void forget(String fit, int partition) {
        Part part = PARTS.remove(new Key(fit, partition));
        if (part != null) {
            synchronized (part) {
                part.close();
            }
        }
    }

    private static Part part(String fit, Shape shape, EntryBlock block, double scale) {
        register(fit);
        Key key = new Key(fit, block.partition());
        Part part = PARTS.get(key);
        if (part != null && (part.train == null ? 0 : part.train.size()) == block.trainCount()
                && (part.validation == null ? 0 : part.validation.size()) == block.validationCount()) {
            return part;
        }
        Part fresh = new Part(shape, block, scale);
        Part previous = PARTS.put(key, fresh);
        if (previous != null) {
            synchronized (previous) {
                previous.close();
            }
        }
        return fresh;
    }

    private static Model borrow(String fit, ModelRecipe recipe, Shape shape) {
        Model model = MODELS.computeIfAbsent(fit, f -> new ConcurrentLinkedDeque<>()).poll();
        if (model == null) {
            model = Models.build(recipe.spec(), shape);
            model.evaluation(Evaluation.SAMPLED); // a partition never pays for the whole tensor
        }
        return model;
    }

    private static void giveBack(String fit, Model model) {
        ConcurrentLinkedDeque<Model> pool = MODELS.get(fit);
        if (pool == null) { // released meanwhile
            model.close();
        } else {
            pool.push(model);
        }
    }

    /**
     * Adds one partition's contribution at {@code parameters} to {@code sums}: the training
     * squared errors and (if {@code gradient}) the gradient of its mean loss times its entry count,
     * and (if {@code validation}) the validation squared errors.
     */
    static StepSums evaluate(String fit, ModelRecipe recipe, int[] dims, double scale, EntryBlock block, double[] parameters,
                             boolean gradient,
                             boolean validation, StepSums sums) {
        Shape shape = Shape.of(dims);
        Part part = part(fit, shape, block, scale);
        Model model = borrow(fit, recipe, shape);
        try {
            synchronized (part) { // a speculative copy of the same task must not share the batch buffers
                MemorySegment values = model.parameters().values().segment();
                if (values.byteSize() != (long) parameters.length * Double.BYTES) {
                    throw new IllegalStateException("the executor's model has " + values.byteSize() / Double.BYTES
                            + " parameters, the driver sent " + parameters.length);
                }
                MemorySegment.copy(parameters, 0, values, D, 0, parameters.length);
                if (part.train != null) {
                    int m = part.train.size();
                    if (gradient) {
                        double loss = model.lossAndGradient(part.train);
                        sums.trainSquares += loss * m;
                        if (sums.gradient == null) {
                            sums.gradient = new double[parameters.length];
                        }
                        double[] g = sums.gradient;
                        MemorySegment grads = model.parameters().gradients().segment();
                        for (int i = 0; i < g.length; i++) {
                            g[i] += m * grads.getAtIndex(D, i);
                        }
                    } else {
                        sums.trainSquares += model.loss(part.train) * m;
                    }
                    sums.trainCount += m;
                }
                if (validation && part.validation != null) {
                    int m = part.validation.size();
                    sums.validationSquares += model.loss(part.validation) * m;
                    sums.validationCount += m;
                }
            }
        } finally {
            giveBack(fit, model);
        }
        return sums;
    }

    private static void load(Model model, double[] sent, int size) {
        MemorySegment values = model.parameters().values().segment();
        if (values.byteSize() != (long) size * Double.BYTES) {
            throw new IllegalStateException("the executor's model has " + values.byteSize() / Double.BYTES
                    + " parameters, the driver sent " + size);
        }
        MemorySegment.copy(sent, 0, values, D, 0, size);
    }

    /** Adds {@code weight} times the model's gradients to {@code sums.gradient}. */
    private static void addGradient(Model model, double weight, int size, StepSums sums) {
        if (sums.gradient == null) {
            sums.gradient = new double[size];
        }
        double[] g = sums.gradient;
        MemorySegment grads = model.parameters().gradients().segment();
        for (int i = 0; i < size; i++) {
            g[i] += weight * grads.getAtIndex(D, i);
        }
    }

    private static void addValidation(Model model, Part part, StepSums sums) {
        if (part.validation != null) {
            int m = part.validation.size();
            sums.validationSquares += model.loss(part.validation) * m;
            sums.validationCount += m;
        }
    }

    /** The SplitMix64 finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Whether the entry at row-major position {@code offset} is in the mini-batch of {@code step}:
     * a uniform number in [0, 1) from a hash of the position, the seed and the step, below
     * {@code fraction}. The same on every executor and for every partitioning.
     */
    static boolean inBatch(long offset, long stepKey, double fraction) {
        return (mix(offset * 0x9E3779B97F4A7C15L + stepKey) >>> 11) * 0x1.0p-53 < fraction;
    }

    static long stepKey(long seed, long step) {
        return mix(seed + mix(step + 0x632BE59BD9B4E019L));
    }

    /**
     * Mini-batch: adds the gradient of the loss over this partition's share of the step's sample
     * (times the share's size) and its squared errors to {@code sums}; with {@code fullLoss} also
     * the training loss over every entry, with {@code validation} the validation loss.
     */
    static StepSums sampled(String fit, ModelRecipe recipe, int[] dims, double scale, EntryBlock block, double[] parameters,
                            double fraction, long seed, long step, boolean fullLoss, boolean validation, StepSums sums) {
        Shape shape = Shape.of(dims);
        Part part = part(fit, shape, block, scale);
        Model model = borrow(fit, recipe, shape);
        try {
            synchronized (part) {
                load(model, parameters, parameters.length);
                if (part.train != null) {
                    int order = dims.length, m = part.train.size();
                    int[] indexes = block.trainIndexes();
                    int[] chosen = new int[m];
                    int k = 0;
                    long key = stepKey(seed, step);
                    for (int e = 0; e < m; e++) {
                        long offset = 0;
                        for (int n = 0; n < order; n++) {
                            offset = offset * dims[n] + indexes[e * order + n];
                        }
                        if (inBatch(offset, key, fraction)) {
                            chosen[k++] = e;
                        }
                    }
                    if (k > 0) {
                        int[] flat = new int[k * order];
                        double[] targets = new double[k];
                        for (int j = 0; j < k; j++) {
                            System.arraycopy(indexes, chosen[j] * order, flat, j * order, order);
                            targets[j] = part.trainValues.getFlat(chosen[j]);
                        }
                        try (Coordinates at = Coordinates.of(shape, flat);
                             Tensor y = Tensor.of(targets, k);
                             Batch batch = new Batch(at, y)) {
                            double loss = model.lossAndGradient(batch);
                            sums.batchSquares += loss * k;
                            sums.batchCount += k;
                            addGradient(model, k, parameters.length, sums);
                        }
                    }
                    if (fullLoss) {
                        sums.trainSquares += model.loss(part.train) * m;
                        sums.trainCount += m;
                    }
                }
                if (validation) {
                    addValidation(model, part, sums);
                }
            }
        } finally {
            giveBack(fit, model);
        }
        return sums;
    }

    private static OptimizerState borrowState(String fit, double learningRate, int size) {
        OptimizerState state = STATES.computeIfAbsent(fit, f -> new ConcurrentLinkedDeque<>()).poll();
        return state != null ? state : OptimizerState.start(Optimizer.adam(learningRate), size);
    }

    private static void giveBackState(String fit, OptimizerState state) {
        ConcurrentLinkedDeque<OptimizerState> pool = STATES.get(fit);
        if (pool == null) {
            state.close();
        } else {
            pool.push(state);
        }
    }

    /**
     * Local SGD: from the broadcast parameters and Adam state ({@code sent}: parameters, then each
     * optimizer vector, then the optimizer's scalars; {@code optimizerStep} its step count), runs
     * {@code rounds} Adam steps on this partition's training entries and adds the result, times the
     * partition's entry count, to {@code sums.gradient} (same layout as {@code sent}). The training
     * and validation losses added are those at the broadcast parameters.
     */
    static StepSums localRound(String fit, ModelRecipe recipe, int[] dims, double scale, EntryBlock block, double[] sent, int size,
                               double learningRate, long optimizerStep, int rounds, boolean validation, StepSums sums) {
        Shape shape = Shape.of(dims);
        Part part = part(fit, shape, block, scale);
        Model model = borrow(fit, recipe, shape);
        OptimizerState state = borrowState(fit, learningRate, size);
        try {
            synchronized (part) {
                load(model, sent, size);
                if (validation) {
                    addValidation(model, part, sums);
                }
                if (part.train != null) {
                    int m = part.train.size();
                    Tensor[] vectors = state.vectors();
                    int at = size;
                    for (Tensor vector : vectors) {
                        MemorySegment.copy(sent, at, vector.segment(), D, 0, size);
                        at += size;
                    }
                    state.restore(optimizerStep, java.util.Arrays.copyOfRange(sent, at, sent.length));
                    Tensor values = model.parameters().values(), gradients = model.parameters().gradients();
                    for (int k = 0; k < rounds; k++) {
                        double loss = model.lossAndGradient(part.train);
                        if (k == 0) {
                            sums.trainSquares += loss * m;
                            sums.trainCount += m;
                            sums.batchSquares += loss * m;
                            sums.batchCount += m;
                        }
                        state.step(values, gradients);
                    }
                    if (sums.gradient == null) {
                        sums.gradient = new double[sent.length];
                    }
                    double[] g = sums.gradient;
                    MemorySegment v = values.segment();
                    for (int i = 0; i < size; i++) {
                        g[i] += m * v.getAtIndex(D, i);
                    }
                    at = size;
                    for (Tensor vector : vectors) {
                        MemorySegment w = vector.segment();
                        for (int i = 0; i < size; i++) {
                            g[at + i] += m * w.getAtIndex(D, i);
                        }
                        at += size;
                    }
                    double[] scalars = state.scalars();
                    for (int k = 0; k < scalars.length; k++) {
                        g[at + k] += m * scalars[k];
                    }
                }
            }
        } finally {
            giveBack(fit, model);
            giveBackState(fit, state);
        }
        return sums;
    }

    /** Test and diagnostics: how many partitions this JVM holds for {@code fit}. */
    static int partsHeld(String fit) {
        Map<String, Integer> counts = new HashMap<>();
        PARTS.keySet().forEach(k -> counts.merge(k.fit(), 1, Integer::sum));
        return counts.getOrDefault(fit, 0);
    }
}
