package deeptensor.internal.kernel;

import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * The reference tensor-train kernels. Each method is the definition of its result, written for clarity,
 * not speed; the Vector API implementation is tested against it.
 */
final class ScalarTensorTrainKernels implements TensorTrainKernels {

    static final ScalarTensorTrainKernels INSTANCE = new ScalarTensorTrainKernels();

    private ScalarTensorTrainKernels() {
    }

    @Override
    public void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values) {
        ShapeChecks.ttEvaluate(cores, at, values);
        int[] index = new int[at.shape().order()];
        for (int e = 0; e < at.count(); e++) {
            ScalarKernels.entry(at, e, index);
            double[] row = leftProduct(cores, index, cores.length);
            values.setFlat(e, row[0]);
        }
    }

    /** The row vector {@code G_0[i_0] ⋯ G_{k-1}[i_{k-1}]} (length r_k; {@code [1]} for k = 0). */
    private static double[] leftProduct(Tensor[] cores, int[] index, int k) {
        double[] row = {1.0};
        for (int c = 0; c < k; c++) {
            Tensor core = cores[c];
            double[] next = new double[core.dim(2)];
            for (int b = 0; b < next.length; b++) {
                for (int a = 0; a < row.length; a++) {
                    next[b] += row[a] * core.get(a, index[c], b);
                }
            }
            row = next;
        }
        return row;
    }

    /** The column vector {@code G_{k+1}[i_{k+1}] ⋯ G_{N-1}[i_{N-1}]} (length r_{k+1}... i.e. core k's right rank). */
    private static double[] rightProduct(Tensor[] cores, int[] index, int k) {
        double[] column = {1.0};
        for (int c = cores.length - 1; c > k; c--) {
            Tensor core = cores[c];
            double[] next = new double[core.dim(0)];
            for (int a = 0; a < next.length; a++) {
                for (int b = 0; b < column.length; b++) {
                    next[a] += core.get(a, index[c], b) * column[b];
                }
            }
            column = next;
        }
        return column;
    }

    @Override
    public void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.ttScatterCore(cores, k, at, weights, out);
        out.fill(0);
        int[] index = new int[at.shape().order()];
        for (int e = 0; e < at.count(); e++) {
            ScalarKernels.entry(at, e, index);
            double[] left = leftProduct(cores, index, k);
            double[] right = rightProduct(cores, index, k);
            for (int a = 0; a < left.length; a++) {
                for (int b = 0; b < right.length; b++) {
                    double term = weights.getFlat(e) * left[a] * right[b];
                    out.set(out.get(a, index[k], b) + term, a, index[k], b);
                }
            }
        }
    }
}
