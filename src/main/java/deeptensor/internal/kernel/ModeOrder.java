package deeptensor.internal.kernel;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The order in which to apply several mode products so that the total flop count is least.
 *
 * <p>Applying {@code U^n} ({@code J_n × I_n}) to a tensor of {@code S} elements costs {@code 2·J_n·S}
 * flops and changes mode {@code n} from {@code I_n} to {@code J_n}. The size of every intermediate
 * depends only on which modes are done, so a dynamic program over the subsets of modes finds the
 * cheapest order exactly in {@code O(2^k · k)} for {@code k} products.
 */
final class ModeOrder {

    private ModeOrder() {
    }

    /** The modes with a non-null matrix, in the cheapest order to apply them to {@code shape}. */
    static int[] cheapest(Shape shape, Tensor[] matrices) {
        int[] modes = modesWithMatrix(matrices);
        int k = modes.length;
        if (k > 20) {
            throw new IllegalArgumentException("cannot order " + k + " mode products (at most 20)");
        }
        int subsets = 1 << k;
        double[] best = new double[subsets];
        int[] lastMode = new int[subsets];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        best[0] = 0;
        for (int done = 0; done < subsets; done++) {
            if (best[done] == Double.POSITIVE_INFINITY) {
                continue;
            }
            double size = sizeAfter(shape, matrices, modes, done);
            for (int j = 0; j < k; j++) {
                if ((done & (1 << j)) != 0) {
                    continue;
                }
                int next = done | (1 << j);
                double cost = best[done] + 2.0 * matrices[modes[j]].rows() * size;
                if (cost < best[next]) {
                    best[next] = cost;
                    lastMode[next] = j;
                }
            }
        }
        int[] order = new int[k];
        for (int done = subsets - 1, position = k - 1; position >= 0; position--) {
            int j = lastMode[done];
            order[position] = modes[j];
            done &= ~(1 << j);
        }
        return order;
    }

    /** Flops of applying the products in {@code order}. */
    static double flops(Shape shape, Tensor[] matrices, int[] order) {
        double flops = 0;
        int[] current = shape.dims();
        for (int mode : order) {
            double size = 1;
            for (int d : current) {
                size *= d;
            }
            flops += 2.0 * matrices[mode].rows() * size;
            current[mode] = matrices[mode].rows();
        }
        return flops;
    }

    /** The largest intermediate (in elements) produced along {@code order}, excluding the final result. */
    static long largestIntermediate(Shape shape, Tensor[] matrices, int[] order) {
        long largest = 0;
        Shape current = shape;
        for (int step = 0; step + 1 < order.length; step++) {
            current = current.withDim(order[step], matrices[order[step]].rows());
            largest = Math.max(largest, current.size());
        }
        return largest;
    }

    /** Elements after the products in {@code done}: Π over modes of (done ? J_n : I_n). No division, so zero sizes are exact. */
    private static double sizeAfter(Shape shape, Tensor[] matrices, int[] modes, int done) {
        boolean[] applied = new boolean[shape.order()];
        for (int j = 0; j < modes.length; j++) {
            applied[modes[j]] = (done & (1 << j)) != 0;
        }
        double size = 1;
        for (int n = 0; n < shape.order(); n++) {
            size *= applied[n] ? matrices[n].rows() : shape.dim(n);
        }
        return size;
    }

    private static int[] modesWithMatrix(Tensor[] matrices) {
        int count = 0;
        for (Tensor m : matrices) {
            count += m == null ? 0 : 1;
        }
        int[] modes = new int[count];
        for (int n = 0, j = 0; n < matrices.length; n++) {
            if (matrices[n] != null) {
                modes[j++] = n;
            }
        }
        return modes;
    }
}
