package deeptensor.kernel.simd;

import deeptensor.kernel.Kernels;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The Vector API kernels against the scalar oracle, within the bound of {@link Bounds}, over random
 * shapes (zero-size and size-1 modes included; sizes up to 70 along the axes that carry the vectors,
 * so every tail length modulo the lane count occurs), every mode, every vector width (128, 256, 512
 * bits, whatever this CPU prefers) and both the single-threaded and the split paths (a split
 * threshold of zero makes even these small calls use two threads).
 */
@AddLifecycleHook(VectorModuleRequired.class)
class PanamaKernelsProperties {

    private static final Kernels SCALAR = Kernels.scalar();
    private static final Map<String, Kernels> KERNELS = new ConcurrentHashMap<>();
    private static final double[] SCALES = {1.0, 0.0, -0.5, 2.5};

    static Kernels simd(int bits, boolean split) {
        return KERNELS.computeIfAbsent(bits + "/" + split,
                key -> split ? PanamaKernels.create(bits, 2, 0) : PanamaKernels.create(bits, 1));
    }

    @Provide
    Arbitrary<Integer> widths() {
        return Arbitraries.of(128, 256, 512);
    }

    // ---------------------------------------------------------------------------------------- GEMM

    @Property(tries = 150)
    void gemmMatchesOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                           @ForAll boolean transposeA, @ForAll boolean transposeB,
                           @ForAll @IntRange(max = 70) int m, @ForAll @IntRange(max = 70) int n,
                           @ForAll @IntRange(max = 70) int k,
                           @ForAll @IntRange(max = 3) int alphaIndex, @ForAll @IntRange(max = 3) int betaIndex) {
        try (Scope s = new Scope(seed)) {
            double alpha = SCALES[alphaIndex], beta = SCALES[betaIndex];
            Tensor a = transposeA ? s.gaussian(k, m) : s.gaussian(m, k);
            Tensor b = transposeB ? s.gaussian(n, k) : s.gaussian(k, n);
            Tensor c0 = beta == 0 ? s.garbage(m, n) : s.gaussian(m, n);
            Tensor ref = s.keep(c0.copy()), got = s.keep(c0.copy());
            Tensor magnitude = beta == 0 ? s.zeros(m, n) : s.abs(c0);
            SCALAR.gemm(alpha, a, transposeA, b, transposeB, beta, ref);
            simd(bits, split).gemm(alpha, a, transposeA, b, transposeB, beta, got);
            SCALAR.gemm(Math.abs(alpha), s.abs(a), transposeA, s.abs(b), transposeB, Math.abs(beta), magnitude);
            Bounds.assertClose("gemm " + m + "×" + n + "×" + k, ref, got, magnitude, k, 3);
        }
    }

    @Property(tries = 60)
    void splitGemmEqualsSingleThreaded(@ForAll long seed, @ForAll("widths") int bits,
                                       @ForAll @IntRange(min = 1, max = 150) int m,
                                       @ForAll @IntRange(min = 1, max = 150) int n,
                                       @ForAll @IntRange(max = 40) int k) {
        try (Scope s = new Scope(seed)) {
            Tensor a = s.gaussian(m, k), b = s.gaussian(k, n), one = s.zeros(m, n), two = s.zeros(m, n);
            simd(bits, false).gemm(1.0, a, false, b, false, 0.0, one);
            simd(bits, true).gemm(1.0, a, false, b, false, 0.0, two);
            Bounds.assertIdentical("split gemm", one, two);
        }
    }

    // -------------------------------------------------------------------------------- mode product

    @Property(tries = 150)
    void modeProductMatchesOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                                  @ForAll @IntRange(min = 1, max = 4) int order, @ForAll @IntRange(max = 3) int modeDraw,
                                  @ForAll @IntRange(max = 40) int rows) {
        try (Scope s = new Scope(seed)) {
            int mode = modeDraw % order;
            int[] dims = s.dims(order, 5);
            dims[mode] = s.random().nextInt(71);
            dims[order - 1] = s.random().nextInt(mode == order - 1 ? 71 : 41);
            Tensor x = s.gaussian(dims), u = s.gaussian(rows, dims[mode]);
            Shape outShape = x.shape().withDim(mode, rows);
            Tensor ref = s.zeros(outShape.dims()), got = s.garbage(outShape.dims()), magnitude = s.zeros(outShape.dims());
            SCALAR.modeProduct(x, mode, u, ref);
            simd(bits, split).modeProduct(x, mode, u, got);
            SCALAR.modeProduct(s.abs(x), mode, s.abs(u), magnitude);
            Bounds.assertClose("mode-" + mode + " product of " + x.shape() + " by " + u.shape(), ref, got, magnitude, dims[mode], 2);
        }
    }

    @Property(tries = 60)
    void tuckerReconstructionMatchesOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                                           @ForAll @IntRange(min = 1, max = 4) int order) {
        try (Scope s = new Scope(seed)) {
            int[] ranks = s.dims(order, 5);
            Tensor core = s.gaussian(ranks);
            Tensor[] factors = new Tensor[order];
            int[] dims = new int[order];
            long terms = 1;
            for (int n = 0; n < order; n++) {
                dims[n] = s.random().nextInt(order <= 2 ? 40 : 12);
                factors[n] = s.gaussian(dims[n], ranks[n]);
                terms *= Math.max(1, ranks[n]);
            }
            Tensor ref = s.zeros(dims), got = s.garbage(dims), magnitude = s.zeros(dims);
            Shape coreShape = core.shape();
            Tensor work = s.zeros((int) Math.max(TensorOps.multiModeWorkspace(coreShape, factors), 1));
            TensorOps.multiModeProduct(SCALAR, core, factors, ref, work);
            TensorOps.multiModeProduct(simd(bits, split), core, factors, got, work);
            TensorOps.multiModeProduct(SCALAR, s.abs(core), s.abs(factors), magnitude, work);
            Bounds.assertClose("Tucker reconstruction " + coreShape + " → " + ref.shape(), ref, got, magnitude, terms, order + 1);
        }
    }

    // ------------------------------------------------------------------------------------------ CP

    private static Tensor[] factors(Scope s, int[] dims, int rank) {
        Tensor[] factors = new Tensor[dims.length];
        for (int n = 0; n < dims.length; n++) {
            factors[n] = s.gaussian(dims[n], rank);
        }
        return factors;
    }

    @Property(tries = 100)
    void khatriRaoMatchesOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                                @ForAll @IntRange(min = 1, max = 4) int count, @ForAll @IntRange(max = 40) int rank) {
        try (Scope s = new Scope(seed)) {
            Tensor[] matrices = factors(s, s.dims(count, 6), rank);
            long rows = 1;
            for (Tensor m : matrices) {
                rows *= m.rows();
            }
            Tensor ref = s.zeros((int) rows, rank), got = s.garbage((int) rows, rank);
            SCALAR.khatriRao(matrices, ref);
            simd(bits, split).khatriRao(matrices, got);
            // Same factors multiplied in the same order: identical, not merely close.
            Bounds.assertIdentical("Khatri-Rao", ref, got);
        }
    }

    @Property(tries = 100)
    void cpReconstructionMatchesOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                                       @ForAll @IntRange(min = 1, max = 4) int order, @ForAll @IntRange(max = 40) int rank) {
        try (Scope s = new Scope(seed)) {
            int[] dims = s.dims(order, 6);
            dims[order - 1] = s.random().nextInt(41);
            Tensor[] factors = factors(s, dims, rank);
            Tensor ref = s.zeros(dims), got = s.garbage(dims), magnitude = s.zeros(dims);
            SCALAR.cpReconstruct(factors, ref);
            simd(bits, split).cpReconstruct(factors, got);
            SCALAR.cpReconstruct(s.abs(factors), magnitude);
            Bounds.assertClose("CP reconstruction", ref, got, magnitude, rank, order);
        }
    }

    @Property(tries = 120)
    void mttkrpMatchesOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                             @ForAll @IntRange(min = 2, max = 4) int order, @ForAll @IntRange(max = 3) int modeDraw,
                             @ForAll @IntRange(max = 40) int rank) {
        try (Scope s = new Scope(seed)) {
            int mode = modeDraw % order;
            int[] dims = s.dims(order, 6);
            dims[mode] = s.random().nextInt(41);
            Tensor x = s.gaussian(dims);
            Tensor[] factors = factors(s, dims, rank);
            factors[mode] = s.random().nextBoolean() ? null : factors[mode];
            Tensor ref = s.zeros(dims[mode], rank), got = s.garbage(dims[mode], rank), magnitude = s.zeros(dims[mode], rank);
            SCALAR.mttkrp(x, factors, mode, ref);
            simd(bits, split).mttkrp(x, factors, mode, got);
            SCALAR.mttkrp(s.abs(x), s.abs(factors), mode, magnitude);
            Bounds.assertClose("MTTKRP mode " + mode + " of " + x.shape(), ref, got, magnitude, x.size(), order);
        }
    }

    @Property(tries = 100)
    void gramMatchesOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                           @ForAll @IntRange(max = 70) int rows, @ForAll @IntRange(max = 40) int cols) {
        try (Scope s = new Scope(seed)) {
            Tensor a = s.gaussian(rows, cols);
            Tensor ref = s.zeros(cols, cols), got = s.garbage(cols, cols), magnitude = s.zeros(cols, cols);
            SCALAR.gram(a, ref);
            simd(bits, split).gram(a, got);
            SCALAR.gram(s.abs(a), magnitude);
            Bounds.assertClose("Gram", ref, got, magnitude, rows, 2);
        }
    }

    // ----------------------------------------------------------------------------- data movement

    @Property(tries = 100)
    void unfoldAndFoldMatchOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                                  @ForAll @IntRange(min = 1, max = 4) int order, @ForAll @IntRange(max = 3) int modeDraw) {
        try (Scope s = new Scope(seed)) {
            int mode = modeDraw % order;
            int[] dims = s.dims(order, 7);
            dims[order - 1] = s.random().nextInt(30);
            Tensor x = s.gaussian(dims);
            Shape unfolded = TensorOps.unfoldedShape(x.shape(), mode);
            Tensor ref = s.zeros(unfolded.dims()), got = s.garbage(unfolded.dims());
            SCALAR.unfold(x, mode, ref);
            simd(bits, split).unfold(x, mode, got);
            Bounds.assertIdentical("unfold", ref, got);
            Tensor back = s.garbage(dims);
            simd(bits, split).fold(got, mode, back);
            Bounds.assertIdentical("fold after unfold", x, back);
        }
    }

    @Property(tries = 100)
    void gatherAndScatterMatchOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                                     @ForAll @IntRange(min = 1, max = 4) int order, @ForAll @IntRange(max = 60) int count) {
        try (Scope s = new Scope(seed)) {
            int[] dims = s.dims(order, 7);
            Tensor x = s.gaussian(dims);
            Coordinates at = s.coordinates(x.shape(), count);
            Tensor ref = s.zeros(at.count()), got = s.garbage(at.count());
            SCALAR.gather(x, at, ref);
            simd(bits, split).gather(x, at, got);
            Bounds.assertIdentical("gather", ref, got);
            Tensor weights = s.gaussian(at.count()), scatteredRef = s.zeros(dims), scattered = s.garbage(dims);
            SCALAR.scatter(at, weights, scatteredRef);
            simd(bits, split).scatter(at, weights, scattered);
            Bounds.assertIdentical("scatter", scatteredRef, scattered);
        }
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

    @Property(tries = 100)
    void cpEvaluateAndScatterMatchOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                                         @ForAll @IntRange(min = 1, max = 4) int order, @ForAll @IntRange(max = 3) int modeDraw,
                                         @ForAll @IntRange(max = 40) int rank, @ForAll @IntRange(max = 60) int count) {
        try (Scope s = new Scope(seed)) {
            int mode = modeDraw % order;
            int[] dims = positiveDims(s, order, 8);
            Tensor[] factors = factors(s, dims, rank);
            Coordinates at = s.coordinates(Shape.of(dims), count);
            Tensor ref = s.zeros(count), got = s.garbage(count), magnitude = s.zeros(count);
            SCALAR.cpEvaluate(factors, at, ref);
            simd(bits, split).cpEvaluate(factors, at, got);
            SCALAR.cpEvaluate(s.abs(factors), at, magnitude);
            Bounds.assertClose("CP evaluation", ref, got, magnitude, rank, order);

            if (order == 1) {
                return; // a CP scatter needs another factor to take the rank from (a rejection test covers it)
            }
            Tensor weights = s.gaussian(count);
            factors[mode] = s.random().nextBoolean() ? null : factors[mode];
            Tensor sRef = s.zeros(dims[mode], rank), sGot = s.garbage(dims[mode], rank), sMag = s.zeros(dims[mode], rank);
            SCALAR.cpScatter(factors, mode, at, weights, sRef);
            simd(bits, split).cpScatter(factors, mode, at, weights, sGot);
            SCALAR.cpScatter(s.abs(factors), mode, at, s.abs(weights), sMag);
            Bounds.assertClose("CP scatter mode " + mode, sRef, sGot, sMag, count, order + 1);
        }
    }

    // ----------------------------------------------------------------------------- sampled Tucker

    @Property(tries = 100)
    void tuckerEvaluateAndScattersMatchOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                                              @ForAll @IntRange(min = 1, max = 4) int order,
                                              @ForAll @IntRange(max = 3) int modeDraw, @ForAll @IntRange(max = 40) int count) {
        try (Scope s = new Scope(seed)) {
            int mode = modeDraw % order;
            int[] dims = positiveDims(s, order, 7);
            int[] ranks = s.dims(order, order <= 2 ? 12 : 5);
            Tensor core = s.gaussian(ranks);
            Tensor[] factors = new Tensor[order];
            for (int n = 0; n < order; n++) {
                factors[n] = s.gaussian(dims[n], ranks[n]);
            }
            Coordinates at = s.coordinates(Shape.of(dims), count);
            Tensor ref = s.zeros(count), got = s.garbage(count), magnitude = s.zeros(count);
            SCALAR.tuckerEvaluate(core, factors, at, ref);
            simd(bits, split).tuckerEvaluate(core, factors, at, got);
            SCALAR.tuckerEvaluate(s.abs(core), s.abs(factors), at, magnitude);
            Bounds.assertClose("Tucker evaluation", ref, got, magnitude, core.size(), order + 1);

            Tensor weights = s.gaussian(count);
            Tensor cRef = s.zeros(ranks), cGot = s.garbage(ranks), cMag = s.zeros(ranks);
            SCALAR.tuckerScatterCore(factors, at, weights, cRef);
            simd(bits, split).tuckerScatterCore(factors, at, weights, cGot);
            SCALAR.tuckerScatterCore(s.abs(factors), at, s.abs(weights), cMag);
            Bounds.assertClose("Tucker core scatter", cRef, cGot, cMag, count, order + 1);

            Tensor[] partial = factors.clone();
            partial[mode] = s.random().nextBoolean() ? null : factors[mode];
            Tensor fRef = s.zeros(dims[mode], ranks[mode]), fGot = s.garbage(dims[mode], ranks[mode]);
            Tensor fMag = s.zeros(dims[mode], ranks[mode]);
            SCALAR.tuckerScatterFactor(core, partial, mode, at, weights, fRef);
            simd(bits, split).tuckerScatterFactor(core, partial, mode, at, weights, fGot);
            SCALAR.tuckerScatterFactor(s.abs(core), s.abs(partial), mode, at, s.abs(weights), fMag);
            Bounds.assertClose("Tucker factor scatter mode " + mode, fRef, fGot, fMag, (double) count * core.size(), order + 2);
        }
    }

    // ------------------------------------------------------------------------------ sampled TT

    @Property(tries = 100)
    void ttEvaluateAndScatterMatchOracle(@ForAll long seed, @ForAll("widths") int bits, @ForAll boolean split,
                                         @ForAll @IntRange(min = 1, max = 4) int order, @ForAll @IntRange(max = 3) int coreDraw,
                                         @ForAll @IntRange(max = 40) int count) {
        try (Scope s = new Scope(seed)) {
            int k = coreDraw % order;
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
            simd(bits, split).ttEvaluate(cores, at, got);
            SCALAR.ttEvaluate(s.abs(cores), at, magnitude);
            Bounds.assertClose("TT evaluation", ref, got, magnitude, paths, order);

            Tensor weights = s.gaussian(count);
            int[] shape = cores[k].shape().dims();
            Tensor sRef = s.zeros(shape), sGot = s.garbage(shape), sMag = s.zeros(shape);
            SCALAR.ttScatterCore(cores, k, at, weights, sRef);
            simd(bits, split).ttScatterCore(cores, k, at, weights, sGot);
            SCALAR.ttScatterCore(s.abs(cores), k, at, s.abs(weights), sMag);
            Bounds.assertClose("TT core scatter " + k, sRef, sGot, sMag, count * paths, order + 1);
        }
    }
}
