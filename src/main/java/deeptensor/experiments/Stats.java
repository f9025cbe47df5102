package deeptensor.experiments;

import java.util.Arrays;

/** The few statistics the experiments report: medians, quantiles and least-squares slopes. */
final class Stats {

    private Stats() {
    }

    /** The median of the finite values (NaN when there is none); the mean of the middle two for an even count. */
    static double median(double... values) {
        return quantile(0.5, values);
    }

    /** The {@code q}-quantile of the finite values by linear interpolation between order statistics. */
    static double quantile(double q, double... values) {
        double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) {
            return Double.NaN;
        }
        double position = q * (finite.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(finite.length - 1, below + 1);
        return finite[below] + (position - below) * (finite[above] - finite[below]);
    }

    /** The slope of the least-squares line through {@code (x_i, y_i)}. */
    static double slope(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("a slope needs two or more points of equal count, got " + x.length + " and " + y.length);
        }
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }

    /** The intercept of the least-squares line through {@code (x_i, y_i)}. */
    static double intercept(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        return my - slope(x, y) * mx;
    }

    /** Column {@code j} of the rows, as an array (one value per row). */
    static double[] column(double[][] rows, int j) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i][j];
        }
        return out;
    }
}
