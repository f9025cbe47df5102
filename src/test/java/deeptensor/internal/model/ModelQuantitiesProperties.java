package deeptensor.internal.model;

import deeptensor.internal.kernel.TuckerKernels;
import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import static deeptensor.internal.model.FactorLinksTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Properties;
import deeptensor.testing.Shapes;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The quantities the models expose besides their values — CP component norms, Tucker core slice
 * norms, tensor-train cores — and the package's contraction helper, each against its definition
 * computed with plain loops.
 */
class ModelQuantitiesProperties {

    private static void near(double expected, double actual, double scale, String what) {
        if (!(Math.abs(expected - actual) <= 1e-12 * scale + 1e-300)) {
            fail(what + ": " + actual + ", expected " + expected);
        }
    }

    /** {@code ‖W_r‖ = Π_n ‖w_r^n‖}, each factor the product of its chain's links, from the current parameters. */
    @Test
    void componentNormsAreProductsOfColumnNorms() {
        Properties.qt(80).forAll(Shapes.shapes(2, 5, 4, 200), integers().between(1, 4), integers().between(0, 5), longs().all())
                .checkAssert((dims, rank, formChoice, seed) -> {
                    FactorForm form = switch (formChoice % 3) {
                        case 0 -> FactorForm.direct();
                        case 1 -> FactorForm.sharedChain(2 + formChoice / 3);
                        default -> FactorForm.columnChains(2 + formChoice / 3);
                    };
                    try (CpModel model = Models.build(CP.shallow().rank(rank).factorForm(form), Shape.of(dims))) {
                        double[] norms = new double[rank];
                        for (int round = 0; round < 2; round++) {
                            // new parameters, no forward pass in between: componentNorms must make its own
                            Fixtures.randomize(model, new SplittableRandom(seed + round), 1.0);
                            model.componentNorms(norms);
                            for (int r = 0; r < rank; r++) {
                                double expected = 1;
                                for (Factor factor : model.factors()) {
                                    double[][] f = Oracle.factorMatrix(factor, false);
                                    double sum = 0;
                                    for (double[] row : f) {
                                        sum += row[r] * row[r];
                                    }
                                    expected *= Math.sqrt(sum);
                                }
                                near(expected, norms[r], expected, model.describe() + ": norm of component " + r);
                            }
                        }
                    }
                });
    }

    /** Entry {@code j} of {@code sliceNorms(x, mode)} is the norm of all entries whose index on {@code mode} is {@code j}. */
    @Test
    void sliceNormsAreNormsOfSlices() {
        Properties.qt(200).forAll(Shapes.shapes(1, 6, 5, 500), integers().between(0, 5), longs().all()).checkAssert((dims, modeChoice, seed) -> {
            int mode = modeChoice % dims.length;
            Shape shape = Shape.of(dims);
            try (Tensor x = Tensor.uniform(seed, -1, 1, dims)) {
                double[] expected = new double[dims[mode]];
                int[] index = new int[dims.length];
                for (long i = 0; i < shape.size(); i++) {
                    shape.index(i, index);
                    expected[index[mode]] += x.getFlat(i) * x.getFlat(i);
                }
                double[] actual = TuckerModel.sliceNorms(x, mode);
                assertEquals(dims[mode], actual.length);
                for (int j = 0; j < expected.length; j++) {
                    near(Math.sqrt(expected[j]), actual[j], Math.sqrt(expected[j]), shape + ", mode " + mode + ", slice " + j);
                }
            }
        });
    }

    @Test
    void tuckerCoreIsTheParameterBlockG() {
        Shape shape = Shape.of(3, 4, 2);
        try (TuckerModel model = Models.build(Tucker.deep(2).ranks(2, 3, 2), shape)) {
            Fixtures.randomize(model, new SplittableRandom(3), 1.0);
            Parameters.Block block = model.parameters().blocks().get(model.coreBlock());
            assertEquals("G", block.name());
            assertArrayEquals(new int[] {2, 3, 2}, block.dims());
            assertEquals(Shape.of(2, 3, 2), model.core().shape());
            for (int j = 0; j < block.size(); j++) {
                assertEquals(model.parameters().values().getFlat(block.offset() + j), model.core().getFlat(j));
            }
            for (int mode = 0; mode < 3; mode++) {
                assertArrayEquals(TuckerModel.sliceNorms(model.core(), mode), model.coreSliceNorms(mode));
            }
            assertMessage(IllegalArgumentException.class, "mode 3 does not exist in a tensor of shape 2×3×2", () -> model.coreSliceNorms(3));
            assertMessage(IllegalArgumentException.class, "mode -1 does not exist in a tensor of shape 2×3×2", () -> model.coreSliceNorms(-1));
        }
    }

    /** Core {@code k} is the {@code r_k × d_k × r_{k+1}} reading of factor {@code k}'s matrix ({@code (a·d_k + i, b)}). */
    @Test
    void tensorTrainCoresAreTheFactorsReshaped() {
        Shape shape = Shape.of(3, 2, 4);
        try (TensorTrainModel model = Models.build(TensorTrain.deep(2).ranks(1, 2, 3, 1), shape)) {
            Fixtures.randomize(model, new SplittableRandom(4), 1.0);
            model.forwardFactors();
            int[] ranks = model.ranks();
            for (int k = 0; k < 3; k++) {
                Tensor core = model.core(k);
                assertEquals(Shape.of(ranks[k], shape.dim(k), ranks[k + 1]), core.shape());
                double[][] f = Oracle.factorMatrix(model.factors().get(k), false);
                for (int a = 0; a < ranks[k]; a++) {
                    for (int i = 0; i < shape.dim(k); i++) {
                        for (int b = 0; b < ranks[k + 1]; b++) {
                            near(f[a * shape.dim(k) + i][b], core.get(a, i, b), Math.abs(f[a * shape.dim(k) + i][b]) + 1e-300,
                                    "core " + k + " entry " + a + "," + i + "," + b);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code out[a, b] = Σ x[.., a, ..] · y[.., b, ..]} over all modes but {@code mode}, for every mode
     * of orders 1–5, run twice with new contents (the views are made once) into an output holding garbage.
     */
    @Test
    void contractionOverAllModesButOneFollowsItsDefinition() {
        Properties.qt(200).forAll(Shapes.shapes(1, 5, 4, 300), integers().between(0, 4), integers().between(1, 5), longs().all())
                .checkAssert((dims, modeChoice, b, seed) -> {
                    int mode = modeChoice % dims.length;
                    Shape xs = Shape.of(dims), ys = xs.withDim(mode, b);
                    try (Tensor x = Tensor.zeros(xs); Tensor y = Tensor.zeros(ys); Tensor out = Tensor.zeros(dims[mode], b)) {
                        SplittableRandom random = new SplittableRandom(seed);
                        for (int round = 0; round < 4; round++) {
                            // Rounds alternate the reference kernel and the chosen one.
                            TuckerKernels kernels = round % 2 == 0 ? TuckerKernels.scalar() : TuckerKernels.chosen();
                            for (long i = 0; i < x.size(); i++) {
                                x.setFlat(i, random.nextDouble(-1, 1));
                            }
                            for (long i = 0; i < y.size(); i++) {
                                y.setFlat(i, random.nextDouble(-1, 1));
                            }
                            out.fill(1e6);
                            kernels.contractAllButMode(x, y, mode, out);
                            double[][] expected = new double[dims[mode]][b], scale = new double[dims[mode]][b];
                            int[] ix = new int[dims.length];
                            for (long i = 0; i < x.size(); i++) {
                                xs.index(i, ix);
                                int a = ix[mode];
                                for (int j = 0; j < b; j++) {
                                    ix[mode] = j;
                                    double yv = y.getFlat(ys.offset(ix));
                                    expected[a][j] += x.getFlat(i) * yv;
                                    scale[a][j] += Math.abs(x.getFlat(i) * yv);
                                }
                            }
                            for (int a = 0; a < dims[mode]; a++) {
                                for (int j = 0; j < b; j++) {
                                    near(expected[a][j], out.get(a, j), 10 * scale[a][j], xs + " and " + ys + " over all modes but " + mode
                                            + ": entry " + a + "," + j);
                                }
                            }
                        }
                    }
                });
    }

    @Test
    void contractionChecksItsShapes() {
        try (Tensor x = Tensor.zeros(2, 3, 4); Tensor y = Tensor.zeros(2, 5, 4); Tensor yBad0 = Tensor.zeros(3, 5, 4);
             Tensor yBad2 = Tensor.zeros(2, 5, 3); Tensor out = Tensor.zeros(3, 5); Tensor outRows = Tensor.zeros(2, 5);
             Tensor outCols = Tensor.zeros(3, 4)) {
            for (TuckerKernels kernels : new TuckerKernels[] {TuckerKernels.scalar(), TuckerKernels.chosen()}) {
                kernels.contractAllButMode(x, y, 1, out);
                assertMessage(IllegalArgumentException.class, "contraction over all modes but 1: shapes 2×3×4 and 3×5×4 differ on mode 0",
                        () -> kernels.contractAllButMode(x, yBad0, 1, out));
                assertMessage(IllegalArgumentException.class, "contraction over all modes but 1: shapes 2×3×4 and 2×5×3 differ on mode 2",
                        () -> kernels.contractAllButMode(x, yBad2, 1, out));
                assertMessage(IllegalArgumentException.class, "contraction output has shape 2×5; shape 3×5 was expected",
                        () -> kernels.contractAllButMode(x, y, 1, outRows));
                assertMessage(IllegalArgumentException.class, "contraction output has shape 3×4; shape 3×5 was expected",
                        () -> kernels.contractAllButMode(x, y, 1, outCols));
            }
        }
    }
}
