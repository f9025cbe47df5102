package deeptensor.kernel.simd;

import deeptensor.kernel.Kernels;
import deeptensor.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation of {@link Kernels}, over the tensors' off-heap segments.
 *
 * <p>Every method runs the same {@link ShapeChecks} as the scalar reference first, so both reject
 * the same inputs with the same messages, and then computes the same quantity up to rounding: sums
 * may be taken in another order and with fused multiply-adds, and the difference from the
 * reference is bounded by a small multiple of {@code (terms summed) · ε · Σ|terms|} (the property
 * tests check exactly that bound).
 *
 * <h2>Threads</h2>
 * Large calls split their output into disjoint parts computed on up to {@link #threads()} threads
 * (default: the available processors, or the JVM property {@value #THREADS_PROPERTY}; {@code 1}
 * gives a single-threaded mode for servers that run many fits at once). Work below a few million
 * flops stays on the calling thread. Each part is computed in the same order as it would be on
 * one thread, so results do not depend on the thread count.
 *
 * <h2>Memory</h2>
 * No per-call allocation in steady state: packed panels and intermediates live in a per-thread
 * {@link Workspace} that is sized once and reused.
 *
 * <p>Only {@link deeptensor.kernel.KernelProvider} should create this class (reflectively, after
 * checking that the incubator module is present); tests may choose the vector width.
 */
public final class PanamaKernels implements Kernels {

    /** JVM property with the most threads a kernel call may use. */
    public static final String THREADS_PROPERTY = "deeptensor.threads";

    private final VectorSpecies<Double> species;
    private final Parallel parallel;
    private final Gemm gemm;
    private final ModeProducts modeProducts;
    private final CpKernels cp;
    private final SampledKernels sampled;

    private PanamaKernels(VectorSpecies<Double> species, int threads, double splitThreshold) {
        this.species = species;
        this.parallel = new Parallel(threads, splitThreshold);
        this.gemm = Gemm.create(species, parallel);
        VectorOps ops = VectorOps.create(species);
        this.modeProducts = new ModeProducts(gemm, parallel);
        this.cp = new CpKernels(gemm, ops, parallel);
        this.sampled = new SampledKernels(ops, parallel);
    }

    /**
     * The kernels for this CPU's preferred vector width and the default thread count, or null when
     * the preferred double vector is narrower than 256 bits (the scalar path is then as fast).
     */
    public static Kernels createIfSupported() {
        VectorSpecies<Double> preferred = DoubleVector.SPECIES_PREFERRED;
        if (preferred.vectorBitSize() < 256) {
            return null;
        }
        return new PanamaKernels(preferred, defaultThreads(), Parallel.SPLIT_THRESHOLD);
    }

    /**
     * Kernels for a chosen vector width (128, 256 or 512 bits, whatever this CPU prefers: narrower
     * or wider species than the hardware's still compute correctly, if slowly) and thread count.
     */
    public static PanamaKernels create(int vectorBits, int threads) {
        return create(vectorBits, threads, Parallel.SPLIT_THRESHOLD);
    }

    /**
     * As {@link #create(int, int)}, splitting calls of at least {@code splitThreshold} flops between
     * threads (tests pass 0 to exercise the split paths on small inputs).
     */
    public static PanamaKernels create(int vectorBits, int threads, double splitThreshold) {
        if (vectorBits != 128 && vectorBits != 256 && vectorBits != 512) {
            throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, got " + vectorBits);
        }
        return new PanamaKernels(VectorSpecies.of(double.class, VectorShape.forBitSize(vectorBits)), threads, splitThreshold);
    }

    /** The thread count from {@value #THREADS_PROPERTY}, else the available processors. */
    static int defaultThreads() {
        String configured = System.getProperty(THREADS_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int threads = Integer.parseInt(configured.trim());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + configured + " is not a thread count (1 or more)");
    }

    /** Most threads one call may use. */
    public int threads() {
        return parallel.threads();
    }

    /** Bits per vector of the species in use. */
    public int vectorBits() {
        return species.vectorBitSize();
    }

    @Override
    public String name() {
        return "panama-" + species.vectorBitSize();
    }

    @Override
    public String toString() {
        return name() + " (" + parallel.threads() + (parallel.threads() == 1 ? " thread)" : " threads)");
    }

    /**
     * {@link ShapeChecks#sameShape} for an expected {@code rows × cols} matrix, building the expected
     * shape (an allocation) only to report a mismatch, with the reference's message.
     */
    private static void matrixShape(String what, int rows, int cols, Tensor out) {
        if (out.order() != 2 || out.dim(0) != rows || out.dim(1) != cols) {
            ShapeChecks.sameShape(what, deeptensor.tensor.Shape.of(rows, cols), out);
        }
    }

    /**
     * Whether {@code matrix} has the shape of the mode-{@code mode} unfolding of {@code shape},
     * decided without building that shape (an allocation); on a mismatch the caller builds it to
     * report the reference's message.
     */
    private static boolean isUnfolding(deeptensor.tensor.Shape shape, int mode, Tensor matrix) {
        long columns = shape.sizeOf(0, mode) * shape.sizeOf(mode + 1, shape.order());
        return matrix.order() == 2 && matrix.dim(0) == shape.dim(mode) && matrix.dim(1) == columns;
    }

    @Override
    public void gemm(double alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, double beta, Tensor c) {
        int[] dims = ShapeChecks.gemm(a, transposeA, b, transposeB, c);
        int rows = dims[0], inner = dims[1], cols = dims[2];
        long lda = a.cols(), ldb = b.cols();
        gemm.multiply(rows, cols, inner, alpha,
                a.segment(), 0, transposeA ? 1 : lda, transposeA ? lda : 1,
                b.segment(), 0, transposeB ? 1 : ldb, transposeB ? ldb : 1,
                beta, c.segment(), 0, cols, true);
    }

    @Override
    public void modeProduct(Tensor x, int mode, Tensor u, Tensor out) {
        ShapeChecks.modeProduct(x, mode, u, out);
        modeProducts.apply(x, mode, u, out);
    }

    @Override
    public void khatriRao(Tensor[] matrices, Tensor out) {
        int rank = ShapeChecks.khatriRao(matrices, out);
        cp.khatriRao(matrices, rank, out);
    }

    @Override
    public void cpReconstruct(Tensor[] factors, Tensor out) {
        int rank = ShapeChecks.cpFactors("CP reconstruction", out.shape(), factors, -1);
        ShapeChecks.distinct("CP reconstruction", out, factors);
        cp.reconstruct(factors, rank, out);
    }

    @Override
    public void mttkrp(Tensor x, Tensor[] factors, int mode, Tensor out) {
        ShapeChecks.mode("MTTKRP", x, mode);
        int rank = ShapeChecks.cpFactors("MTTKRP", x.shape(), factors, mode);
        matrixShape("MTTKRP output", x.dim(mode), rank, out);
        ShapeChecks.distinct("MTTKRP", out, x);
        ShapeChecks.distinct("MTTKRP", out, factors);
        cp.mttkrp(x, factors, mode, rank, out);
    }

    @Override
    public void gram(Tensor a, Tensor out) {
        ShapeChecks.matrix("Gram input", a);
        matrixShape("Gram output", a.cols(), a.cols(), out);
        ShapeChecks.distinct("Gram", out, a);
        long n = a.cols();
        // Aᵀ·A as one GEMM: A read through transposed strides, no copy.
        gemm.multiply(a.cols(), a.cols(), a.rows(), 1.0, a.segment(), 0, 1, n, a.segment(), 0, n, 1,
                0.0, out.segment(), 0, n, true);
    }

    @Override
    public void unfold(Tensor x, int mode, Tensor out) {
        ShapeChecks.mode("unfold", x, mode);
        if (!isUnfolding(x.shape(), mode, out)) {
            ShapeChecks.sameShape("unfolding", deeptensor.kernel.TensorOps.unfoldedShape(x.shape(), mode), out);
        }
        ShapeChecks.distinct("unfold", out, x);
        Permutations.unfold(x, mode, out);
    }

    @Override
    public void fold(Tensor matrix, int mode, Tensor out) {
        ShapeChecks.mode("fold", out, mode);
        if (!isUnfolding(out.shape(), mode, matrix)) {
            ShapeChecks.sameShape("matrix to fold", deeptensor.kernel.TensorOps.unfoldedShape(out.shape(), mode), matrix);
        }
        ShapeChecks.distinct("fold", out, matrix);
        Permutations.fold(matrix, mode, out);
    }

    @Override
    public void gather(Tensor x, Coordinates at, Tensor values) {
        ShapeChecks.coordinates("gather", at, x.shape());
        ShapeChecks.perEntry("gather", at, values);
        ShapeChecks.distinct("gather", values, x);
        Permutations.gather(x, at, values);
    }

    @Override
    public void scatter(Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.coordinates("scatter", at, out.shape());
        ShapeChecks.perEntry("scatter", at, weights);
        ShapeChecks.distinct("scatter", out, weights);
        Permutations.scatter(at, weights, out);
    }

    @Override
    public void cpEvaluate(Tensor[] factors, Coordinates at, Tensor values) {
        int rank = ShapeChecks.cpFactors("CP evaluation", at.shape(), factors, -1);
        ShapeChecks.perEntry("CP evaluation", at, values);
        ShapeChecks.distinct("CP evaluation", values, factors);
        sampled.cpEvaluate(factors, rank, at, values);
    }

    @Override
    public void cpScatter(Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        int rank = ShapeChecks.cpFactors("CP scatter", at.shape(), factors, mode);
        ShapeChecks.perEntry("CP scatter", at, weights);
        matrixShape("CP scatter output", at.shape().dim(mode), rank, out);
        ShapeChecks.distinct("CP scatter", out, factors);
        ShapeChecks.distinct("CP scatter", out, weights);
        sampled.cpScatter(factors, mode, rank, at, weights, out);
    }

    @Override
    public void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values) {
        ShapeChecks.tuckerFactors("Tucker evaluation", core.shape(), at.shape(), factors, -1);
        ShapeChecks.perEntry("Tucker evaluation", at, values);
        ShapeChecks.distinct("Tucker evaluation", values, core);
        ShapeChecks.distinct("Tucker evaluation", values, factors);
        sampled.tuckerEvaluate(core, factors, at, values);
    }

    @Override
    public void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.tuckerFactors("Tucker core scatter", out.shape(), at.shape(), factors, -1);
        ShapeChecks.perEntry("Tucker core scatter", at, weights);
        ShapeChecks.distinct("Tucker core scatter", out, factors);
        ShapeChecks.distinct("Tucker core scatter", out, weights);
        sampled.tuckerScatterCore(factors, at, weights, out);
    }

    @Override
    public void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.tuckerFactors("Tucker factor scatter", core.shape(), at.shape(), factors, mode);
        ShapeChecks.perEntry("Tucker factor scatter", at, weights);
        matrixShape("Tucker factor scatter output", at.shape().dim(mode), core.dim(mode), out);
        ShapeChecks.distinct("Tucker factor scatter", out, core, weights);
        ShapeChecks.distinct("Tucker factor scatter", out, factors);
        sampled.tuckerScatterFactor(core, factors, mode, at, weights, out);
    }

    @Override
    public void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values) {
        ShapeChecks.ttCores("TT evaluation", at.shape(), cores);
        ShapeChecks.perEntry("TT evaluation", at, values);
        ShapeChecks.distinct("TT evaluation", values, cores);
        sampled.ttEvaluate(cores, at, values);
    }

    @Override
    public void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.ttCores("TT core scatter", at.shape(), cores);
        if (k < 0 || k >= cores.length) {
            throw new IllegalArgumentException("TT core scatter: core " + k + " does not exist in a train of " + cores.length);
        }
        ShapeChecks.perEntry("TT core scatter", at, weights);
        ShapeChecks.sameShape("TT core scatter output", cores[k].shape(), out);
        ShapeChecks.distinct("TT core scatter", out, cores);
        ShapeChecks.distinct("TT core scatter", out, weights);
        sampled.ttScatterCore(cores, k, at, weights, out);
    }

}
