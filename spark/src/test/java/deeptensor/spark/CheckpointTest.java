package deeptensor.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.model.ModelSpec;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Driver checkpoints: a fit stopped at step k with a checkpoint and resumed to step K ends where a
 * fit of K steps ends (no validation, so no early-stopping bookkeeping is involved), whether the
 * checkpoint is a periodic one or the one written when the fit stops; a checkpoint of another model
 * or optimizer, or a truncated or corrupt one, is refused with a message naming the file and the
 * problem, before any Spark job runs.
 */
class CheckpointTest {

    private static final int STEPS = 24;

    @TempDir
    Path folder;

    @Test
    void aResumedFitEndsWhereTheUninterruptedFitEnds() throws IOException {
        Dataset<Row> observed = new SyntheticTensor(EquivalenceTest.DIMS, 3, 5000, 0.1, 19).dataset(TestSpark.session(), 3);
        Path periodic = folder.resolve("periodic.dtck"), atStep16 = folder.resolve("step16.dtck");
        Path stopped = folder.resolve("stopped.dtck");
        // The uninterrupted fit, writing a checkpoint every 8 steps: the one of step 16 is copied
        // aside after step 16's update (the listener runs after each step).
        try (SparkCompletionResult whole = fit(observed, CP.shallow().rank(4), 1e-2).maxSteps(STEPS).checkpoint(periodic, 8)
                .listener(p -> {
                    if (p.step() == 17) {
                        copy(periodic, atStep16);
                    }
                }).fit();
             SparkCompletionResult stoppedAt9 = fit(observed, CP.shallow().rank(4), 1e-2).maxSteps(9).checkpoint(stopped, 0).fit();
             SparkCompletionResult fromPeriodic = fit(observed, CP.shallow().rank(4), 1e-2).maxSteps(STEPS).resumeFrom(atStep16).fit();
             SparkCompletionResult fromStopped = fit(observed, CP.shallow().rank(4), 1e-2).maxSteps(STEPS).resumeFrom(stopped).fit();
             Coordinates somewhere = EquivalenceTest.randomEntries(Shape.of(EquivalenceTest.DIMS), 3000, 8)) {
            assertTrue(Files.exists(atStep16), "no checkpoint was written by step 16");
            assertEquals(9, stoppedAt9.report().steps());
            for (SparkCompletionResult resumed : new SparkCompletionResult[] {fromPeriodic, fromStopped}) {
                assertEquals(STEPS, resumed.report().steps());
                double difference = EquivalenceTest.relativeDifference(whole.model(), resumed.model(), somewhere);
                System.out.printf("resumed to step %d: relative difference %.3e%n", STEPS, difference);
                assertTrue(difference <= 1e-12, "the resumed fit differs by " + difference);
            }
            // The stopped fit is well away from the whole one: the comparison above can fail.
            double apart = EquivalenceTest.relativeDifference(whole.model(), stoppedAt9.model(), somewhere);
            assertTrue(apart > 1e-3, "9 and " + STEPS + " steps differ by only " + apart);
            // The checkpoint written at the end of the whole fit is of its last step: resuming it takes no step.
            try (SparkCompletionResult again = fit(observed, CP.shallow().rank(4), 1e-2).maxSteps(STEPS).resumeFrom(periodic).fit()) {
                assertEquals(STEPS, again.report().steps());
                assertTrue(again.report().stepSeconds().length == 0, "a fit resumed at its step budget took steps");
            }
        }
    }

    @Test
    void aCheckpointThatDoesNotFitIsRefusedWithAClearMessage() throws IOException {
        Dataset<Row> observed = new SyntheticTensor(EquivalenceTest.DIMS, 3, 2000, 0.1, 23).dataset(TestSpark.session(), 2);
        Path file = folder.resolve("cp4.dtck");
        fit(observed, CP.shallow().rank(4), 1e-2).maxSteps(3).checkpoint(file, 0).fit().close();
        assertTrue(Files.size(file) > 0);
        refused(fit(observed, CP.shallow().rank(5), 1e-2).resumeFrom(file), "is for the model");
        refused(fit(observed, CP.shallow().rank(4), 3e-3).resumeFrom(file), "was written with optimizer");

        byte[] bytes = Files.readAllBytes(file);
        Path truncated = folder.resolve("truncated.dtck");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        refused(fit(observed, CP.shallow().rank(4), 1e-2).resumeFrom(truncated), "is truncated");

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 6] ^= 0x10; // a bit of a parameter (the parameters are the first third after the header)
        Path corrupt = folder.resolve("corrupt.dtck");
        Files.write(corrupt, flipped);
        refused(fit(observed, CP.shallow().rank(4), 1e-2).resumeFrom(corrupt), "corrupt parameters");

        Path missing = folder.resolve("missing.dtck");
        UncheckedIOException absent = assertThrows(UncheckedIOException.class, () -> fit(observed, CP.shallow().rank(4), 1e-2)
                .resumeFrom(missing).fit());
        assertTrue(absent.getMessage().contains("no such file"), absent.getMessage());
    }

    private static void refused(SparkCompletion completion, String expected) {
        IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, completion::fit);
        System.out.println("refused: " + refusal.getMessage());
        assertTrue(refusal.getMessage().startsWith("checkpoint "), refusal.getMessage());
        assertTrue(refusal.getMessage().contains(expected), refusal.getMessage());
    }

    private static SparkCompletion fit(Dataset<Row> observed, ModelSpec spec, double learningRate) {
        return SparkCompletion.of(observed, EquivalenceTest.DIMS).model(spec).seed(5).learningRate(learningRate).initScale(0.1)
                .checkEvery(8).validationFraction(0).partitions(3);
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
