package deeptensor.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The mini-batch and local-SGD variants: their degenerate settings give the full-batch steps, their
 * real settings are deterministic (mini-batch: whatever the partitioning; local SGD: despite a
 * failed task) and differ from full batch, and they learn.
 */
class VariantsTest {

    private static final int STEPS = 20;

    @Test
    void miniBatchesOfEveryEntryAreFullBatchAndSamplesDoNotDependOnPartitioning() {
        Dataset<Row> observed = new SyntheticTensor(EquivalenceTest.DIMS, 3, 5000, 0.1, 29).dataset(TestSpark.session(), 3);
        try (SparkCompletionResult full = fit(observed, 3).fit();
             SparkCompletionResult everyEntry = fit(observed, 3).miniBatch(1).fit();
             SparkCompletionResult sampled = fit(observed, 3).miniBatch(0.3).fit();
             SparkCompletionResult sampledAgain = fit(observed, 2).miniBatch(0.3).fit();
             Coordinates somewhere = EquivalenceTest.randomEntries(Shape.of(EquivalenceTest.DIMS), 3000, 4)) {
            double same = EquivalenceTest.relativeDifference(full.model(), everyEntry.model(), somewhere);
            double repeated = EquivalenceTest.relativeDifference(sampled.model(), sampledAgain.model(), somewhere);
            double apart = EquivalenceTest.relativeDifference(full.model(), sampled.model(), somewhere);
            System.out.printf("mini-batch 1 vs full batch %.3e; mini-batch 0.3 in 3 vs 2 partitions %.3e; vs full batch %.3e%n",
                    same, repeated, apart);
            assertTrue(same <= 1e-12, "a mini-batch of every entry differs from full batch by " + same);
            assertTrue(repeated <= 1e-12, "the same samples in another partitioning differ by " + repeated);
            assertTrue(apart > 1e-3, "samples of 30 % make nearly full-batch steps: " + apart);
            assertEquals(STEPS, sampled.report().steps());
            assertLearned(sampled);
        }
    }

    @Test
    void theSampleIsAboutTheFractionAndDependsOnTheStep() {
        long key = Executors.stepKey(12, 3), other = Executors.stepKey(12, 4);
        int n = 200_000, taken = 0, both = 0;
        SplittableRandom positions = new SplittableRandom(1);
        for (int e = 0; e < n; e++) {
            long offset = positions.nextLong(1L << 40);
            boolean in = Executors.inBatch(offset, key, 0.25);
            taken += in ? 1 : 0;
            both += in && Executors.inBatch(offset, other, 0.25) ? 1 : 0;
            assertEquals(in, Executors.inBatch(offset, key, 0.25));
        }
        // Binomial(200 000, 0.25): standard deviation 194; for two steps' samples to overlap, 0.0625 and 108.
        assertTrue(Math.abs(taken - 0.25 * n) < 5 * 194, "taken " + taken + " of " + n);
        assertTrue(Math.abs(both - 0.0625 * n) < 5 * 108, "in both steps' samples: " + both);
    }

    @Test
    void localSgdInOnePartitionIsFullBatchAndIsDeterministicInSeveral() {
        Dataset<Row> observed = new SyntheticTensor(EquivalenceTest.DIMS, 3, 5000, 0.1, 31).dataset(TestSpark.session(), 3);
        try (SparkCompletionResult full = fit(observed, 1).fit();
             SparkCompletionResult onePartition = fit(observed, 1).localSteps(5).fit();
             SparkCompletionResult local = fit(observed, 3).localSteps(5).fit();
             SparkCompletionResult localAgain = fit(observed, 3).localSteps(5).failOnce(10, 1).fit();
             Coordinates somewhere = EquivalenceTest.randomEntries(Shape.of(EquivalenceTest.DIMS), 3000, 6)) {
            double same = EquivalenceTest.relativeDifference(full.model(), onePartition.model(), somewhere);
            double repeated = EquivalenceTest.relativeDifference(local.model(), localAgain.model(), somewhere);
            double apart = EquivalenceTest.relativeDifference(full.model(), local.model(), somewhere);
            System.out.printf("local SGD in 1 partition vs full batch %.3e; 3 partitions, again with a failed task %.3e; "
                    + "vs full batch %.3e%n", same, repeated, apart);
            assertTrue(same <= 1e-12, "local SGD in one partition differs from full batch by " + same);
            assertTrue(repeated <= 1e-12, "local SGD run twice differs by " + repeated);
            assertTrue(apart > 1e-3, "local SGD in 3 partitions makes nearly full-batch steps: " + apart);
            assertEquals(STEPS, local.report().steps());
            assertEquals(STEPS / 5, local.report().stepSeconds().length, "rounds of 5 steps");
            assertLearned(local);
        }
        IllegalStateException misaligned = assertThrows(IllegalStateException.class, () -> fit(observed, 3).localSteps(3).fit());
        assertTrue(misaligned.getMessage().contains("multiple of the local steps"), misaligned.getMessage());
        IllegalStateException both = assertThrows(IllegalStateException.class, () -> fit(observed, 3).localSteps(5).miniBatch(0.5).fit());
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
    }

    /** The training loss at the end is below the one at the first check (5 steps in) by more than rounding. */
    private static void assertLearned(SparkCompletionResult result) {
        double first = result.report().history().getFirst().trainLoss(), last = result.report().trainLoss();
        assertTrue(last < 0.97 * first, "the training loss went from " + first + " to " + last);
    }

    private static SparkCompletion fit(Dataset<Row> observed, int partitions) {
        return SparkCompletion.of(observed, EquivalenceTest.DIMS).model(CP.shallow().rank(4)).seed(13).learningRate(2e-2)
                .initScale(0.1).maxSteps(STEPS).checkEvery(5).validationFraction(0).partitions(partitions);
    }
}
