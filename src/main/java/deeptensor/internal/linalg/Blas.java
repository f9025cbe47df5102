package deeptensor.internal.linalg;

/**
 * The two level-1 loops the SVD spends its time in, on contiguous runs of heap arrays.
 *
 * <p>The dot product keeps four partial sums: Java may not reorder a floating-point reduction, so
 * one accumulator would serialize on the add latency; four independent chains let the CPU overlap
 * them. The result differs from a left-to-right sum only by rounding.
 */
final class Blas {

    private Blas() {
    }

    /** {@code Σ x[xOff + i] · y[yOff + i]} for {@code i < length}. */
    static double dot(double[] x, int xOff, double[] y, int yOff, int length) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < length; i += 4) {
            s0 += x[xOff + i] * y[yOff + i];
            s1 += x[xOff + i + 1] * y[yOff + i + 1];
            s2 += x[xOff + i + 2] * y[yOff + i + 2];
            s3 += x[xOff + i + 3] * y[yOff + i + 3];
        }
        for (; i < length; i++) {
            s0 += x[xOff + i] * y[yOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code y[yOff + i] += alpha · x[xOff + i]} for {@code i < length}. */
    static void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int length) {
        for (int i = 0; i < length; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }
}
