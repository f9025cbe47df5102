package deeptensor.internal.model;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The models written out as plain loops over plain arrays, from nothing but the parameters as
 * {@link Factor#get} shows them and the documented definitions: a factor is the product of its
 * chain's links (placed in the columns {@link Factor#chainColumns} names), CP is
 * {@code Σ_r Π_n F^n[i_n, r]}, Tucker {@code Σ_j G[j] Π_n U^n[i_n, j_n]}, and a tensor train
 * {@code G_1[i_1] ⋯ G_N[i_N]} with {@code G_k[a, i, b]} the entry {@code (a·d_k + i, b)} of factor {@code k}.
 * No kernel, no model buffer: what the model computes is compared with this.
 *
 * <p>Every value comes with its magnitude (the same sum over absolute values), the scale for the
 * tolerance (see {@code deeptensor.testing.Close}).
 */
final class Oracle {

    private Oracle() {
    }

    /** {@code a · b} by the definition. */
    static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    /** Link {@code link} of chain {@code chain}, read entry by entry. */
    static double[][] link(Factor factor, int chain, int link) {
        double[][] m = new double[factor.linkRows(link)][factor.linkCols(link)];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = factor.get(chain, link, i, j);
            }
        }
        return m;
    }

    /** The end-to-end matrix of a factor: each chain's product of links, in the columns it produces. */
    static double[][] factorMatrix(Factor factor, boolean abs) {
        double[][] f = new double[factor.rows()][factor.cols()];
        for (int c = 0; c < factor.chains(); c++) {
            double[][] product = absIf(link(factor, c, 0), abs);
            for (int l = 1; l < factor.depth(); l++) {
                product = multiply(absIf(link(factor, c, l), abs), product);
            }
            int[] columns = factor.chainColumns(c);
            if (product.length != factor.rows() || product[0].length != columns[1]) {
                throw new AssertionError("chain " + c + " of " + factor + " makes a " + product.length + "×" + product[0].length
                        + " matrix for " + columns[1] + " columns");
            }
            for (int i = 0; i < factor.rows(); i++) {
                for (int j = 0; j < columns[1]; j++) {
                    f[i][columns[0] + j] = product[i][j];
                }
            }
        }
        return f;
    }

    private static double[][] absIf(double[][] m, boolean abs) {
        if (!abs) {
            return m;
        }
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = Math.abs(out[i][j]);
            }
        }
        return out;
    }

    /** The model's factors (and Tucker core) as plain arrays, ready to evaluate entries. */
    static final class Snapshot {
        final Model model;
        final double[][][] factors;
        final double[] core;
        final Shape coreShape;

        Snapshot(Model model, boolean abs) {
            this.model = model;
            this.factors = new double[model.factors().size()][][];
            for (int n = 0; n < factors.length; n++) {
                factors[n] = factorMatrix(model.factors().get(n), abs);
            }
            if (model instanceof TuckerModel tucker) {
                coreShape = tucker.coreShape();
                core = new double[(int) coreShape.size()];
                for (int j = 0; j < core.length; j++) {
                    // The core is read through the flat parameter vector at the core block's offset.
                    Parameters.Block block = tucker.parameters().blocks().get(tucker.coreBlock());
                    double v = tucker.parameters().values().getFlat(block.offset() + j);
                    core[j] = abs ? Math.abs(v) : v;
                }
            } else {
                coreShape = null;
                core = null;
            }
        }

        /** The model's entry at {@code index}. */
        double entry(int[] index) {
            Shape shape = model.shape();
            int order = shape.order();
            return switch (model) {
                case CpModel cp -> {
                    double sum = 0;
                    for (int r = 0; r < cp.rank(); r++) {
                        double term = 1;
                        for (int n = 0; n < order; n++) {
                            term *= factors[n][index[n]][r];
                        }
                        sum += term;
                    }
                    yield sum;
                }
                case TuckerModel tucker -> {
                    double sum = 0;
                    int[] j = new int[order];
                    for (int flat = 0; flat < core.length; flat++) {
                        coreShape.index(flat, j);
                        double term = core[flat];
                        for (int n = 0; n < order; n++) {
                            term *= factors[n][index[n]][j[n]];
                        }
                        sum += term;
                    }
                    yield sum;
                }
                case TensorTrainModel tt -> {
                    int[] ranks = tt.ranks();
                    double[] row = {1.0};
                    for (int k = 0; k < order; k++) {
                        double[] next = new double[ranks[k + 1]];
                        for (int a = 0; a < ranks[k]; a++) {
                            for (int b = 0; b < ranks[k + 1]; b++) {
                                next[b] += row[a] * factors[k][a * shape.dim(k) + index[k]][b];
                            }
                        }
                        row = next;
                    }
                    yield row[0];
                }
                default -> throw new AssertionError("no oracle for " + model);
            };
        }

        /** The whole tensor, row-major. */
        double[] dense() {
            Shape shape = model.shape();
            double[] out = new double[(int) shape.size()];
            int[] index = new int[shape.order()];
            for (int flat = 0; flat < out.length; flat++) {
                shape.index(flat, index);
                out[flat] = entry(index);
            }
            return out;
        }

        /** The model at each coordinate. */
        double[] at(Coordinates at) {
            double[] out = new double[at.count()];
            int[] index = new int[at.shape().order()];
            for (int e = 0; e < out.length; e++) {
                for (int n = 0; n < index.length; n++) {
                    index[n] = at.index(e, n);
                }
                out[e] = entry(index);
            }
            return out;
        }
    }

    /** The mean squared error at the coordinates, from the parameters as they are now. */
    static double loss(Model model, Coordinates at, Tensor targets) {
        double[] w = new Snapshot(model, false).at(at);
        double sum = 0;
        for (int e = 0; e < w.length; e++) {
            double diff = w[e] - targets.getFlat(e);
            sum += diff * diff;
        }
        return sum / w.length;
    }

    /**
     * The gradient of {@link #loss} with respect to every parameter, by central differences of the
     * oracle loss. The model is linear in each single parameter, so the loss is exactly quadratic
     * along each coordinate and the central difference has no truncation error for any step: only
     * rounding, which a step of order one keeps small.
     */
    static double[] gradient(Model model, Coordinates at, Tensor targets, double step) {
        Tensor values = model.parameters().values();
        double[] g = new double[(int) values.size()];
        for (int p = 0; p < g.length; p++) {
            double saved = values.getFlat(p);
            values.setFlat(p, saved + step);
            double plus = loss(model, at, targets);
            values.setFlat(p, saved - step);
            double minus = loss(model, at, targets);
            values.setFlat(p, saved);
            g[p] = (plus - minus) / (2 * step);
        }
        return g;
    }
}
