package deeptensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.train.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The default completion (no model given): its guard, its choices, and how it stops. */
class AutoCompletionTest {

    /** Observed entries of a tensor given by a function of the index, each kept with probability {@code fraction}. */
    private record Sample(Coordinates at, Tensor values) implements AutoCloseable {
        static Sample of(Shape shape, double fraction, long seed, java.util.function.ToDoubleFunction<int[]> entry) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Long> offsets = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            int[] index = new int[shape.order()];
            for (long offset = 0; offset < shape.size(); offset++) {
                if (random.nextDouble() < fraction) {
                    offsets.add(offset);
                    values.add(entry.applyAsDouble(index));
                }
                for (int n = index.length - 1; n >= 0 && ++index[n] == shape.dim(n); n--) {
                    index[n] = 0;
                }
            }
            return new Sample(Coordinates.ofOffsets(shape, offsets.stream().mapToLong(Long::longValue).toArray()),
                    Tensor.of(values.stream().mapToDouble(Double::doubleValue).toArray(), values.size()));
        }

        @Override
        public void close() {
            at.close();
            values.close();
        }
    }

    private static CompletionReport.Candidate kept(CompletionReport report) {
        return report.candidates().stream().filter(CompletionReport.Candidate::kept).findFirst().orElseThrow();
    }

    private static double heldOutError(CompletionReport report, String name) {
        return report.candidates().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().validationRelativeError();
    }

    @Test
    void theKeptCompletionIsNeverWorseThanMainEffectsOnTheHeldOutEntries() {
        // Three kinds of data: additive plus noise (main effects are right), low rank (a model is
        // right), and pure noise (nothing is). Whatever is kept, its held-out error is at most the
        // main effects' on the same entries.
        SplittableRandom random = new SplittableRandom(5);
        double[] a = random.doubles(12).toArray(), b = random.doubles(9).toArray(), c = random.doubles(8).toArray();
        List<java.util.function.ToDoubleFunction<int[]>> kinds = List.of(
                i -> 3 + a[i[0]] + 2 * b[i[1]] - c[i[2]] + 0.05 * new SplittableRandom(i[0] * 1000 + i[1] * 10 + i[2]).nextGaussian(),
                i -> a[i[0]] * b[i[1]] * c[i[2]] + (a[i[0]] - 0.5) * (b[i[1]] - 0.5),
                i -> new SplittableRandom(i[0] * 1000 + i[1] * 10 + i[2]).nextGaussian());
        for (int kind = 0; kind < kinds.size(); kind++) {
            try (Sample sample = Sample.of(Shape.of(12, 9, 8), 0.3, kind, kinds.get(kind));
                 CompletionResult result = Completion.of(sample.at(), sample.values()).seed(kind).fit()) {
                CompletionReport report = result.report();
                double effects = heldOutError(report, "additive main effects");
                assertTrue(kept(report).validationRelativeError() <= effects, "kind " + kind + ":\n" + report);
                for (long i = 0; i < result.completed().size(); i++) {
                    assertTrue(Double.isFinite(result.completed().getFlat(i)), "kind " + kind + ": entry " + i);
                }
            }
        }
    }

    @Test
    void aLowRankTensorIsCompletedByTheModelNotByAMean() {
        SplittableRandom random = new SplittableRandom(8);
        double[][] u = new double[3][];
        for (int n = 0; n < 3; n++) {
            u[n] = random.doubles(15, -1, 1).toArray();
        }
        try (Sample sample = Sample.of(Shape.of(15, 15, 15), 0.2, 3, i -> 1 + u[0][i[0]] * u[1][i[1]] * u[2][i[2]]);
             CompletionResult result = Completion.of(sample.at(), sample.values()).seed(1).fit()) {
            assertTrue(kept(result.report()).name().contains("Tucker"), result.report().toString());
            assertTrue(kept(result.report()).validationRelativeError() < 0.5 * heldOutError(result.report(), "additive main effects"),
                    result.report().toString());
        }
    }

    @Test
    void aLargeTensorKeepsTheRanksItCanAfford() {
        // 300×300×300 with 2.16 M training entries: the cost estimate used to count sampled and dense
        // flops alike and lowered the ranks to 2×2×3 on the sampled path (one second an evaluation,
        // and below the tensor's rank 5, which the fit then could not even approach: it ended at
        // the mean). The dense path costs about the same whatever the ranks up to 16 or so.
        Shape shape = Shape.of(300, 300, 300);
        org.junit.jupiter.api.Assumptions.assumeTrue(deeptensor.tensor.OffHeapMemory.available() > (3L << 30),
                "the dense path needs its buffers in memory");
        int[] ranks = AutoCompletion.ranks(shape, 2_160_000);
        for (int r : ranks) {
            assertTrue(r >= 8, java.util.Arrays.toString(ranks));
        }
        assertEquals(deeptensor.internal.model.Evaluation.DENSE, AutoCompletion.evaluation(shape, ranks, 2_160_000));
        // The real tensors of docs/accuracy.md keep their ranks.
        assertEquals("[64, 64, 3]", java.util.Arrays.toString(AutoCompletion.ranks(Shape.of(256, 256, 3), 15_729)));
        assertEquals("[24, 64, 64]", java.util.Arrays.toString(AutoCompletion.ranks(Shape.of(24, 100, 152), 29_184)));
    }

    @Test
    void veryFewObservationsGiveMainEffectsAndSaySo() {
        try (Sample sample = Sample.of(Shape.of(4, 4), 0.6, 2, i -> i[0] + 10 * i[1]);
             CompletionResult result = Completion.of(sample.at(), sample.values()).fit()) {
            assertTrue(sample.at().count() < AutoCompletion.MIN_OBSERVED, "the sample is meant to be tiny: " + sample.at().count());
            assertEquals("additive main effects", kept(result.report()).name());
            assertTrue(result.report().stopMessage().contains("too few"), result.report().stopMessage());
        }
    }

    @Test
    void anInterruptedFitReturnsAFiniteCompletionAndLeavesTheFlagSet() {
        try (Sample sample = Sample.of(Shape.of(10, 10, 10), 0.3, 4, i -> Math.sin(i[0]) * Math.cos(i[1] + i[2]))) {
            Thread.currentThread().interrupt();
            try (CompletionResult result = Completion.of(sample.at(), sample.values()).seed(3).fit()) {
                assertTrue(Thread.interrupted(), "the interrupt flag stays set for the caller (and is cleared here)");
                assertEquals(StopReason.INTERRUPTED, result.report().stopReason());
                assertEquals(0, result.report().steps());
                for (long i = 0; i < result.completed().size(); i++) {
                    assertTrue(Double.isFinite(result.completed().getFlat(i)));
                }
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void aTimeBudgetStopsTheFitWithTheBestSoFar() {
        try (Sample sample = Sample.of(Shape.of(30, 30, 30), 0.2, 6, i -> Math.sin(i[0] + 0.3 * i[1]) * Math.cos(i[2]))) {
            long start = System.nanoTime();
            try (CompletionResult result = Completion.of(sample.at(), sample.values()).seed(3).maxTime(Duration.ofMillis(200)).fit()) {
                assertEquals(StopReason.TIME_LIMIT, result.report().stopReason(), result.report().toString());
                assertFalse(Thread.currentThread().isInterrupted());
                assertTrue(kept(result.report()).validationRelativeError() <= heldOutError(result.report(), "additive main effects"));
                assertTrue(System.nanoTime() - start < 60_000_000_000L, "stopped long after the budget");
            }
        }
    }

    @Test
    void progressIsReportedInOrder() {
        List<CompletionProgress> seen = new ArrayList<>();
        try (Sample sample = Sample.of(Shape.of(8, 7, 6), 0.4, 7, i -> i[0] * 0.1 + i[1] * i[2] * 0.01);
             CompletionResult result = Completion.of(sample.at(), sample.values()).progress(seen::add).fit()) {
            assertFalse(seen.isEmpty());
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i).fractionDone() >= seen.get(i - 1).fractionDone(), "share done went back at " + i);
                assertTrue(seen.get(i).elapsedSeconds() >= seen.get(i - 1).elapsedSeconds());
            }
            for (CompletionProgress p : seen) {
                assertTrue(p.fractionDone() >= 0 && p.fractionDone() <= 1, p.toString());
            }
        }
    }

    @Test
    void extremeMagnitudesCompleteLikeOrdinaryOnes() {
        // The values are scaled to RMS 1 before anything is squared, so data near the ends of the
        // double range complete to the same relative values as data near 1 (the scale factors are
        // powers of two, exact, so the fits see the same numbers).
        Shape shape = Shape.of(9, 8, 7);
        java.util.function.ToDoubleFunction<int[]> entry = i -> 1 + Math.sin(i[0]) * Math.cos(0.5 * i[1]) + 0.1 * i[2];
        try (Sample sample = Sample.of(shape, 0.4, 9, entry);
             CompletionResult reference = Completion.of(sample.at(), sample.values()).seed(2).fit()) {
            for (double unit : new double[] {0x1p-1000, 0x1p-530, 0x1p510, 0x1p990}) {
                try (Tensor scaled = sample.values().copy()) {
                    for (long e = 0; e < scaled.size(); e++) {
                        scaled.setFlat(e, scaled.getFlat(e) * unit);
                    }
                    try (CompletionResult result = Completion.of(sample.at(), scaled).seed(2).fit()) {
                        for (long i = 0; i < result.completed().size(); i++) {
                            assertEquals(reference.completed().getFlat(i), result.completed().getFlat(i) / unit,
                                    1e-12 * Math.abs(reference.completed().getFlat(i)), "unit " + unit + ", entry " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyOrderAndModesOfLengthOneComplete() {
        // Order 1 has no factorization (the best mean structure is kept); orders 2 to 4 and a mode
        // of length 1 go through the whole recipe. Each completion is finite and matches its
        // observed entries at least as well as the global mean does.
        Shape[] shapes = {Shape.of(60), Shape.of(12, 10), Shape.of(1, 15, 12), Shape.of(5, 4, 3, 4)};
        for (Shape shape : shapes) {
            try (Sample sample = Sample.of(shape, 0.5, 4, i -> {
                double v = 1;
                for (int n = 0; n < i.length; n++) {
                    v *= 1 + 0.1 * (i[n] % 5);
                }
                return v;
            }); CompletionResult result = Completion.of(sample.at(), sample.values()).seed(1).fit()) {
                assertEquals(shape, result.completed().shape());
                for (long i = 0; i < result.completed().size(); i++) {
                    assertTrue(Double.isFinite(result.completed().getFlat(i)), shape + ": entry " + i);
                }
                assertTrue(kept(result.report()).validationRelativeError() <= heldOutError(result.report(), "global mean"),
                        shape + "\n" + result.report());
            }
        }
    }
}
