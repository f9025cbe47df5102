package deeptensor.internal.kernel.simd;

import deeptensor.internal.kernel.Kernels;
import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation of {@link Kernels}, over the tensors' off-heap segments; the
 * model families ({@link PanamaCpKernels}, {@link PanamaTuckerKernels}, {@link PanamaTensorTrainKernels})
 * share its vector width, workspaces and threads.
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
 * <p>Only {@link deeptensor.internal.kernel.KernelProvider} should create this class (reflectively, after
 * checking that the incubator module is present); tests may choose the vector width.
 */
public final class PanamaKernels implements Kernels {

    /** JVM property with the most threads a kernel call may use. */
    public static final String THREADS_PROPERTY = "deeptensor.threads";

    /** JVM property choosing the GEMM register tiles: {@code wide} (32 vector registers) or {@code narrow} (16). */
    public static final String TILES_PROPERTY = "deeptensor.gemmTiles";

    private final VectorSpecies<Double> species;
    private final boolean narrowTiles;
    private final Parallel parallel;
    private final Gemm gemm;
    private final ModeProducts modeProducts;
    private final CpKernels cp;
    private final SampledKernels sampled;

    private PanamaKernels(VectorSpecies<Double> species, int threads, double splitThreshold, boolean narrowTiles) {
        this.species = species;
        this.narrowTiles = narrowTiles;
        this.parallel = new Parallel(threads, splitThreshold);
        this.gemm = Gemm.create(species, parallel, narrowTiles);
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
        return new PanamaKernels(preferred, defaultThreads(), Parallel.SPLIT_THRESHOLD, narrowTilesConfigured());
    }

    /**
     * Whether the GEMM should use the tiles for 16 vector registers: {@value #TILES_PROPERTY} when
     * set ({@code narrow} or {@code wide}), else wide at every width. Narrow tiles were built for
     * AVX2's 16 registers, where the wide 4×4 tile's 21 live vectors must spill; measured on an
     * AVX-512 CPU limited to AVX2 and 16 registers ({@code -XX:UseAVX=2}), the wide tiles were still
     * 2–29 % faster (docs/performance.md), so they stay the default until a real AVX2 machine says
     * otherwise.
     */
    static boolean narrowTilesConfigured() {
        String configured = System.getProperty(TILES_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return false;
        }
        return switch (configured.trim()) {
            case "narrow" -> true;
            case "wide" -> false;
            default -> throw new IllegalArgumentException("-D" + TILES_PROPERTY + "=" + configured + " is not a tile choice (narrow or wide)");
        };
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
        return create(vectorBits, threads, splitThreshold, narrowTilesConfigured());
    }

    /** As {@link #create(int, int, double)}, with the GEMM's register tiles chosen (tests force both). */
    public static PanamaKernels create(int vectorBits, int threads, double splitThreshold, boolean narrowTiles) {
        if (vectorBits != 128 && vectorBits != 256 && vectorBits != 512) {
            throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, got " + vectorBits);
        }
        return new PanamaKernels(VectorSpecies.of(double.class, VectorShape.forBitSize(vectorBits)), threads, splitThreshold,
                narrowTiles);
    }

    /** Whether the GEMM uses the register tiles for 16 vector registers (see {@link #TILES_PROPERTY}). */
    public boolean narrowTiles() {
        return narrowTiles;
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
        return name() + " (" + parallel.threads() + (parallel.threads() == 1 ? " thread" : " threads")
                + (narrowTiles ? ", GEMM tiles for 16 vector registers)" : ", GEMM tiles for 32 vector registers)");
    }

    @Override
    public void gemm(double alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, double beta, Tensor c) {
        ShapeChecks.gemm(a, transposeA, b, transposeB, c);
        int rows = c.rows(), inner = transposeA ? a.rows() : a.cols(), cols = c.cols();
        long lda = a.cols(), ldb = b.cols();
        gemm.multiply(rows, cols, inner, alpha,
                a.segment(), 0, transposeA ? 1 : lda, transposeA ? lda : 1,
                b.segment(), 0, transposeB ? 1 : ldb, transposeB ? ldb : 1,
                beta, c.segment(), 0, cols, true);
    }

    @Override
    public void modeProduct(Tensor x, int mode, Tensor u, Tensor out) {
        ShapeChecks.modeProduct(x, mode, u, out);
        if (x.size() == 0 || out.size() == 0) {
            out.fill(0); // an empty sum is 0; and nothing to loop over (left or right may be huge)
            return;
        }
        modeProducts.apply(x, mode, u, out);
    }

    @Override
    public void khatriRao(Tensor[] matrices, Tensor out) {
        int rank = ShapeChecks.khatriRao(matrices, out);
        cp.khatriRao(matrices, rank, out);
    }

    @Override
    public void mttkrp(Tensor x, Tensor[] factors, int mode, Tensor out) {
        int rank = ShapeChecks.mttkrp(x, factors, mode, out);
        cp.mttkrp(x, factors, mode, rank, out);
    }

    @Override
    public void gram(Tensor a, Tensor out) {
        ShapeChecks.gram(a, out);
        long n = a.cols();
        // Aᵀ·A as one GEMM: A read through transposed strides, no copy.
        gemm.multiply(a.cols(), a.cols(), a.rows(), 1.0, a.segment(), 0, 1, n, a.segment(), 0, n, 1,
                0.0, out.segment(), 0, n, true);
    }

    @Override
    public void unfold(Tensor x, int mode, Tensor out) {
        ShapeChecks.unfold(x, mode, out);
        Permutations.unfold(x, mode, out);
    }

    @Override
    public void fold(Tensor matrix, int mode, Tensor out) {
        ShapeChecks.fold(matrix, mode, out);
        Permutations.fold(matrix, mode, out);
    }

    @Override
    public void gather(Tensor x, Coordinates at, Tensor values) {
        ShapeChecks.gather(x, at, values);
        Permutations.gather(x, at, values);
    }

    @Override
    public void scatter(Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.scatter(at, weights, out);
        Permutations.scatter(at, weights, out);
    }

    /** The sampled kernels (CP, Tucker and tensor-train evaluations and scatters) at this width and thread count. */
    SampledKernels sampled() {
        return sampled;
    }

    /** The mode products (and their adjoint contractions) at this width and thread count. */
    ModeProducts modeProducts() {
        return modeProducts;
    }

    /** The dense CP kernels at this width and thread count. */
    CpKernels cp() {
        return cp;
    }
}
