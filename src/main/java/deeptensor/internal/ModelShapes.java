package deeptensor.internal;

import deeptensor.tensor.Shape;

/**
 * Shape checks and default ranks shared by the model specifications (exported) and the models they
 * build (internal), so that both refuse the same shapes with the same message.
 */
public final class ModelShapes {

    private ModelShapes() {
    }

    /** Rejects shapes no model can fit: order below 2 or an empty mode. */
    public static void checkShape(String model, Shape shape) {
        if (shape.order() < 2) {
            throw new IllegalArgumentException("a " + model + " model needs a tensor of order at least 2, got shape " + shape);
        }
        for (int n = 0; n < shape.order(); n++) {
            if (shape.dim(n) < 1) {
                throw new IllegalArgumentException("a " + model + " model cannot fit shape " + shape + ": mode " + n + " is empty");
            }
        }
    }

    /** Razin's over-parameterized CP rank {@code Π d / max d}, the largest CP rank a tensor of this shape needs. */
    public static int defaultCpRank(Shape shape) {
        int max = 0;
        for (int n = 0; n < shape.order(); n++) {
            max = Math.max(max, shape.dim(n));
        }
        long rank = shape.size() / max;
        if (rank > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the default CP rank of shape " + shape + " (" + rank + ") is too large; set a rank");
        }
        return (int) rank;
    }

    /** The maximal tensor-train ranks {@code r_k = min(Π_{j<k} d_j, Π_{j≥k} d_j)}, each capped at {@code cap}. */
    public static int[] maximalTtRanks(Shape shape, int cap) {
        int order = shape.order();
        int[] ranks = new int[order + 1];
        ranks[0] = 1;
        ranks[order] = 1;
        for (int k = 1; k < order; k++) {
            long left = shape.sizeOf(0, k);
            long right = shape.sizeOf(k, order);
            ranks[k] = (int) Math.min(Math.min(left, right), cap);
        }
        return ranks;
    }
}
