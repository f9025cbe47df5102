package deeptensor.internal.kernel;

import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The reference CP kernels. Each method is the definition of its result, written for clarity,
 * not speed; the Vector API implementation is tested against it.
 */
final class ScalarCpKernels implements CpKernels {

    static final ScalarCpKernels INSTANCE = new ScalarCpKernels();

    private ScalarCpKernels() {
    }

    @Override
    public void cpReconstruct(Tensor[] factors, Tensor out) {
        int rank = ShapeChecks.cpReconstruct(factors, out);
        int[] index = new int[out.order()];
        MemorySegment so = out.segment();
        for (long offset = 0; offset < out.size(); offset++) {
            out.shape().index(offset, index);
            ScalarKernels.put(so, offset, cpEntry(factors, rank, index));
        }
    }

    private static double cpEntry(Tensor[] factors, int rank, int[] index) {
        double sum = 0;
        for (int r = 0; r < rank; r++) {
            double product = 1;
            for (int n = 0; n < factors.length; n++) {
                product *= factors[n].get(index[n], r);
            }
            sum += product;
        }
        return sum;
    }

    /** The definition: one {@link Kernels#mttkrp} per mode. */
    @Override
    public void mttkrpEveryMode(Tensor x, Tensor[] factors, Tensor[] outs) {
        ShapeChecks.mttkrpEveryMode(x, factors, outs);
        for (int n = 0; n < outs.length; n++) {
            Kernels.scalar().mttkrp(x, factors, n, outs[n]);
        }
    }

    @Override
    public void cpEvaluate(Tensor[] factors, Coordinates at, Tensor values) {
        int rank = ShapeChecks.cpEvaluate(factors, at, values);
        int[] index = new int[at.shape().order()];
        for (int e = 0; e < at.count(); e++) {
            ScalarKernels.entry(at, e, index);
            values.setFlat(e, cpEntry(factors, rank, index));
        }
    }

    @Override
    public void cpScatter(Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        int rank = ShapeChecks.cpScatter(factors, mode, at, weights, out);
        out.fill(0);
        int[] index = new int[at.shape().order()];
        for (int e = 0; e < at.count(); e++) {
            ScalarKernels.entry(at, e, index);
            for (int r = 0; r < rank; r++) {
                double product = weights.getFlat(e);
                for (int n = 0; n < factors.length; n++) {
                    if (n != mode) {
                        product *= factors[n].get(index[n], r);
                    }
                }
                out.set(out.get(index[mode], r) + product, index[mode], r);
            }
        }
    }
}
