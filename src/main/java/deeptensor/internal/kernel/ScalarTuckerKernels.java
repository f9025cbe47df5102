package deeptensor.internal.kernel;

import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * The reference Tucker kernels. Each method is the definition of its result, written for clarity,
 * not speed; the Vector API implementation is tested against it.
 */
final class ScalarTuckerKernels implements TuckerKernels {

    static final ScalarTuckerKernels INSTANCE = new ScalarTuckerKernels();

    private ScalarTuckerKernels() {
    }

    @Override
    public void contractAllButMode(Tensor x, Tensor y, int mode, Tensor out) {
        ShapeChecks.contractAllButMode(x, y, mode, out);
        long left = x.shape().sizeOf(0, mode), right = x.shape().sizeOf(mode + 1, x.order());
        int rows = x.dim(mode), cols = y.dim(mode);
        for (int a = 0; a < rows; a++) {
            for (int b = 0; b < cols; b++) {
                double sum = 0;
                for (long l = 0; l < left; l++) {
                    for (long r = 0; r < right; r++) {
                        sum += x.getFlat((l * rows + a) * right + r) * y.getFlat((l * cols + b) * right + r);
                    }
                }
                out.set(sum, a, b);
            }
        }
    }

    @Override
    public void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values) {
        ShapeChecks.tuckerEvaluate(core, factors, at, values);
        int[] index = new int[at.shape().order()];
        int[] coreIndex = new int[core.order()];
        for (int e = 0; e < at.count(); e++) {
            ScalarKernels.entry(at, e, index);
            double sum = 0;
            for (long c = 0; c < core.size(); c++) {
                core.shape().index(c, coreIndex);
                sum += core.getFlat(c) * factorProduct(factors, index, coreIndex, -1);
            }
            values.setFlat(e, sum);
        }
    }

    /** {@code Π_{n≠skip} U^n[index[n], coreIndex[n]]}. */
    private static double factorProduct(Tensor[] factors, int[] index, int[] coreIndex, int skip) {
        double product = 1;
        for (int n = 0; n < factors.length; n++) {
            if (n != skip) {
                product *= factors[n].get(index[n], coreIndex[n]);
            }
        }
        return product;
    }

    @Override
    public void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.tuckerScatterCore(factors, at, weights, out);
        out.fill(0);
        int[] index = new int[at.shape().order()];
        int[] coreIndex = new int[out.order()];
        for (int e = 0; e < at.count(); e++) {
            ScalarKernels.entry(at, e, index);
            for (long c = 0; c < out.size(); c++) {
                out.shape().index(c, coreIndex);
                out.setFlat(c, out.getFlat(c) + weights.getFlat(e) * factorProduct(factors, index, coreIndex, -1));
            }
        }
    }

    @Override
    public void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.tuckerScatterFactor(core, factors, mode, at, weights, out);
        out.fill(0);
        int[] index = new int[at.shape().order()];
        int[] coreIndex = new int[core.order()];
        for (int e = 0; e < at.count(); e++) {
            ScalarKernels.entry(at, e, index);
            for (long c = 0; c < core.size(); c++) {
                core.shape().index(c, coreIndex);
                double term = weights.getFlat(e) * core.getFlat(c) * factorProduct(factors, index, coreIndex, mode);
                out.set(out.get(index[mode], coreIndex[mode]) + term, index[mode], coreIndex[mode]);
            }
        }
    }
}
