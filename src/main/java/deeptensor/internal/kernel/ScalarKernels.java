package deeptensor.internal.kernel;

import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference kernels: each method is the definition of its result, written for clarity, not
 * speed. Faster implementations are tested against these. No allocation beyond a few small index
 * arrays per call.
 */
final class ScalarKernels implements Kernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    static double get(MemorySegment s, long i) {
        return s.getAtIndex(D, i);
    }

    static void put(MemorySegment s, long i, double v) {
        s.setAtIndex(D, i, v);
    }

    @Override
    public void gemm(double alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, double beta, Tensor c) {
        ShapeChecks.gemm(a, transposeA, b, transposeB, c);
        int rows = c.rows(), inner = transposeA ? a.rows() : a.cols(), cols = c.cols();
        MemorySegment sa = a.segment(), sb = b.segment(), sc = c.segment();
        int lda = a.cols(), ldb = b.cols();
        if (alpha == 0) {
            // As in BLAS: A and B are not read, so their infinities and NaNs do not reach C.
            for (long at = 0; at < (long) rows * cols; at++) {
                put(sc, at, beta == 0 ? 0.0 : beta * get(sc, at));
            }
            return;
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double sum = 0;
                for (int k = 0; k < inner; k++) {
                    double aik = transposeA ? get(sa, (long) k * lda + i) : get(sa, (long) i * lda + k);
                    double bkj = transposeB ? get(sb, (long) j * ldb + k) : get(sb, (long) k * ldb + j);
                    sum += aik * bkj;
                }
                long at = (long) i * cols + j;
                // beta == 0 overwrites, so an uninitialized (even NaN) C is not read, as in BLAS.
                put(sc, at, beta == 0 ? alpha * sum : alpha * sum + beta * get(sc, at));
            }
        }
    }

    @Override
    public void modeProduct(Tensor x, int mode, Tensor u, Tensor out) {
        ShapeChecks.modeProduct(x, mode, u, out);
        if (x.size() == 0 || out.size() == 0) {
            out.fill(0); // an empty sum is 0; and nothing to loop over (left or right may be huge)
            return;
        }
        // View x as [left, I, right] and out as [left, J, right]: no unfolding is materialized.
        long left = x.shape().sizeOf(0, mode);
        long right = x.shape().sizeOf(mode + 1, x.order());
        int in = x.dim(mode), outDim = u.rows();
        MemorySegment sx = x.segment(), su = u.segment(), so = out.segment();
        for (long l = 0; l < left; l++) {
            for (int j = 0; j < outDim; j++) {
                for (long r = 0; r < right; r++) {
                    double sum = 0;
                    for (int i = 0; i < in; i++) {
                        sum += get(su, (long) j * in + i) * get(sx, (l * in + i) * right + r);
                    }
                    put(so, (l * outDim + j) * right + r, sum);
                }
            }
        }
    }

    @Override
    public void khatriRao(Tensor[] matrices, Tensor out) {
        int rank = ShapeChecks.khatriRao(matrices, out);
        int[] rowIndex = new int[matrices.length];
        Shape rowShape = rowShape(matrices);
        MemorySegment so = out.segment();
        for (long row = 0; row < rowShape.size(); row++) {
            rowShape.index(row, rowIndex);
            for (int r = 0; r < rank; r++) {
                double product = 1;
                for (int n = 0; n < matrices.length; n++) {
                    product *= matrices[n].get(rowIndex[n], r);
                }
                put(so, row * rank + r, product);
            }
        }
    }

    private static Shape rowShape(Tensor[] matrices) {
        int[] rows = new int[matrices.length];
        for (int n = 0; n < matrices.length; n++) {
            rows[n] = matrices[n].rows();
        }
        return Shape.of(rows);
    }

    @Override
    public void mttkrp(Tensor x, Tensor[] factors, int mode, Tensor out) {
        int rank = ShapeChecks.mttkrp(x, factors, mode, out);
        out.fill(0);
        int[] index = new int[x.order()];
        MemorySegment sx = x.segment();
        for (long offset = 0; offset < x.size(); offset++) {
            x.shape().index(offset, index);
            double value = get(sx, offset);
            for (int r = 0; r < rank; r++) {
                double product = value;
                for (int n = 0; n < factors.length; n++) {
                    if (n != mode) {
                        product *= factors[n].get(index[n], r);
                    }
                }
                out.set(out.get(index[mode], r) + product, index[mode], r);
            }
        }
    }

    @Override
    public void gram(Tensor a, Tensor out) {
        ShapeChecks.gram(a, out);
        for (int i = 0; i < a.cols(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                double sum = 0;
                for (int k = 0; k < a.rows(); k++) {
                    sum += a.get(k, i) * a.get(k, j);
                }
                out.set(sum, i, j);
            }
        }
    }

    @Override
    public void unfold(Tensor x, int mode, Tensor out) {
        ShapeChecks.unfold(x, mode, out);
        int[] index = new int[x.order()];
        for (long offset = 0; offset < x.size(); offset++) {
            x.shape().index(offset, index);
            out.set(x.getFlat(offset), index[mode], (int) unfoldedColumn(x.shape(), mode, index));
        }
    }

    @Override
    public void fold(Tensor matrix, int mode, Tensor out) {
        ShapeChecks.fold(matrix, mode, out);
        int[] index = new int[out.order()];
        for (long offset = 0; offset < out.size(); offset++) {
            out.shape().index(offset, index);
            out.setFlat(offset, matrix.get(index[mode], (int) unfoldedColumn(out.shape(), mode, index)));
        }
    }

    /** Shape of the mode-n unfolding of a tensor of {@code shape}. */
    /** TensorLy's column: the row-major position of the index with {@code mode} removed. */
    private static long unfoldedColumn(Shape shape, int mode, int[] index) {
        long column = 0;
        for (int n = 0; n < shape.order(); n++) {
            if (n != mode) {
                column = column * shape.dim(n) + index[n];
            }
        }
        return column;
    }

    @Override
    public void gather(Tensor x, Coordinates at, Tensor values) {
        ShapeChecks.gather(x, at, values);
        for (int e = 0; e < at.count(); e++) {
            values.setFlat(e, x.getFlat(at.offset(e)));
        }
    }

    @Override
    public void scatter(Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.scatter(at, weights, out);
        out.fill(0);
        for (int e = 0; e < at.count(); e++) {
            long offset = at.offset(e);
            out.setFlat(offset, out.getFlat(offset) + weights.getFlat(e));
        }
    }

    /** The index of entry {@code e} of {@code at}, into {@code index}. */
    static void entry(Coordinates at, int e, int[] index) {
        MemorySegment indexes = at.segment();
        for (int n = 0; n < index.length; n++) {
            index[n] = indexes.getAtIndex(I, (long) e * index.length + n);
        }
    }
}
