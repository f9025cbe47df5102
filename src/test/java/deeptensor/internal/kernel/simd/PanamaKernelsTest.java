package deeptensor.internal.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import deeptensor.internal.kernel.KernelProvider;
import deeptensor.internal.kernel.AllKernels;
import deeptensor.internal.kernel.Kernels;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exhaustive tail coverage, identical rejections, and how the implementation is created. */
class PanamaKernelsTest {

    private static final AllKernels SCALAR = AllKernels.scalar();

    @BeforeAll
    static void needsTheVectorModule() {
        Assumptions.assumeTrue(KernelProvider.vectorModulePresent(),
                "jdk.incubator.vector is not in this JVM (fallback run): SIMD kernels not tested");
    }

    /**
     * Every column count from 0 to 4 vectors + 1 (all strip widths and every tail length of this
     * width), every row count up to 9 (the 8-row kernels' tails), depths 0, 1 and 9, both
     * transpositions of B: each product within the bound of the oracle.
     */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void gemmHandlesEveryTail(int bits) {
        Kernels simd = PanamaKernels.create(bits, 1);
        int lanes = bits / 64;
        try (Scope s = new Scope(bits)) {
            for (int m = 0; m <= 9; m++) {
                for (int n = 0; n <= 4 * lanes + 1; n++) {
                    for (int k : new int[] {0, 1, 9}) {
                        for (boolean transposeB : new boolean[] {false, true}) {
                            Tensor a = s.gaussian(m, k), b = transposeB ? s.gaussian(n, k) : s.gaussian(k, n);
                            Tensor c0 = s.gaussian(m, n), ref = s.keep(c0.copy()), got = s.keep(c0.copy()), mag = s.abs(c0);
                            SCALAR.gemm(1.5, a, false, b, transposeB, -1.0, ref);
                            simd.gemm(1.5, a, false, b, transposeB, -1.0, got);
                            SCALAR.gemm(1.5, s.abs(a), false, s.abs(b), transposeB, 1.0, mag);
                            Bounds.assertClose("gemm " + m + "×" + n + "×" + k, ref, got, mag, k, 3);
                        }
                    }
                }
            }
        }
    }

    /**
     * The register tiles for 16 vector registers (6×2, 8×1) against those for 32 (4×4, 8×2, 8×1),
     * forced whatever this machine has: every column count up to five vectors and one, row counts
     * across the 4-, 6- and 8-row tiles, deep enough for two depth blocks, both transpositions of
     * B, split over threads or not: each element is the same sum in the same order, so the two
     * agree bit for bit, and both stay within the oracle's bound.
     */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void narrowAndWideTilesGiveIdenticalProducts(int bits) {
        int lanes = bits / 64;
        Kernels narrow = PanamaKernels.create(bits, 2, 0, true), wide = PanamaKernels.create(bits, 2, 0, false);
        Kernels narrowSerial = PanamaKernels.create(bits, 1, Double.MAX_VALUE, true);
        assertTrue(((PanamaKernels) narrow).narrowTiles() && !((PanamaKernels) wide).narrowTiles());
        try (Scope s = new Scope(bits + 7)) {
            for (int m : new int[] {1, 5, 6, 7, 12, 13, 25}) {
                for (int n = 1; n <= 5 * lanes + 1; n += Math.max(1, lanes / 2)) {
                    for (int k : new int[] {1, 7, 300}) {
                        for (boolean transposeB : new boolean[] {false, true}) {
                            Tensor a = s.gaussian(m, k), b = transposeB ? s.gaussian(n, k) : s.gaussian(k, n);
                            Tensor c0 = s.gaussian(m, n), ref = s.keep(c0.copy()), byNarrow = s.keep(c0.copy());
                            Tensor byWide = s.keep(c0.copy()), bySerial = s.keep(c0.copy()), mag = s.abs(c0);
                            SCALAR.gemm(0.5, a, false, b, transposeB, 2.0, ref);
                            narrow.gemm(0.5, a, false, b, transposeB, 2.0, byNarrow);
                            wide.gemm(0.5, a, false, b, transposeB, 2.0, byWide);
                            narrowSerial.gemm(0.5, a, false, b, transposeB, 2.0, bySerial);
                            String what = bits + " bits, " + m + "×" + n + "×" + k + (transposeB ? ", Bᵀ" : "");
                            org.junit.jupiter.api.Assertions.assertArrayEquals(byWide.toArray(), byNarrow.toArray(), 0.0, what);
                            org.junit.jupiter.api.Assertions.assertArrayEquals(byNarrow.toArray(), bySerial.toArray(), 0.0, what + ", split");
                            SCALAR.gemm(0.5, s.abs(a), false, s.abs(b), transposeB, 2.0, mag);
                            Bounds.assertClose("narrow gemm " + what, ref, byNarrow, mag, k, 3);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theTileChoiceFollowsTheProperty() {
        String before = System.getProperty(PanamaKernels.TILES_PROPERTY);
        try {
            System.clearProperty(PanamaKernels.TILES_PROPERTY);
            assertTrue(!PanamaKernels.narrowTilesConfigured(), "wide by default: measured faster even with 16 registers");
            System.setProperty(PanamaKernels.TILES_PROPERTY, "wide");
            assertTrue(!PanamaKernels.narrowTilesConfigured());
            System.setProperty(PanamaKernels.TILES_PROPERTY, "narrow");
            assertTrue(PanamaKernels.narrowTilesConfigured());
            System.setProperty(PanamaKernels.TILES_PROPERTY, "16");
            assertTrue(assertThrows(IllegalArgumentException.class, () -> PanamaKernels.narrowTilesConfigured()).getMessage()
                    .contains("narrow or wide"));
        } finally {
            if (before == null) {
                System.clearProperty(PanamaKernels.TILES_PROPERTY);
            } else {
                System.setProperty(PanamaKernels.TILES_PROPERTY, before);
            }
        }
    }

    /** Mode products on every mode of shapes whose sizes straddle the lane count. */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void modeProductOnEveryModeAndTail(int bits) {
        Kernels simd = PanamaKernels.create(bits, 1);
        int lanes = bits / 64;
        try (Scope s = new Scope(bits + 1)) {
            for (int size = 1; size <= 4 * lanes + 1; size += Math.max(1, lanes / 2)) {
                int[] dims = {3, size, 2, size};
                for (int mode = 0; mode < dims.length; mode++) {
                    for (int rows : new int[] {1, lanes + 1}) {
                        Tensor x = s.gaussian(dims), u = s.gaussian(rows, dims[mode]);
                        int[] outDims = x.shape().withDim(mode, rows).dims();
                        Tensor ref = s.zeros(outDims), got = s.garbage(outDims), mag = s.zeros(outDims);
                        SCALAR.modeProduct(x, mode, u, ref);
                        simd.modeProduct(x, mode, u, got);
                        SCALAR.modeProduct(s.abs(x), mode, s.abs(u), mag);
                        Bounds.assertClose("mode " + mode + " of " + x.shape(), ref, got, mag, dims[mode], 2);
                    }
                }
            }
        }
    }

    /** The same bad calls are rejected by the oracle and by every width, with the same message. */
    @Test
    void rejectsExactlyWhatTheOracleRejects() {
        try (Scope s = new Scope(7)) {
            Tensor m23 = s.gaussian(2, 3), m34 = s.gaussian(3, 4), m24 = s.zeros(2, 4), x = s.gaussian(2, 3, 4);
            Tensor f2 = s.gaussian(2, 5), f3 = s.gaussian(3, 5), f4 = s.gaussian(4, 5), f4b = s.gaussian(4, 6);
            Tensor core = s.gaussian(2, 2, 2), u2 = s.gaussian(2, 2), u3 = s.gaussian(3, 2), u4 = s.gaussian(4, 2);
            Tensor t0 = s.gaussian(1, 2, 3), t1 = s.gaussian(3, 3, 2), t2 = s.gaussian(2, 4, 1);
            Coordinates at = s.coordinates(Shape.of(2, 3, 4), 5), wrong = s.coordinates(Shape.of(2, 3, 5), 5);
            Tensor v5 = s.gaussian(5), v4 = s.gaussian(4);
            Tensor big = s.zeros(24), alias = big.reshape(2, 3, 4);
            List<Consumer<AllKernels>> calls = new ArrayList<>();
            calls.add(k -> k.gemm(1, m23, false, m23, false, 0, m24));
            calls.add(k -> k.gemm(1, m23, false, m34, false, 0, m23));
            calls.add(k -> k.gemm(1, m23, false, m34, false, 0, m24.reshape(4, 2)));
            calls.add(k -> k.gemm(1, m24, false, m24, true, 0, m24.reshape(2, 2, 2).slice(0)));
            calls.add(k -> k.gemm(1, m23, false, m34, true, 0, m24));
            calls.add(k -> k.gemm(1, x, false, m34, false, 0, m24));
            calls.add(k -> k.modeProduct(x, 3, m23, m24));
            calls.add(k -> k.modeProduct(x, -1, m23, m24));
            calls.add(k -> k.modeProduct(x, 1, m34, s.zeros(2, 3, 4)));
            calls.add(k -> k.modeProduct(x, 1, m23, s.zeros(2, 3, 4)));
            calls.add(k -> k.modeProduct(x, 1, m23.reshape(6), s.zeros(2, 2, 4)));
            calls.add(k -> k.modeProduct(x, 1, s.gaussian(3, 3), x));
            calls.add(k -> k.khatriRao(new Tensor[0], m24));
            calls.add(k -> k.khatriRao(new Tensor[] {f2, f4b}, s.zeros(8, 5)));
            calls.add(k -> k.khatriRao(new Tensor[] {f2, f4}, s.zeros(8, 4)));
            calls.add(k -> k.khatriRao(new Tensor[] {f2, f4}, f2));
            calls.add(k -> k.cpReconstruct(new Tensor[] {f2, f3}, s.zeros(2, 3, 4)));
            calls.add(k -> k.cpReconstruct(new Tensor[] {f2, f3, f4b}, s.zeros(2, 3, 4)));
            calls.add(k -> k.cpReconstruct(new Tensor[] {f2, f3, f4}, s.zeros(2, 3, 5)));
            calls.add(k -> k.mttkrp(x, new Tensor[] {f2, f3, f4}, 3, s.zeros(4, 5)));
            calls.add(k -> k.mttkrp(x, new Tensor[] {f2, f3, f4}, 2, s.zeros(4, 6)));
            calls.add(k -> k.mttkrp(x, new Tensor[] {f2, f3, f4}, 0, f2));
            calls.add(k -> k.gram(x, m24));
            calls.add(k -> k.gram(m23, m24));
            calls.add(k -> k.gram(m24.reshape(4, 2).slice(0, 2), m24.reshape(4, 2).slice(1, 3)));
            calls.add(k -> k.unfold(x, 3, s.zeros(2, 12)));
            calls.add(k -> k.unfold(x, 1, s.zeros(2, 12)));
            calls.add(k -> k.unfold(alias, 1, big.reshape(3, 8)));
            calls.add(k -> k.fold(s.zeros(3, 8), 0, s.zeros(2, 3, 4)));
            calls.add(k -> k.fold(big.reshape(2, 12), 0, alias));
            calls.add(k -> k.gather(x, wrong, v5));
            calls.add(k -> k.gather(x, at, v4));
            calls.add(k -> k.gather(alias, at, big.slice(0, 5)));
            calls.add(k -> k.scatter(at, v4, s.zeros(2, 3, 4)));
            calls.add(k -> k.scatter(wrong, v5, s.zeros(2, 3, 4)));
            calls.add(k -> k.scatter(at, big.slice(0, 5), alias));
            calls.add(k -> k.cpEvaluate(new Tensor[] {f2, f3, f4b}, at, v5));
            calls.add(k -> k.cpEvaluate(new Tensor[] {f2, f3, f4}, at, v4));
            calls.add(k -> k.cpEvaluate(new Tensor[] {f2, f3, f4}, wrong, v5));
            calls.add(k -> k.cpEvaluate(new Tensor[] {f2, f3, f4}, at, f2.reshape(10).slice(0, 5)));
            calls.add(k -> k.cpScatter(new Tensor[] {f2, f3, f4}, 1, at, v5, s.zeros(3, 4)));
            calls.add(k -> k.cpScatter(new Tensor[] {f2, f3, f4}, 1, at, v4, s.zeros(3, 5)));
            calls.add(k -> k.cpScatter(new Tensor[] {f2, f3, f4}, 1, at, v5, f3));
            calls.add(k -> k.tuckerEvaluate(core, new Tensor[] {u2, u3}, at, v5));
            calls.add(k -> k.tuckerEvaluate(core, new Tensor[] {u2, u3, u3}, at, v5));
            calls.add(k -> k.tuckerEvaluate(core, new Tensor[] {u2, u3, u4}, at, v4));
            calls.add(k -> k.tuckerEvaluate(core, new Tensor[] {u2, u3, u4}, at, core.reshape(8).slice(0, 5)));
            calls.add(k -> k.tuckerScatterCore(new Tensor[] {u2, u3, u4}, at, v5, s.zeros(2, 2, 3)));
            calls.add(k -> k.tuckerScatterCore(new Tensor[] {u2, u3, u4}, at, v4, s.zeros(2, 2, 2)));
            calls.add(k -> k.tuckerScatterCore(new Tensor[] {u2, u3, u4}, at, v5, u4.reshape(2, 2, 2)));
            calls.add(k -> k.tuckerScatterFactor(core, new Tensor[] {u2, null, u4}, 1, at, v5, s.zeros(3, 3)));
            calls.add(k -> k.tuckerScatterFactor(core, new Tensor[] {u2, null, u4}, 1, at, v5, core.reshape(8).slice(0, 6).reshape(3, 2)));
            calls.add(k -> k.tuckerScatterFactor(core, new Tensor[] {u2, null, u3}, 1, at, v5, s.zeros(3, 2)));
            calls.add(k -> k.ttEvaluate(new Tensor[] {t0, t1}, at, v5));
            calls.add(k -> k.ttEvaluate(new Tensor[] {t0, t1, t1}, at, v5));
            calls.add(k -> k.ttEvaluate(new Tensor[] {t0, t1, t2}, at, v4));
            calls.add(k -> k.ttScatterCore(new Tensor[] {t0, t1, t2}, 3, at, v5, s.zeros(2, 4, 1)));
            calls.add(k -> k.ttScatterCore(new Tensor[] {t0, t1, t2}, 2, at, v5, s.zeros(2, 4, 2)));
            calls.add(k -> k.ttScatterCore(new Tensor[] {t0, t1, t2}, 2, at, v5, t2));
            for (int bits : new int[] {128, 256, 512}) {
                AllKernels simd = AllKernels.of(PanamaKernels.create(bits, 2, 0));
                for (int i = 0; i < calls.size(); i++) {
                    Consumer<AllKernels> call = calls.get(i);
                    IllegalArgumentException expected = assertThrows(IllegalArgumentException.class, () -> call.accept(SCALAR),
                            "bad call " + i + " should be rejected by the oracle");
                    IllegalArgumentException actual = assertThrows(IllegalArgumentException.class, () -> call.accept(simd),
                            "bad call " + i + " should be rejected by " + simd.name());
                    assertEquals(expected.getMessage(), actual.getMessage(), "bad call " + i);
                }
            }
        }
    }

    @Test
    void createdForTheHostsPreferredWidth() {
        Kernels kernels = PanamaKernels.createIfSupported();
        int preferred = DoubleVector.SPECIES_PREFERRED.vectorBitSize();
        if (preferred < 256) {
            assertEquals(null, kernels, "narrow vectors: the scalar path is used");
            return;
        }
        assertNotNull(kernels);
        assertEquals("panama-" + preferred, kernels.name());
        assertTrue(KernelProvider.simd().isPresent(), "the provider finds the implementation reflectively");
    }

    @Test
    void everyWidthCanBeChosen() {
        for (int bits : new int[] {128, 256, 512}) {
            PanamaKernels kernels = PanamaKernels.create(bits, 3);
            assertEquals("panama-" + bits, kernels.name());
            assertEquals(bits, kernels.vectorBits());
            assertEquals(3, kernels.threads());
        }
        assertThrows(IllegalArgumentException.class, () -> PanamaKernels.create(64, 1));
        assertThrows(IllegalArgumentException.class, () -> PanamaKernels.create(256, 0));
    }

    @Test
    void threadCountComesFromTheProperty() {
        String saved = System.getProperty(PanamaKernels.THREADS_PROPERTY);
        try {
            System.setProperty(PanamaKernels.THREADS_PROPERTY, "1");
            assertEquals(1, PanamaKernels.defaultThreads());
            System.setProperty(PanamaKernels.THREADS_PROPERTY, "many");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, PanamaKernels::defaultThreads);
            assertTrue(e.getMessage().contains("many"), e.getMessage());
            System.clearProperty(PanamaKernels.THREADS_PROPERTY);
            assertEquals(Runtime.getRuntime().availableProcessors(), PanamaKernels.defaultThreads());
        } finally {
            if (saved == null) {
                System.clearProperty(PanamaKernels.THREADS_PROPERTY);
            } else {
                System.setProperty(PanamaKernels.THREADS_PROPERTY, saved);
            }
        }
    }

    /** A failure in a helper thread reaches the caller instead of being lost. */
    @Test
    void failuresInHelperThreadsPropagate() {
        Parallel parallel = new Parallel(2, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel.forEach(8, chunk -> {
            if (chunk == 5) {
                throw new IllegalStateException("chunk five");
            }
        }));
        assertEquals("chunk five", e.getMessage());
        int[] seen = new int[16];
        parallel.forEach(16, chunk -> seen[chunk]++);
        for (int count : seen) {
            if (count != 1) {
                fail("every chunk runs exactly once: " + java.util.Arrays.toString(seen));
            }
        }
    }
}
