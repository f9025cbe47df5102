package deeptensor;

import deeptensor.internal.model.Model;
import deeptensor.tensor.OffHeapMemory;
import deeptensor.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The off-heap footprint of a completion, estimated before anything large is allocated, so that a
 * fit that cannot fit is refused at once with the estimate, the limit and what to change, instead
 * of failing partway with a message about one buffer. The estimate adds the large buffers a fit
 * holds at once (see {@link #ofDefault} and {@link #ofModel}); small ones (factor matrices, scratch)
 * are left out, so it is a lower bound within a few percent for the shapes where memory matters.
 */
final class FitMemory {

    private final Shape shape;
    private final List<String> parts = new ArrayList<>();
    private long bytes;

    private FitMemory(Shape shape) {
        this.shape = shape;
    }

    /**
     * The default recipe on {@code m} observed entries: the completed tensor and one member of the
     * averaged fits (two tensors of the full shape), and about eight copies of the observed values
     * with the coordinates of two (the scaled values, a fold's two parts, residuals around the
     * centre, the fit's prediction and residual buffers).
     */
    static FitMemory ofDefault(Shape shape, int m) {
        FitMemory memory = new FitMemory(shape);
        long full = shape.size() * Double.BYTES;
        memory.add("the completed tensor", full);
        memory.add("one fit of the average", full);
        memory.add("copies of the " + m + " observed entries", (long) m * (8L * Double.BYTES + 2L * shape.order() * Integer.BYTES));
        return memory;
    }

    /**
     * A fit of an explicit {@code model} on {@code m} observed entries with Adam or GroupRMSprop: the
     * completed tensor, the model's training buffers, two optimizer moments and a best-state copy of
     * the parameters, and the train/validation copies of the entries with their batch buffers.
     */
    static FitMemory ofModel(Model model, int m, double validationFraction) {
        FitMemory memory = new FitMemory(model.shape());
        // The split's sizes (as Observations.split rounds them): the model chooses dense or sampled
        // evaluation per batch size, and allocates the dense buffers if either part uses them.
        int held = validationFraction > 0 ? Math.max(1, (int) Math.round(validationFraction * m)) : 0;
        long buffers = Math.max(model.bufferBytes(Math.max(1, m - held)), held > 0 ? model.bufferBytes(held) : 0);
        memory.add("the completed tensor", model.shape().size() * Double.BYTES);
        memory.add("the model's buffers", buffers);
        memory.add("optimizer moments and the best state", 3L * model.parameters().size() * Double.BYTES);
        memory.add("copies of the " + m + " observed entries", (long) m * (3L * Double.BYTES + 2L * model.shape().order() * Integer.BYTES));
        return memory;
    }

    private void add(String part, long partBytes) {
        if (partBytes > 0) {
            parts.add(part + " " + OffHeapMemory.format(partBytes));
            bytes = saturatedAdd(bytes, partBytes);
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    long bytes() {
        return bytes;
    }

    /** Refuses the fit if the estimate is more than the library may still allocate. */
    void requireAvailable(String advice) {
        long available = OffHeapMemory.available();
        if (bytes > available) {
            throw new IllegalArgumentException("completing a tensor of shape " + shape + " needs about " + OffHeapMemory.format(bytes)
                    + " of off-heap memory (" + String.join(", ", parts) + "), but only " + OffHeapMemory.format(available)
                    + " is available (limit " + OffHeapMemory.format(OffHeapMemory.limit()) + ", " + OffHeapMemory.limitSource()
                    + (OffHeapMemory.inUse() > 0 ? "; " + OffHeapMemory.format(OffHeapMemory.inUse()) + " already held" : "") + "); "
                    + advice);
        }
    }
}
