package deeptensor.internal.train;

import deeptensor.train.StopReason;
import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.internal.model.Model;
import deeptensor.model.Tucker;
import deeptensor.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training run stops at the next step when its thread is interrupted or its time budget runs out. */
class TrainerStopTest {

    private static final Shape SHAPE = Shape.of(6, 5, 4);

    @TempDir
    Path directory;

    @Test
    void anInterruptedRunStopsAtOnceWritesItsCheckpointAndLeavesTheFlagSet() {
        Path checkpoint = directory.resolve("run.ckpt");
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(Tucker.deep(2), SHAPE)) {
            Initializer.endToEnd(0.1).initialize(model, 2);
            double[] before = model.parameters().values().toArray();
            Thread.currentThread().interrupt();
            TrainingResult result;
            try {
                result = new Trainer().optimizer(Optimizer.adam(0.01)).maxSteps(1_000_000).checkpoint(checkpoint, 100)
                        .fit(model, problem.at(), problem.values());
                assertTrue(Thread.currentThread().isInterrupted(), "the flag stays set for the caller");
            } finally {
                Thread.interrupted();
            }
            assertEquals(StopReason.INTERRUPTED, result.reason(), result.message());
            assertEquals(0, result.steps());
            assertTrue(java.util.Arrays.equals(before, model.parameters().values().toArray()), "no step was taken");
            assertTrue(Files.isRegularFile(checkpoint), "the checkpoint of where it stopped was written despite the interrupt");
        }
    }

    @Test
    void aTimeBudgetStopsTheRun() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(Tucker.deep(2), SHAPE)) {
            Initializer.endToEnd(0.1).initialize(model, 2);
            long start = System.nanoTime();
            TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.01)).maxSteps(Long.MAX_VALUE).maxTime(Duration.ofMillis(100))
                    .fit(model, problem.at(), problem.values());
            assertEquals(StopReason.TIME_LIMIT, result.reason(), result.message());
            assertTrue(result.steps() > 0, "some steps ran");
            assertTrue(System.nanoTime() - start < 30_000_000_000L, "the run went on long after its budget");
        }
    }

    @Test
    void aBudgetMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Trainer().maxTime(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Trainer().maxTime(Duration.ofSeconds(-1)));
    }
}
