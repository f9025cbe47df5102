package deeptensor.spark;

import deeptensor.internal.model.Models;
import deeptensor.internal.model.Batch;
import deeptensor.internal.model.Evaluation;
import deeptensor.internal.model.Model;
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

    /** Test and diagnostics: how many partitions this JVM holds for {@code fit}. */
    static int partsHeld(String fit) {
        Map<String, Integer> counts = new HashMap<>();
        PARTS.keySet().forEach(k -> counts.merge(k.fit(), 1, Integer::sum));
        return counts.getOrDefault(fit, 0);
    }
}
