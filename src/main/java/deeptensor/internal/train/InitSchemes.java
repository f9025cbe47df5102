package deeptensor.internal.train;

import deeptensor.internal.model.Factor;
import deeptensor.internal.model.Model;
import deeptensor.internal.model.TuckerModel;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The algorithms behind {@link Initializer}. Random streams: one root stream per seed, split once
 * per factor (in factor order) and once for a core, so that a factor's draws do not depend on the
 * depth or size of the factors before it.
 */
final class InitSchemes {

    private InitSchemes() {
    }

    static void checkScale(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("initialization " + name + " must be a positive finite number, got " + value);
        }
    }

    static void gaussian(Model model, double std, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor values = model.parameters().values();
        for (long i = 0; i < values.size(); i++) {
            values.setFlat(i, std * random.nextGaussian());
        }
    }

    static void normMatched(Model model, double std, long seed) {
        int depth = model.factors().get(0).depth();
        double effective = std * depth * Math.log(depth + 1);
        gaussian(model, effective, seed);
        TuckerModel tucker = model instanceof TuckerModel t ? t : null;
        double coreNorm = tucker == null ? 0 : norm(tucker.core());
        for (int n = 0; n < model.factors().size(); n++) {
            Factor factor = model.factors().get(n);
            double[] slices = tucker == null ? null : tucker.coreSliceNorms(n);
            for (int c = 0; c < factor.chains(); c++) {
                double target;
                if (tucker == null) {
                    target = factor.linkNorm(c, 0);
                } else if (factor.chainColumns(c)[1] == 1) {
                    target = slices[factor.chainColumns(c)[0]];
                } else {
                    target = coreNorm;
                }
                for (int l = 0; l < factor.depth(); l++) {
                    rescale(factor, c, l, target);
                }
            }
        }
    }

    static void balanced(Model model, double scale, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        for (Factor factor : model.factors()) {
            SplittableRandom random = root.split();
            for (int c = 0; c < factor.chains(); c++) {
                balancedChain(factor, c, scale, random);
            }
        }
        if (model instanceof TuckerModel tucker) {
            SplittableRandom random = root.split();
            Tensor core = tucker.core();
            for (long i = 0; i < core.size(); i++) {
                core.setFlat(i, random.nextGaussian());
            }
            scaleAll(core, scale / norm(core));
        }
    }

    /** Link l = s·U_l U_{l−1}ᵀ with orthonormal U's of k columns (k = 1 for a vector base link). */
    private static void balancedChain(Factor factor, int chain, double scale, SplittableRandom random) {
        int depth = factor.depth();
        int k = factor.linkCols(0);
        for (int l = 0; l < depth; l++) {
            k = Math.min(k, factor.linkRows(l));
        }
        boolean vectorBase = factor.linkCols(0) == 1;
        // U_{-1} spans the input side of link 0; a vector base link has a 1×1 input side.
        double[][] previous = vectorBase ? new double[][] {{1.0}} : orthonormal(random, factor.linkCols(0), k);
        double perLink = scale / Math.sqrt(k);
        for (int l = 0; l < depth; l++) {
            double[][] current = orthonormal(random, factor.linkRows(l), k);
            for (int i = 0; i < factor.linkRows(l); i++) {
                for (int j = 0; j < factor.linkCols(l); j++) {
                    double sum = 0;
                    for (int q = 0; q < k; q++) {
                        sum += current[i][q] * previous[j][q];
                    }
                    factor.set(chain, l, i, j, perLink * sum);
                }
            }
            previous = current;
        }
    }

    static void endToEnd(Model model, double std, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        for (Factor factor : model.factors()) {
            SplittableRandom random = root.split();
            double[][] reference = new double[factor.rows()][factor.cols()];
            for (double[] row : reference) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = std * random.nextGaussian();
                }
            }
            if (factor.depth() == 1) {
                for (int c = 0; c < factor.chains(); c++) {
                    int column = factor.chainColumns(c)[0];
                    for (int i = 0; i < factor.rows(); i++) {
                        factor.set(c, 0, i, 0, reference[i][column]);
                    }
                }
                continue;
            }
            for (int c = 0; c < factor.chains(); c++) {
                for (int l = 0; l < factor.depth(); l++) {
                    for (int i = 0; i < factor.linkRows(l); i++) {
                        for (int j = 0; j < factor.linkCols(l); j++) {
                            factor.set(c, l, i, j, random.nextGaussian());
                        }
                    }
                }
            }
            factor.forward();
            for (int c = 0; c < factor.chains(); c++) {
                int[] columns = factor.chainColumns(c);
                double actual = columnsNorm(factor.matrix(), columns);
                double target = columnsNorm(reference, columns);
                if (!(actual > 0)) {
                    throw new IllegalStateException("factor " + factor.name() + ": chain " + c + " produced a zero column at initialization");
                }
                double perLink = Math.pow(target / actual, 1.0 / factor.depth());
                for (int l = 0; l < factor.depth(); l++) {
                    factor.scaleLink(c, l, perLink);
                }
            }
        }
        if (model instanceof TuckerModel tucker) {
            SplittableRandom random = root.split();
            Tensor core = tucker.core();
            for (long i = 0; i < core.size(); i++) {
                core.setFlat(i, std * random.nextGaussian());
            }
        }
    }

    private static double columnsNorm(Tensor matrix, int[] columns) {
        double sum = 0;
        for (int i = 0; i < matrix.rows(); i++) {
            for (int j = columns[0]; j < columns[0] + columns[1]; j++) {
                double v = matrix.get(i, j);
                sum += v * v;
            }
        }
        return Math.sqrt(sum);
    }

    private static double columnsNorm(double[][] matrix, int[] columns) {
        double sum = 0;
        for (double[] row : matrix) {
            for (int j = columns[0]; j < columns[0] + columns[1]; j++) {
                sum += row[j] * row[j];
            }
        }
        return Math.sqrt(sum);
    }

    private static void rescale(Factor factor, int chain, int link, double target) {
        double current = factor.linkNorm(chain, link);
        if (current > 0) {
            factor.scaleLink(chain, link, target / current);
        }
    }

    /** {@code k} orthonormal columns in ℝ^n (Gram–Schmidt on Gaussian vectors, redrawn if degenerate). */
    static double[][] orthonormal(SplittableRandom random, int n, int k) {
        double[][] q = new double[n][k];
        for (int col = 0; col < k; col++) {
            double norm;
            do {
                for (int i = 0; i < n; i++) {
                    q[i][col] = random.nextGaussian();
                }
                for (int pass = 0; pass < 2; pass++) { // twice is enough for orthogonality to rounding
                    for (int prev = 0; prev < col; prev++) {
                        double dot = 0;
                        for (int i = 0; i < n; i++) {
                            dot += q[i][col] * q[i][prev];
                        }
                        for (int i = 0; i < n; i++) {
                            q[i][col] -= dot * q[i][prev];
                        }
                    }
                }
                norm = 0;
                for (int i = 0; i < n; i++) {
                    norm += q[i][col] * q[i][col];
                }
                norm = Math.sqrt(norm);
            } while (norm < 1e-8);
            for (int i = 0; i < n; i++) {
                q[i][col] /= norm;
            }
        }
        return q;
    }

    static double norm(Tensor t) {
        double sum = 0;
        for (long i = 0; i < t.size(); i++) {
            double v = t.getFlat(i);
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    private static void scaleAll(Tensor t, double scale) {
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, scale * t.getFlat(i));
        }
    }
}
