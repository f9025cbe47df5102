package deeptensor.internal.kernel.simd;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import deeptensor.internal.kernel.ModeProductPlan;
import deeptensor.internal.kernel.AllKernels;
import deeptensor.internal.kernel.Kernels;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.NonFinite;
import deeptensor.testing.Properties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The Vector API kernels against the scalar oracle, within the bound of {@link Bounds}, over random
 * shapes (zero-size and size-1 modes included; sizes up to 70 along the axes that carry the vectors,
 * so every tail length modulo the lane count occurs), tensor orders 1–6, every mode, every vector
 * width (128, 256, 512 bits, whatever this CPU prefers) and both the single-threaded and the split
 * paths (a split threshold of zero makes even these small calls use two threads). GEMM is also run
 * on sizes either side of each cache block of {@link BlockedGemm} (rows {@value BlockedGemm#MC},
 * columns {@value BlockedGemm#NC}, depth {@value BlockedGemm#KC} and twice that), with
 * {@code beta} ∈ {0, 0.5, 1, −0.5, 2.5}. One case in four mixes NaN, ±∞ and ±0 into the inputs:
 * there every element must be of the same kind (NaN, +∞, −∞) as the oracle's wherever its terms
 * are not all finite (the non-finite contract of {@link Kernels}).
 */
@ExtendWith(VectorModuleRequired.class)
class PanamaKernelsProperties {

    private static final AllKernels SCALAR = AllKernels.scalar();
    private static final Map<String, AllKernels> KERNELS = new ConcurrentHashMap<>();
    private static final double[] ALPHAS = {1.0, 0.0, -0.5, 2.5};
    private static final double[] BETAS = {0.0, 0.5, 1.0, -0.5, 2.5};

    static AllKernels simd(int bits, boolean split) {
        return KERNELS.computeIfAbsent(bits + "/" + split,
                key -> AllKernels.of(split ? PanamaKernels.create(bits, 2, 0) : PanamaKernels.create(bits, 1)));
    }

    /**
     * Where a property runs: the seed of its data, the vector width, whether calls are split between
     * two threads, and whether the inputs mix in NaN, ±∞ and ±0 (one element in eight).
     */
    record Setup(long seed, int bits, boolean split, boolean specials) {

        AllKernels simd() {
            return PanamaKernelsProperties.simd(bits, split);
        }

        Scope scope() {
            return new Scope(seed, specials ? 0.125 : 0);
        }
    }

    /** One setup in four has non-finite inputs. */
    static final Gen<Setup> SETUPS = longs().all().zip(arbitrary().pick(128, 256, 512), booleans().all(),
            Generate.frequency(Pair.of(3, Generate.constant(false)), Pair.of(1, Generate.constant(true))), Setup::new);
    /** Tensor orders: every kernel is compared at orders 1 to 6. */
    static final Gen<Integer> ORDERS = integers().between(1, 6);
    /** Reduced modulo the order: every mode of an order-6 tensor can be drawn. */
    static final Gen<Integer> MODE_DRAWS = integers().between(0, 5);

    /**
     * The largest size of the "other" modes at this order: {@code usual} up to order 4, then smaller,
     * so that an order-6 tensor stays about a thousand elements times the long axis.
     */
    static int side(int order, int usual) {
        return order <= 4 ? usual : Math.min(usual, order == 5 ? 4 : 3);
    }

    /** An order and one of its modes. */
    record OrderMode(int order, int mode) {
    }

    /** Orders {@code minOrder}–6 with every mode of each. */
    static Gen<OrderMode> orderAndMode(int minOrder) {
        return integers().between(minOrder, 6).zip(MODE_DRAWS, (order, draw) -> new OrderMode(order, draw % order));
    }

    // ---------------------------------------------------------------------------------------- GEMM

    /** One GEMM call: transpositions, {@code m × n} result, depth {@code k}, indices into the scales. */
    record GemmCase(boolean transposeA, boolean transposeB, int m, int n, int k, int alphaIndex, int betaIndex) {

        double alpha() {
            return ALPHAS[alphaIndex];
        }

        double beta() {
            return BETAS[betaIndex];
        }
    }

    /** Cases of sizes {m, n, k} drawn from {@code sizes}, with every transposition, alpha and beta. */
    static Gen<GemmCase> gemmCases(Gen<int[]> sizes) {
        Gen<boolean[]> transposes = booleans().all().zip(booleans().all(), (a, b) -> new boolean[] {a, b});
        Gen<int[]> scales = integers().between(0, ALPHAS.length - 1).zip(integers().between(0, BETAS.length - 1),
                (alpha, beta) -> new int[] {alpha, beta});
        return transposes.zip(sizes, scales, (t, d, s) -> new GemmCase(t[0], t[1], d[0], d[1], d[2], s[0], s[1]));
    }

    /** Sizes {m, n, k} of 0–{@code max} each. */
    static Gen<int[]> smallSizes(int max) {
        Gen<Integer> small = integers().between(0, max);
        return small.zip(small, small, (m, n, k) -> new int[] {m, n, k});
    }

    /**
     * Sizes {m, n, k} that straddle the blocks of {@link BlockedGemm}: one or two of them (chosen by
     * a mask: 1 = m, 2 = n, 4 = k) one below, on, or one above a block boundary — rows
     * {@value BlockedGemm#MC}, columns {@value BlockedGemm#NC}, depth {@value BlockedGemm#KC} or
     * twice that (three depth blocks) — and the others 0–40. Never all three at once, which would
     * make the scalar oracle slow without reaching another code path.
     */
    static Gen<int[]> straddlingSizes() {
        Gen<Integer> offset = integers().between(-1, 1);
        Gen<int[]> large = offset.zip(offset, offset, integers().between(1, 2), (dm, dn, dk, depthBlocks) ->
                new int[] {BlockedGemm.MC + dm, BlockedGemm.NC + dn, depthBlocks * BlockedGemm.KC + dk});
        return integers().between(1, 6).zip(large, smallSizes(40), (mask, big, small) -> {
            int[] sizes = new int[3];
            for (int axis = 0; axis < 3; axis++) {
                sizes[axis] = (mask >> axis & 1) == 1 ? big[axis] : small[axis];
            }
            return sizes;
        });
    }

    private static void checkGemm(Setup setup, GemmCase g) {
        checkGemm(setup, g, SCALAR);
    }

    /**
     * The SIMD GEMM against the scalar one; {@code Σ|terms|} for the bound comes from
     * {@code magnitudes} (the scalar kernels, or for large products the single-threaded SIMD ones:
     * it only scales the tolerance, which a lost or doubled term exceeds by orders of magnitude).
     */
    private static void checkGemm(Setup setup, GemmCase g, Kernels magnitudes) {
        try (Scope s = setup.scope()) {
            int m = g.m(), n = g.n(), k = g.k();
            double alpha = g.alpha(), beta = g.beta();
            Tensor a = g.transposeA() ? s.gaussian(k, m) : s.gaussian(m, k);
            Tensor b = g.transposeB() ? s.gaussian(n, k) : s.gaussian(k, n);
            Tensor c0 = beta == 0 ? s.garbage(m, n) : s.gaussian(m, n);
            Tensor ref = s.keep(c0.copy()), got = s.keep(c0.copy());
            Tensor magnitude = beta == 0 ? s.zeros(m, n) : s.abs(c0);
            SCALAR.gemm(alpha, a, g.transposeA(), b, g.transposeB(), beta, ref);
            setup.simd().gemm(alpha, a, g.transposeA(), b, g.transposeB(), beta, got);
            magnitudes.gemm(Math.abs(alpha), s.abs(a), g.transposeA(), s.abs(b), g.transposeB(), Math.abs(beta), magnitude);
            Bounds.assertClose("gemm " + m + "×" + n + "×" + k, ref, got, magnitude, k, 3);
        }
    }

    @Test
    void gemmMatchesOracle() {
        Properties.qt(150).forAll(SETUPS, gemmCases(smallSizes(70))).checkAssert(PanamaKernelsProperties::checkGemm);
    }

    /**
     * Sizes on both sides of every block of {@link BlockedGemm}: a later depth block must add to C
     * (not scale it by beta again), and row and column blocks must each write their own part.
     */
    @Test
    void gemmMatchesOracleAcrossBlockBoundaries() {
        Properties.qt(40).forAll(SETUPS, gemmCases(straddlingSizes()))
                .checkAssert((setup, g) -> checkGemm(setup, g, simd(setup.bits(), false)));
    }

    @Test
    void splitGemmEqualsSingleThreaded() {
        Gen<Integer> depths = Generate.frequency(Pair.of(2, integers().between(0, 40)),
                Pair.of(1, integers().between(BlockedGemm.KC - 1, BlockedGemm.KC + 1)));
        Properties.qt(60).forAll(SETUPS, integers().between(1, 150), integers().between(1, 150), depths)
                .checkAssert((setup, m, n, k) -> {
                    try (Scope s = setup.scope()) {
                        Tensor a = s.gaussian(m, k), b = s.gaussian(k, n), one = s.zeros(m, n), two = s.zeros(m, n);
                        simd(setup.bits(), false).gemm(1.0, a, false, b, false, 0.0, one);
                        simd(setup.bits(), true).gemm(1.0, a, false, b, false, 0.0, two);
                        Bounds.assertIdentical("split gemm", one, two);
                    }
                });
    }

    /**
     * The non-finite contract of gemm (see {@link Kernels}) on the SIMD kernels, against the kinds
     * the terms give (no kernel in the oracle): BLAS's alpha = 0 and beta = 0 rules, IEEE otherwise.
     * Sizes reach past a column strip and past the 8-row micro-kernel, so padded lanes and rows
     * are included.
     */
    @Test
    void gemmFollowsTheNonFiniteContract() {
        Gen<double[]> scales = integers().between(0, NonFinite.SCALES.length - 1).zip(integers().between(0, NonFinite.SCALES.length - 1),
                (alpha, beta) -> new double[] {NonFinite.SCALES[alpha], NonFinite.SCALES[beta]}).describedAs(java.util.Arrays::toString);
        Gen<boolean[]> transposes = booleans().all().zip(booleans().all(), (ta, tb) -> new boolean[] {ta, tb})
                .describedAs(java.util.Arrays::toString);
        Properties.qt(150).forAll(SETUPS, smallSizes(40).describedAs(java.util.Arrays::toString), transposes, scales)
                .checkAssert((setup, mnk, ts, ab) ->
                        NonFinite.assertGemmContract(setup.simd(), setup.seed(), mnk[0], mnk[1], mnk[2], ts[0], ts[1], ab[0], ab[1]));
    }

    // -------------------------------------------------------------------------------- mode product

    @Test
    void modeProductMatchesOracle() {
        Properties.qt(150).forAll(SETUPS, orderAndMode(1), integers().between(0, 40)).checkAssert((setup, om, rows) -> {
            try (Scope s = setup.scope()) {
                int order = om.order(), mode = om.mode();
                int[] dims = s.dims(order, side(order, 5));
                dims[mode] = s.random().nextInt(71);
                dims[order - 1] = s.random().nextInt(mode == order - 1 ? 71 : order <= 4 ? 41 : 9);
                Tensor x = s.gaussian(dims), u = s.gaussian(rows, dims[mode]);
                Shape outShape = x.shape().withDim(mode, rows);
                Tensor ref = s.zeros(outShape.dims()), got = s.garbage(outShape.dims()), magnitude = s.zeros(outShape.dims());
                SCALAR.modeProduct(x, mode, u, ref);
                setup.simd().modeProduct(x, mode, u, got);
                SCALAR.modeProduct(s.abs(x), mode, s.abs(u), magnitude);
                Bounds.assertClose("mode-" + mode + " product of " + x.shape() + " by " + u.shape(), ref, got, magnitude, dims[mode], 2);
            }
        });
    }

    @Test
    void tuckerReconstructionMatchesOracle() {
        Properties.qt(60).forAll(SETUPS, ORDERS).checkAssert((setup, order) -> {
            try (Scope s = setup.scope()) {
                int[] ranks = s.dims(order, side(order, 5));
                Tensor core = s.gaussian(ranks);
                Tensor[] factors = new Tensor[order];
                int[] dims = new int[order];
                long terms = 1;
                for (int n = 0; n < order; n++) {
                    dims[n] = s.random().nextInt(order <= 2 ? 40 : order <= 4 ? 12 : 5);
                    factors[n] = s.gaussian(dims[n], ranks[n]);
                    terms *= Math.max(1, ranks[n]);
                }
                Tensor ref = s.zeros(dims), got = s.garbage(dims), magnitude = s.zeros(dims);
                Shape coreShape = core.shape();
                Tensor work = s.zeros((int) Math.max(TensorOps.multiModeWorkspace(coreShape, factors), 1));
                ModeProductPlan.of(core, factors, work).run(SCALAR, ref);
                ModeProductPlan.of(core, factors, work).run(setup.simd(), got);
                ModeProductPlan.of(s.abs(core), s.abs(factors), work).run(SCALAR, magnitude);
                Bounds.assertClose("Tucker reconstruction " + coreShape + " → " + ref.shape(), ref, got, magnitude, terms, order + 1);
            }
        });
    }

    // ------------------------------------------------------------------------------------------ CP

    private static Tensor[] factors(Scope s, int[] dims, int rank) {
        Tensor[] factors = new Tensor[dims.length];
        for (int n = 0; n < dims.length; n++) {
            factors[n] = s.gaussian(dims[n], rank);
        }
        return factors;
    }

    @Test
    void khatriRaoMatchesOracle() {
        Properties.qt(100).forAll(SETUPS, ORDERS, integers().between(0, 40)).checkAssert((setup, count, rank) -> {
            try (Scope s = setup.scope()) {
                Tensor[] matrices = factors(s, s.dims(count, side(count, 6)), rank);
                long rows = 1;
                for (Tensor m : matrices) {
                    rows *= m.rows();
                }
                Tensor ref = s.zeros((int) rows, rank), got = s.garbage((int) rows, rank);
                SCALAR.khatriRao(matrices, ref);
                setup.simd().khatriRao(matrices, got);
                // Same factors multiplied in the same order: identical, not merely close.
                Bounds.assertIdentical("Khatri-Rao", ref, got);
            }
        });
    }

    @Test
    void cpReconstructionMatchesOracle() {
        Properties.qt(100).forAll(SETUPS, ORDERS, integers().between(0, 40)).checkAssert((setup, order, rank) -> {
            try (Scope s = setup.scope()) {
                int[] dims = s.dims(order, side(order, 6));
                dims[order - 1] = s.random().nextInt(41);
                Tensor[] factors = factors(s, dims, rank);
                Tensor ref = s.zeros(dims), got = s.garbage(dims), magnitude = s.zeros(dims);
                SCALAR.cpReconstruct(factors, ref);
                setup.simd().cpReconstruct(factors, got);
                SCALAR.cpReconstruct(s.abs(factors), magnitude);
                Bounds.assertClose("CP reconstruction", ref, got, magnitude, rank, order);
            }
        });
    }

    @Test
    void mttkrpMatchesOracle() {
        Properties.qt(120).forAll(SETUPS, orderAndMode(2), integers().between(0, 40)).checkAssert((setup, om, rank) -> {
            try (Scope s = setup.scope()) {
                int order = om.order(), mode = om.mode();
                int[] dims = s.dims(order, side(order, 6));
                dims[mode] = s.random().nextInt(41);
                Tensor x = s.gaussian(dims);
                Tensor[] factors = factors(s, dims, rank);
                factors[mode] = s.random().nextBoolean() ? null : factors[mode];
                Tensor ref = s.zeros(dims[mode], rank), got = s.garbage(dims[mode], rank), magnitude = s.zeros(dims[mode], rank);
                SCALAR.mttkrp(x, factors, mode, ref);
                setup.simd().mttkrp(x, factors, mode, got);
                SCALAR.mttkrp(s.abs(x), s.abs(factors), mode, magnitude);
                Bounds.assertClose("MTTKRP mode " + mode + " of " + x.shape(), ref, got, magnitude, x.size(), order);
            }
        });
    }

    /**
     * Every mode at once (the dimension tree where it applies) against the oracle's one MTTKRP per
     * mode: the last dimension drawn up to 40 so that the rank is sometimes above it (the per-mode
     * fallback) and often not; outputs start as garbage.
     */
    @Test
    void mttkrpEveryModeMatchesOracle() {
        Properties.qt(150).forAll(SETUPS, ORDERS, integers().between(0, 24)).checkAssert((setup, order, rank) -> {
            try (Scope s = setup.scope()) {
                int[] dims = s.dims(order, side(order, 7));
                dims[order - 1] = s.random().nextInt(41);
                Tensor x = s.gaussian(dims);
                Tensor[] factors = factors(s, dims, rank);
                Tensor[] got = new Tensor[order], ref = new Tensor[order], magnitude = new Tensor[order];
                for (int n = 0; n < order; n++) {
                    got[n] = s.garbage(dims[n], rank);
                    ref[n] = s.zeros(dims[n], rank);
                    magnitude[n] = s.zeros(dims[n], rank);
                }
                SCALAR.mttkrpEveryMode(x, factors, ref);
                setup.simd().mttkrpEveryMode(x, factors, got);
                SCALAR.mttkrpEveryMode(s.abs(x), s.abs(factors), magnitude);
                for (int n = 0; n < order; n++) {
                    Bounds.assertClose("MTTKRP in every mode, mode " + n + " of " + x.shape() + ", rank " + rank,
                            ref[n], got[n], magnitude[n], x.size(), order);
                }
            }
        });
    }

    /**
     * The contraction over every mode but one against the oracle, for every mode of orders 1–6;
     * and the same call split between two threads (threshold 0) gives the one-thread result bit for bit.
     */
    @Test
    void contractionMatchesOracleAndIgnoresThreads() {
        Properties.qt(150).forAll(SETUPS, orderAndMode(1), integers().between(0, 40)).checkAssert((setup, om, cols) -> {
            try (Scope s = setup.scope()) {
                int order = om.order(), mode = om.mode();
                int[] dims = s.dims(order, side(order, 6));
                dims[mode] = s.random().nextInt(41);
                int[] yDims = dims.clone();
                yDims[mode] = cols;
                Tensor x = s.gaussian(dims), y = s.gaussian(yDims);
                Tensor ref = s.zeros(dims[mode], cols), got = s.garbage(dims[mode], cols), magnitude = s.zeros(dims[mode], cols);
                SCALAR.contractAllButMode(x, y, mode, ref);
                setup.simd().contractAllButMode(x, y, mode, got);
                SCALAR.contractAllButMode(s.abs(x), s.abs(y), mode, magnitude);
                String what = "contraction of " + x.shape() + " and " + y.shape() + " over all modes but " + mode;
                Bounds.assertClose(what, ref, got, magnitude, x.size() / Math.max(1, dims[mode]), 2);
                Tensor other = s.garbage(dims[mode], cols);
                simd(setup.bits(), !setup.split()).contractAllButMode(x, y, mode, other);
                org.junit.jupiter.api.Assertions.assertArrayEquals(got.toArray(), other.toArray(), 0.0, what + ": one thread against two");
            }
        });
    }

    @Test
    void gramMatchesOracle() {
        Properties.qt(100).forAll(SETUPS, integers().between(0, 70), integers().between(0, 40)).checkAssert((setup, rows, cols) -> {
            try (Scope s = setup.scope()) {
                Tensor a = s.gaussian(rows, cols);
                Tensor ref = s.zeros(cols, cols), got = s.garbage(cols, cols), magnitude = s.zeros(cols, cols);
                SCALAR.gram(a, ref);
                setup.simd().gram(a, got);
                SCALAR.gram(s.abs(a), magnitude);
                Bounds.assertClose("Gram", ref, got, magnitude, rows, 2);
            }
        });
    }

    // ----------------------------------------------------------------------------- data movement

    @Test
    void unfoldAndFoldMatchOracle() {
        Properties.qt(100).forAll(SETUPS, orderAndMode(1)).checkAssert((setup, om) -> {
            try (Scope s = setup.scope()) {
                int order = om.order(), mode = om.mode();
                int[] dims = s.dims(order, side(order, 7));
                dims[order - 1] = s.random().nextInt(30);
                Tensor x = s.gaussian(dims);
                Shape unfolded = TensorOps.unfoldedShape(x.shape(), mode);
                Tensor ref = s.zeros(unfolded.dims()), got = s.garbage(unfolded.dims());
                SCALAR.unfold(x, mode, ref);
                setup.simd().unfold(x, mode, got);
                Bounds.assertIdentical("unfold", ref, got);
                Tensor back = s.garbage(dims);
                setup.simd().fold(got, mode, back);
                Bounds.assertIdentical("fold after unfold", x, back);
            }
        });
    }

    @Test
    void gatherAndScatterMatchOracle() {
        Properties.qt(100).forAll(SETUPS, ORDERS, integers().between(0, 60)).checkAssert((setup, order, count) -> {
            try (Scope s = setup.scope()) {
                int[] dims = s.dims(order, side(order, 7));
                Tensor x = s.gaussian(dims);
                Coordinates at = s.coordinates(x.shape(), count);
                Tensor ref = s.zeros(at.count()), got = s.garbage(at.count());
                SCALAR.gather(x, at, ref);
                setup.simd().gather(x, at, got);
                Bounds.assertIdentical("gather", ref, got);
                Tensor weights = s.gaussian(at.count()), scatteredRef = s.zeros(dims), scattered = s.garbage(dims);
                SCALAR.scatter(at, weights, scatteredRef);
                setup.simd().scatter(at, weights, scattered);
                Bounds.assertIdentical("scatter", scatteredRef, scattered);
            }
        });
    }

    // --------------------------------------------------------------------------- sampled CP

    /** Mode sizes of at least 1 (coordinates need an index in every mode), some up to {@code max}. */
    private static int[] positiveDims(Scope s, int order, int max) {
        int[] dims = new int[order];
        for (int n = 0; n < order; n++) {
            dims[n] = 1 + s.random().nextInt(max);
        }
        return dims;
    }

    @Test
    void cpEvaluateAndScatterMatchOracle() {
        Properties.qt(100).forAll(SETUPS, orderAndMode(1), integers().between(0, 40), integers().between(0, 60)).checkAssert((setup, om, rank, count) -> {
            try (Scope s = setup.scope()) {
                int order = om.order(), mode = om.mode();
                int[] dims = positiveDims(s, order, 8);
                Tensor[] factors = factors(s, dims, rank);
                Coordinates at = s.coordinates(Shape.of(dims), count);
                Tensor ref = s.zeros(count), got = s.garbage(count), magnitude = s.zeros(count);
                SCALAR.cpEvaluate(factors, at, ref);
                setup.simd().cpEvaluate(factors, at, got);
                SCALAR.cpEvaluate(s.abs(factors), at, magnitude);
                Bounds.assertClose("CP evaluation", ref, got, magnitude, rank, order);

                if (order == 1) {
                    return; // a CP scatter needs another factor to take the rank from (a rejection test covers it)
                }
                Tensor weights = s.gaussian(count);
                factors[mode] = s.random().nextBoolean() ? null : factors[mode];
                Tensor sRef = s.zeros(dims[mode], rank), sGot = s.garbage(dims[mode], rank), sMag = s.zeros(dims[mode], rank);
                SCALAR.cpScatter(factors, mode, at, weights, sRef);
                setup.simd().cpScatter(factors, mode, at, weights, sGot);
                SCALAR.cpScatter(s.abs(factors), mode, at, s.abs(weights), sMag);
                Bounds.assertClose("CP scatter mode " + mode, sRef, sGot, sMag, count, order + 1);
            }
        });
    }

    // ----------------------------------------------------------------------------- sampled Tucker

    @Test
    void tuckerEvaluateAndScattersMatchOracle() {
        Properties.qt(100).forAll(SETUPS, orderAndMode(1), integers().between(0, 40)).checkAssert((setup, om, count) -> {
            try (Scope s = setup.scope()) {
                int order = om.order(), mode = om.mode();
                int[] dims = positiveDims(s, order, 7);
                int[] ranks = s.dims(order, order <= 2 ? 12 : side(order, 5));
                Tensor core = s.gaussian(ranks);
                Tensor[] factors = new Tensor[order];
                for (int n = 0; n < order; n++) {
                    factors[n] = s.gaussian(dims[n], ranks[n]);
                }
                Coordinates at = s.coordinates(Shape.of(dims), count);
                Tensor ref = s.zeros(count), got = s.garbage(count), magnitude = s.zeros(count);
                SCALAR.tuckerEvaluate(core, factors, at, ref);
                setup.simd().tuckerEvaluate(core, factors, at, got);
                SCALAR.tuckerEvaluate(s.abs(core), s.abs(factors), at, magnitude);
                Bounds.assertClose("Tucker evaluation", ref, got, magnitude, core.size(), order + 1);

                Tensor weights = s.gaussian(count);
                Tensor cRef = s.zeros(ranks), cGot = s.garbage(ranks), cMag = s.zeros(ranks);
                SCALAR.tuckerScatterCore(factors, at, weights, cRef);
                setup.simd().tuckerScatterCore(factors, at, weights, cGot);
                SCALAR.tuckerScatterCore(s.abs(factors), at, s.abs(weights), cMag);
                Bounds.assertClose("Tucker core scatter", cRef, cGot, cMag, count, order + 1);

                Tensor[] partial = factors.clone();
                partial[mode] = s.random().nextBoolean() ? null : factors[mode];
                Tensor fRef = s.zeros(dims[mode], ranks[mode]), fGot = s.garbage(dims[mode], ranks[mode]);
                Tensor fMag = s.zeros(dims[mode], ranks[mode]);
                SCALAR.tuckerScatterFactor(core, partial, mode, at, weights, fRef);
                setup.simd().tuckerScatterFactor(core, partial, mode, at, weights, fGot);
                SCALAR.tuckerScatterFactor(s.abs(core), s.abs(partial), mode, at, s.abs(weights), fMag);
                Bounds.assertClose("Tucker factor scatter mode " + mode, fRef, fGot, fMag, (double) count * core.size(), order + 2);
            }
        });
    }

    // ------------------------------------------------------------------------------ sampled TT

    @Test
    void ttEvaluateAndScatterMatchOracle() {
        Properties.qt(100).forAll(SETUPS, orderAndMode(1), integers().between(0, 40)).checkAssert((setup, om, count) -> {
            try (Scope s = setup.scope()) {
                int order = om.order(), k = om.mode();
                int[] dims = positiveDims(s, order, 6);
                Tensor[] cores = new Tensor[order];
                int previous = 1;
                double paths = 1;
                for (int c = 0; c < order; c++) {
                    int next = c == order - 1 ? 1 : s.random().nextInt(order <= 2 ? 20 : 8);
                    cores[c] = s.gaussian(previous, dims[c], next);
                    paths *= Math.max(1, next);
                    previous = next;
                }
                Coordinates at = s.coordinates(Shape.of(dims), count);
                Tensor ref = s.zeros(count), got = s.garbage(count), magnitude = s.zeros(count);
                SCALAR.ttEvaluate(cores, at, ref);
                setup.simd().ttEvaluate(cores, at, got);
                SCALAR.ttEvaluate(s.abs(cores), at, magnitude);
                Bounds.assertClose("TT evaluation", ref, got, magnitude, paths, order);

                Tensor weights = s.gaussian(count);
                int[] shape = cores[k].shape().dims();
                Tensor sRef = s.zeros(shape), sGot = s.garbage(shape), sMag = s.zeros(shape);
                SCALAR.ttScatterCore(cores, k, at, weights, sRef);
                setup.simd().ttScatterCore(cores, k, at, weights, sGot);
                SCALAR.ttScatterCore(s.abs(cores), k, at, s.abs(weights), sMag);
                Bounds.assertClose("TT core scatter " + k, sRef, sGot, sMag, count * paths, order + 1);
            }
        });
    }
}
