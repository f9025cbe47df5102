package deeptensor.internal.kernel;

import deeptensor.kernel.TensorOps;
import static deeptensor.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Shapes;
import deeptensor.testing.Tensors;
import deeptensor.testing.NonFinite;
import deeptensor.testing.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Algebraic identities that define the reference kernels: each property computes one quantity two
 * independent ways and compares them under the tolerance policy of {@link deeptensor.testing.Close}.
 */
class ScalarKernelProperties {

    private final AllKernels k = AllKernels.scalar();

    /** Orders 1–6, modes of 1–40, at most 3000 elements. */
    private static final Gen<int[]> SHAPES = Shapes.shapes(1, 6, 40, 3000);
    /** As {@link #SHAPES}, orders 2–6 (two distinct modes). */
    private static final Gen<int[]> SHAPES_2_TO_6 = Shapes.shapes(2, 6, 40, 3000);
    /** Small cores: orders 1–6, modes of 1–6, at most 200 elements. */
    private static final Gen<int[]> CORE_SHAPES = Shapes.shapes(1, 6, 6, 200);
    private static final Gen<Long> SEEDS = longs().all();

    private static int mode(long seed, int order, int salt) {
        return new SplittableRandom(seed + salt).nextInt(order);
    }

    /** A new J×I matrix. */
    private static Tensor matrix(Tensors t, long seed, int rows, int cols) {
        return t.random(seed, rows, cols);
    }

    private void modeProduct(Tensors t, Tensor x, int mode, Tensor u, Tensor[] out) {
        out[0] = t.zeros(x.shape().withDim(mode, u.rows()));
        k.modeProduct(x, mode, u, out[0]);
    }

    private Tensor product(Tensors t, Tensor x, int mode, Tensor u) {
        Tensor[] out = new Tensor[1];
        modeProduct(t, x, mode, u, out);
        return out[0];
    }

    @Test
    void modeProductsOnDistinctModesCommute() {
        Properties.qt(150).forAll(SHAPES_2_TO_6, SEEDS, integers().between(1, 9), integers().between(1, 9)).checkAssert((dims, seed, j1, j2) -> {
            try (Tensors t = new Tensors()) {
                Tensor x = t.random(seed, dims);
                int m = mode(seed, dims.length, 1);
                int n = (m + 1 + mode(seed, dims.length - 1, 2)) % dims.length;
                Tensor u = matrix(t, seed + 3, j1, dims[m]);
                Tensor v = matrix(t, seed + 4, j2, dims[n]);
                Tensor uv = product(t, product(t, x, m, u), n, v);
                Tensor vu = product(t, product(t, x, n, v), m, u);
                Tensor magnitude = product(t, product(t, t.abs(x), m, t.abs(u)), n, t.abs(v));
                assertClose(uv, vu, magnitude, "(X ×" + m + " U) ×" + n + " V vs (X ×" + n + " V) ×" + m + " U");
            }
        });
    }

    @Test
    void twoProductsOnOneModeEqualTheProductOfTheMatrices() {
        Properties.qt(150).forAll(SHAPES, SEEDS, integers().between(1, 9), integers().between(1, 9)).checkAssert((dims, seed, j1, j2) -> {
            try (Tensors t = new Tensors()) {
                Tensor x = t.random(seed, dims);
                int n = mode(seed, dims.length, 1);
                Tensor u = matrix(t, seed + 3, j1, dims[n]);
                Tensor v = matrix(t, seed + 4, j2, j1);
                Tensor vu = t.zeros(Shape.of(j2, dims[n]));
                k.gemm(1, v, false, u, false, 0, vu);
                Tensor stepwise = product(t, product(t, x, n, u), n, v);
                Tensor combined = product(t, x, n, vu);
                Tensor magnitude = product(t, product(t, t.abs(x), n, t.abs(u)), n, t.abs(v));
                assertClose(stepwise, combined, magnitude, "(X ×n U) ×n V vs X ×n (V·U), mode " + n);
            }
        });
    }

    @Test
    void modeProductIsLinearInTheTensorAndTheMatrix() {
        Properties.qt(150).forAll(SHAPES, SEEDS, integers().between(1, 9)).checkAssert((dims, seed, j) -> {
            try (Tensors t = new Tensors()) {
                int n = mode(seed, dims.length, 1);
                Tensor x = t.random(seed, dims), y = t.random(seed + 1, dims);
                Tensor u = matrix(t, seed + 2, j, dims[n]), v = matrix(t, seed + 3, j, dims[n]);
                double a = 1.5, b = -0.75;
                Tensor magnitude = t.combine(Math.abs(a), product(t, t.abs(x), n, t.abs(u)), Math.abs(b), product(t, t.abs(y), n, t.abs(u)));
                assertClose(t.combine(a, product(t, x, n, u), b, product(t, y, n, u)), product(t, t.combine(a, x, b, y), n, u),
                        magnitude, "linearity in X");
                Tensor magnitudeU = t.combine(Math.abs(a), product(t, t.abs(x), n, t.abs(u)), Math.abs(b), product(t, t.abs(x), n, t.abs(v)));
                assertClose(t.combine(a, product(t, x, n, u), b, product(t, x, n, v)), product(t, x, n, t.combine(a, u, b, v)),
                        magnitudeU, "linearity in U");
            }
        });
    }

    @Test
    void foldInvertsUnfoldAndUnfoldMatchesItsDefinition() {
        Properties.qt(150).forAll(SHAPES, SEEDS).checkAssert((dims, seed) -> {
            try (Tensors t = new Tensors()) {
                Tensor x = t.random(seed, dims);
                for (int n = 0; n < dims.length; n++) {
                    Tensor unfolded = t.zeros(TensorOps.unfoldedShape(x.shape(), n));
                    k.unfold(x, n, unfolded);
                    // Definition: row i of X_(n) lists the elements with index i on mode n in row-major
                    // order of the other modes (TensorLy: moveaxis(X, n, 0).reshape(I_n, -1)).
                    int[] nextColumn = new int[dims[n]];
                    int[] index = new int[dims.length];
                    for (long offset = 0; offset < x.size(); offset++) {
                        x.shape().index(offset, index);
                        int row = index[n];
                        assertEquals(x.getFlat(offset), unfolded.get(row, nextColumn[row]++), "X_(" + n + ") at " + offset);
                    }
                    Tensor folded = t.zeros(x.shape());
                    k.fold(unfolded, n, folded);
                    deeptensor.testing.Close.assertIdentical(x, folded, "fold(unfold(X, " + n + "), " + n + ")");
                }
            }
        });
    }

    @Test
    void tuckerReconstructionEqualsModeProductsInAnyOrder() {
        Properties.qt(150).forAll(CORE_SHAPES, SEEDS).checkAssert((coreDims, seed) -> {
            try (Tensors t = new Tensors()) {
                Tensor core = t.random(seed, coreDims);
                SplittableRandom random = new SplittableRandom(seed);
                Tensor[] factors = new Tensor[coreDims.length];
                Tensor[] absFactors = new Tensor[coreDims.length];
                int[] outDims = new int[coreDims.length];
                for (int n = 0; n < coreDims.length; n++) {
                    outDims[n] = 1 + random.nextInt(9);
                }
                outDims = Shapes.fitBudget(outDims, 3000); // order 6 would otherwise reach 9⁶ elements
                for (int n = 0; n < coreDims.length; n++) {
                    factors[n] = matrix(t, seed + 10 + n, outDims[n], coreDims[n]);
                    absFactors[n] = t.abs(factors[n]);
                }
                Tensor out = t.zeros(Shape.of(outDims));
                Tensor workspace = t.zeros(Shape.of((int) TensorOps.multiModeWorkspace(core.shape(), factors)));
                ModeProductPlan.of(core, factors, workspace).run(k, out);
                int[] order = permutation(random, coreDims.length);
                Tensor chain = core, magnitude = t.abs(core);
                for (int n : order) {
                    chain = product(t, chain, n, factors[n]);
                    magnitude = product(t, magnitude, n, absFactors[n]);
                }
                assertClose(chain, out, magnitude, "Tucker reconstruction vs mode products in order " + java.util.Arrays.toString(order));
            }
        });
    }

    private static int[] permutation(SplittableRandom random, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = p[i];
            p[i] = p[j];
            p[j] = swap;
        }
        return p;
    }

    @Test
    void cpReconstructionEqualsTuckerWithASuperdiagonalCore() {
        Properties.qt(150).forAll(SHAPES, SEEDS, integers().between(1, 6)).checkAssert((dims, seed, rank) -> {
            try (Tensors t = new Tensors()) {
                Tensor[] factors = cpFactors(t, dims, rank, seed);
                int[] coreDims = new int[dims.length];
                java.util.Arrays.fill(coreDims, rank);
                Tensor core = t.zeros(Shape.of(coreDims));
                int[] diagonal = new int[dims.length];
                for (int r = 0; r < rank; r++) {
                    java.util.Arrays.fill(diagonal, r);
                    core.set(1.0, diagonal);
                }
                Tensor cp = t.zeros(Shape.of(dims));
                k.cpReconstruct(factors, cp);
                Tensor tucker = t.zeros(Shape.of(dims));
                ModeProductPlan.of(core, factors, t.zeros(Shape.of((int) TensorOps.multiModeWorkspace(core.shape(), factors)))).run(k, tucker);
                Tensor magnitude = t.zeros(Shape.of(dims));
                k.cpReconstruct(t.abs(factors), magnitude);
                assertClose(tucker, cp, magnitude, "CP vs Tucker with superdiagonal core");
            }
        });
    }

    private static Tensor[] cpFactors(Tensors t, int[] dims, int rank, long seed) {
        Tensor[] factors = new Tensor[dims.length];
        for (int n = 0; n < dims.length; n++) {
            factors[n] = matrix(t, seed + 100 + n, dims[n], rank);
        }
        return factors;
    }

    @Test
    void mttkrpEqualsUnfoldingTimesKhatriRao() {
        Properties.qt(150).forAll(SHAPES_2_TO_6, SEEDS, integers().between(1, 6)).checkAssert((dims, seed, rank) -> {
            try (Tensors t = new Tensors()) {
                Tensor x = t.random(seed, dims);
                Tensor[] factors = cpFactors(t, dims, rank, seed);
                for (int n = 0; n < dims.length; n++) {
                    Tensor fast = t.zeros(Shape.of(dims[n], rank));
                    k.mttkrp(x, factors, n, fast);
                    Tensor[] others = new Tensor[dims.length - 1];
                    for (int m = 0, j = 0; m < dims.length; m++) {
                        if (m != n) {
                            others[j++] = factors[m];
                        }
                    }
                    Tensor unfolded = t.zeros(TensorOps.unfoldedShape(x.shape(), n));
                    k.unfold(x, n, unfolded);
                    Tensor kr = t.zeros(Shape.of(unfolded.cols(), rank));
                    k.khatriRao(others, kr);
                    Tensor slow = t.zeros(Shape.of(dims[n], rank));
                    k.gemm(1, unfolded, false, kr, false, 0, slow);
                    Tensor absKr = t.zeros(kr.shape());
                    k.khatriRao(t.abs(others), absKr);
                    Tensor magnitude = t.zeros(slow.shape());
                    k.gemm(1, t.abs(unfolded), false, absKr, false, 0, magnitude);
                    assertClose(slow, fast, magnitude, "MTTKRP mode " + n);
                }
            }
        });
    }

    @Test
    void khatriRaoColumnsAreKroneckerProducts() {
        Properties.qt(150).forAll(SHAPES, SEEDS, integers().between(1, 5)).checkAssert((rows, seed, rank) -> {
            try (Tensors t = new Tensors()) {
                Tensor[] matrices = cpFactors(t, rows, rank, seed);
                Tensor kr = t.zeros(Shape.of((int) Shapes.product(rows), rank));
                k.khatriRao(matrices, kr);
                // Column r of the Khatri-Rao product is the row-major flattening of the outer product of
                // the columns r, i.e. a rank-one CP tensor.
                for (int r = 0; r < rank; r++) {
                    Tensor[] columns = new Tensor[rows.length];
                    for (int n = 0; n < rows.length; n++) {
                        columns[n] = t.zeros(Shape.of(rows[n], 1));
                        for (int i = 0; i < rows[n]; i++) {
                            columns[n].set(matrices[n].get(i, r), i, 0);
                        }
                    }
                    Tensor outer = t.zeros(Shape.of(rows));
                    k.cpReconstruct(columns, outer);
                    for (long i = 0; i < outer.size(); i++) {
                        assertEquals(outer.getFlat(i), kr.get((int) i, r), "Khatri-Rao row " + i + " column " + r);
                    }
                }
            }
        });
    }

    @Test
    void gramAndTransposedGemmAgree() {
        Properties.qt(150).forAll(integers().between(1, 40), integers().between(1, 40), integers().between(1, 40), SEEDS).checkAssert((rows, cols, inner, seed) -> {
            try (Tensors t = new Tensors()) {
                Tensor a = t.random(seed, inner, rows), b = t.random(seed + 1, cols, inner);
                // (Aᵀ·Bᵀ) = (B·A)ᵀ, computed with the transpose flags both ways.
                Tensor atbt = t.zeros(Shape.of(rows, cols));
                k.gemm(1, a, true, b, true, 0, atbt);
                Tensor ba = t.zeros(Shape.of(cols, rows));
                k.gemm(1, b, false, a, false, 0, ba);
                Tensor magnitude = t.zeros(Shape.of(rows, cols));
                k.gemm(1, t.abs(a), true, t.abs(b), true, 0, magnitude);
                Tensor baT = t.zeros(Shape.of(rows, cols));
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        baT.set(ba.get(j, i), i, j);
                    }
                }
                assertClose(baT, atbt, magnitude, "Aᵀ·Bᵀ vs (B·A)ᵀ");
                Tensor gram = t.zeros(Shape.of(rows, rows));
                k.gram(a, gram);
                Tensor ata = t.zeros(Shape.of(rows, rows));
                k.gemm(1, a, true, a, false, 0, ata);
                Tensor gramMagnitude = t.zeros(Shape.of(rows, rows));
                k.gemm(1, t.abs(a), true, t.abs(a), false, 0, gramMagnitude);
                assertClose(ata, gram, gramMagnitude, "Gram vs Aᵀ·A");
                // alpha and beta: C = 2·A_ᵀ·Bᵀ − 3·C.
                Tensor c = t.random(seed + 2, rows, cols);
                Tensor expected = t.combine(2, atbt, -3, c);
                k.gemm(2, a, true, b, true, -3, c);
                assertClose(expected, c, t.combine(2, magnitude, 3, t.abs(expected)), "alpha/beta");
            }
        });
    }

    /** The non-finite contract of gemm (see {@link Kernels}): BLAS's alpha = 0 and beta = 0 rules, IEEE kinds otherwise. */
    @Test
    void gemmFollowsTheNonFiniteContract() {
        Gen<Integer> size = integers().between(0, 20);
        Gen<int[]> sizes = size.zip(size, size, (m, n, depth) -> new int[] {m, n, depth}).describedAs(java.util.Arrays::toString);
        Gen<double[]> scales = integers().between(0, NonFinite.SCALES.length - 1).zip(integers().between(0, NonFinite.SCALES.length - 1),
                (alpha, beta) -> new double[] {NonFinite.SCALES[alpha], NonFinite.SCALES[beta]}).describedAs(java.util.Arrays::toString);
        Gen<boolean[]> transposes = booleans().all().zip(booleans().all(), (ta, tb) -> new boolean[] {ta, tb})
                .describedAs(java.util.Arrays::toString);
        Properties.qt(200).forAll(sizes, transposes, scales, SEEDS).checkAssert((mnk, ts, ab, seed) ->
                NonFinite.assertGemmContract(k, seed, mnk[0], mnk[1], mnk[2], ts[0], ts[1], ab[0], ab[1]));
    }

    // ------------------------------------------------------------------ sampled evaluation & adjoints

    private static Coordinates randomCoordinates(Tensors t, Shape shape, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] offsets = new long[count];
        for (int e = 0; e < count; e++) {
            offsets[e] = random.nextLong(shape.size()); // repeats allowed: they must add up in scatters
        }
        return t.add(Coordinates.ofOffsets(shape, offsets));
    }

    @Test
    void cpEvaluationMatchesReconstructionAndScatterIsItsAdjoint() {
        Properties.qt(120).forAll(SHAPES, SEEDS, integers().between(1, 5), integers().between(0, 60)).checkAssert((dims, seed, rank, count) -> {
            try (Tensors t = new Tensors()) {
                Shape shape = Shape.of(dims);
                Tensor[] factors = cpFactors(t, dims, rank, seed);
                Coordinates at = randomCoordinates(t, shape, count, seed);
                Tensor dense = t.zeros(shape), denseMagnitude = t.zeros(shape);
                k.cpReconstruct(factors, dense);
                k.cpReconstruct(t.abs(factors), denseMagnitude);
                Tensor values = t.zeros(Shape.of(count));
                k.cpEvaluate(factors, at, values);
                for (int e = 0; e < count; e++) {
                    assertClose(dense.getFlat(at.offset(e)), values.getFlat(e), denseMagnitude.getFlat(at.offset(e)), "CP at entry " + e);
                }
                Tensor y = t.random(seed + 7, count);
                for (int n = 0; n < dims.length; n++) {
                    Tensor x = t.random(seed + 8 + n, dims[n], rank);
                    Tensor[] withX = factors.clone();
                    withX[n] = x;
                    Tensor ax = t.zeros(Shape.of(count));
                    k.cpEvaluate(withX, at, ax);
                    Tensor aty = t.zeros(Shape.of(dims[n], rank));
                    k.cpScatter(factors, n, at, y, aty);
                    Tensor absAty = t.zeros(aty.shape());
                    Tensor[] absFactors = t.abs(factors);
                    k.cpScatter(absFactors, n, at, t.abs(y), absAty);
                    assertClose(Tensors.dot(ax, y), Tensors.dot(x, aty), Tensors.absDot(t.abs(x), absAty), "⟨A x, y⟩ = ⟨x, Aᵀy⟩ for CP factor " + n);
                }
            }
        });
    }

    @Test
    void tuckerEvaluationMatchesReconstructionAndScattersAreAdjoints() {
        Properties.qt(120).forAll(CORE_SHAPES, SEEDS, integers().between(0, 40)).checkAssert((coreDims, seed, count) -> {
            try (Tensors t = new Tensors()) {
                SplittableRandom random = new SplittableRandom(seed);
                int[] dims = new int[coreDims.length];
                Tensor[] factors = new Tensor[coreDims.length];
                for (int n = 0; n < dims.length; n++) {
                    dims[n] = 1 + random.nextInt(7);
                }
                dims = Shapes.fitBudget(dims, 3000);
                for (int n = 0; n < dims.length; n++) {
                    factors[n] = matrix(t, seed + 20 + n, dims[n], coreDims[n]);
                }
                Shape shape = Shape.of(dims);
                Tensor core = t.random(seed, coreDims);
                Coordinates at = randomCoordinates(t, shape, count, seed);
                Tensor dense = t.zeros(shape), magnitude = t.zeros(shape);
                ModeProductPlan.of(core, factors, t.zeros(Shape.of((int) TensorOps.multiModeWorkspace(core.shape(), factors)))).run(k, dense);
                ModeProductPlan.of(t.abs(core), t.abs(factors), t.zeros(Shape.of((int) TensorOps.multiModeWorkspace(core.shape(), factors))))
                        .run(k, magnitude);
                Tensor values = t.zeros(Shape.of(count));
                k.tuckerEvaluate(core, factors, at, values);
                for (int e = 0; e < count; e++) {
                    assertClose(dense.getFlat(at.offset(e)), values.getFlat(e), magnitude.getFlat(at.offset(e)), "Tucker at entry " + e);
                }
                Tensor y = t.random(seed + 7, count);
                // Core: the evaluation is linear in the core.
                Tensor x = t.random(seed + 9, coreDims);
                Tensor ax = t.zeros(Shape.of(count));
                k.tuckerEvaluate(x, factors, at, ax);
                Tensor aty = t.zeros(core.shape()), absAty = t.zeros(core.shape());
                k.tuckerScatterCore(factors, at, y, aty);
                k.tuckerScatterCore(t.abs(factors), at, t.abs(y), absAty);
                assertClose(Tensors.dot(ax, y), Tensors.dot(x, aty), Tensors.absDot(t.abs(x), absAty), "Tucker core adjoint");
                for (int n = 0; n < dims.length; n++) {
                    Tensor xn = matrix(t, seed + 30 + n, dims[n], coreDims[n]);
                    Tensor[] withX = factors.clone();
                    withX[n] = xn;
                    k.tuckerEvaluate(core, withX, at, ax);
                    Tensor atyn = t.zeros(xn.shape()), absAtyn = t.zeros(xn.shape());
                    k.tuckerScatterFactor(core, factors, n, at, y, atyn);
                    k.tuckerScatterFactor(t.abs(core), t.abs(factors), n, at, t.abs(y), absAtyn);
                    assertClose(Tensors.dot(ax, y), Tensors.dot(xn, atyn), Tensors.absDot(t.abs(xn), absAtyn), "Tucker factor " + n + " adjoint");
                }
            }
        });
    }

    @Test
    void ttEvaluationMatchesADenseContractionAndScatterIsItsAdjoint() {
        Properties.qt(120).forAll(CORE_SHAPES, SEEDS, integers().between(0, 40)).checkAssert((dims, seed, count) -> {
            try (Tensors t = new Tensors()) {
                SplittableRandom random = new SplittableRandom(seed);
                Tensor[] cores = new Tensor[dims.length];
                int left = 1;
                for (int c = 0; c < dims.length; c++) {
                    int right = c == dims.length - 1 ? 1 : 1 + random.nextInt(4);
                    cores[c] = t.random(seed + 40 + c, left, dims[c], right);
                    left = right;
                }
                Shape shape = Shape.of(dims);
                Coordinates at = randomCoordinates(t, shape, count, seed);
                Tensor dense = denseTrain(t, cores), magnitude = denseTrain(t, t.abs(cores));
                Tensor values = t.zeros(Shape.of(count));
                k.ttEvaluate(cores, at, values);
                for (int e = 0; e < count; e++) {
                    assertClose(dense.getFlat(at.offset(e)), values.getFlat(e), magnitude.getFlat(at.offset(e)), "TT at entry " + e);
                }
                Tensor y = t.random(seed + 7, count);
                for (int c = 0; c < dims.length; c++) {
                    Tensor x = t.random(seed + 50 + c, cores[c].shape().dims());
                    Tensor[] withX = cores.clone();
                    withX[c] = x;
                    Tensor ax = t.zeros(Shape.of(count));
                    k.ttEvaluate(withX, at, ax);
                    Tensor aty = t.zeros(x.shape()), absAty = t.zeros(x.shape());
                    k.ttScatterCore(cores, c, at, y, aty);
                    k.ttScatterCore(t.abs(cores), c, at, t.abs(y), absAty);
                    assertClose(Tensors.dot(ax, y), Tensors.dot(x, aty), Tensors.absDot(t.abs(x), absAty), "TT core " + c + " adjoint");
                }
            }
        });
    }

    /** The full tensor of a train, by successive GEMMs: (d_1⋯d_k × r_k) · (r_k × d_{k+1} r_{k+1}). */
    private Tensor denseTrain(Tensors t, Tensor[] cores) {
        Tensor partial = cores[0].reshape(cores[0].dim(1), cores[0].dim(2));
        for (int c = 1; c < cores.length; c++) {
            Tensor next = t.zeros(Shape.of(partial.rows(), cores[c].dim(1) * cores[c].dim(2)));
            k.gemm(1, partial, false, cores[c].reshape(cores[c].dim(0), cores[c].dim(1) * cores[c].dim(2)), false, 0, next);
            partial = next.reshape(partial.rows() * cores[c].dim(1), cores[c].dim(2));
        }
        int[] dims = new int[cores.length];
        for (int c = 0; c < cores.length; c++) {
            dims[c] = cores[c].dim(1);
        }
        return partial.reshape(dims);
    }

    @Test
    void scatterIsTheAdjointOfGather() {
        Properties.qt(120).forAll(SHAPES, SEEDS, integers().between(0, 60)).checkAssert((dims, seed, count) -> {
            try (Tensors t = new Tensors()) {
                Shape shape = Shape.of(dims);
                Tensor x = t.random(seed, dims);
                Coordinates at = randomCoordinates(t, shape, count, seed);
                Tensor gathered = t.zeros(Shape.of(count));
                k.gather(x, at, gathered);
                Tensor y = t.random(seed + 1, count);
                Tensor scattered = t.zeros(shape);
                k.scatter(at, y, scattered);
                assertClose(Tensors.dot(gathered, y), Tensors.dot(x, scattered), count == 0 ? 0 : Tensors.absDot(t.abs(x), t.abs(scattered)) + Tensors.absDot(gathered, y),
                        "⟨gather x, y⟩ = ⟨x, scatter y⟩");
            }
        });
    }
}
