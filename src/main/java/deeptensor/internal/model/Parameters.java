package deeptensor.internal.model;

import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every trainable number of a model in one flat off-heap vector, with a gradient vector of the same
 * length, cut into named blocks that are views of given shapes.
 *
 * <p>Keeping all parameters contiguous is what makes the rest simple and fast: an optimizer step is
 * one loop over two vectors, a snapshot (to restore the last good state after a divergence) is one
 * copy, and a checkpoint is one array write. Blocks are views made once at construction, so the
 * training step creates none.
 *
 * <p>Owns its memory: close it (the model that built it does).
 */
public final class Parameters implements AutoCloseable {

    /** A named block: its shape and its position in the flat vectors. */
    public record Block(String name, int[] dims, long offset, long size) {
        /** The block's name and shape, for messages. */
        @Override
        public String toString() {
            return name + deeptensor.tensor.Shape.of(dims);
        }
    }

    private final List<Block> blocks;
    private final Tensor values;
    private final Tensor gradients;
    private final Tensor[] valueViews;
    private final Tensor[] gradientViews;

    private Parameters(List<Block> blocks, long total) {
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a model with " + total + " parameters is too large (at most "
                    + Integer.MAX_VALUE + "); lower the ranks or the chain width");
        }
        this.blocks = Collections.unmodifiableList(blocks);
        this.values = Tensor.zeros((int) total);
        this.gradients = Tensor.zeros((int) total);
        this.valueViews = new Tensor[blocks.size()];
        this.gradientViews = new Tensor[blocks.size()];
        for (int b = 0; b < blocks.size(); b++) {
            Block block = blocks.get(b);
            valueViews[b] = view(values, block);
            gradientViews[b] = view(gradients, block);
        }
    }

    private static Tensor view(Tensor flat, Block block) {
        return flat.slice((int) block.offset(), (int) (block.offset() + block.size())).reshape(block.dims());
    }

    /** Collects blocks before the flat vectors are allocated. */
    public static final class Builder {
        private final List<Block> blocks = new ArrayList<>();
        private long total;

        /** Adds a block and returns its index. */
        public int add(String name, int... dims) {
            long size = deeptensor.tensor.Shape.of(dims).size();
            blocks.add(new Block(name, dims.clone(), total, size));
            total += size;
            return blocks.size() - 1;
        }

        /** Allocates the flat vectors (zeros) and the block views. */
        public Parameters build() {
            return new Parameters(new ArrayList<>(blocks), total);
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Total number of parameters. */
    public int size() {
        return (int) values.size();
    }

    /** The blocks in order. */
    public List<Block> blocks() {
        return blocks;
    }

    /** All parameter values as one vector (a view of the model's memory). */
    public Tensor values() {
        return values;
    }

    /** All gradients as one vector, in the same order as {@link #values()}. */
    public Tensor gradients() {
        return gradients;
    }

    /** The values of block {@code index}, shaped. */
    public Tensor value(int index) {
        return valueViews[index];
    }

    /** The gradient of block {@code index}, shaped. */
    public Tensor gradient(int index) {
        return gradientViews[index];
    }

    @Override
    public void close() {
        values.close();
        gradients.close();
    }
}
