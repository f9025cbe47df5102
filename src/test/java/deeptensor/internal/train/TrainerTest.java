package deeptensor.internal.train;

import deeptensor.train.StopReason;
import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.internal.model.Model;
import deeptensor.model.Tucker;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    private static final Shape SHAPE = Shape.of(6, 5, 4);

    @TempDir
    Path directory;

    @Test
    void fullBatchTrainingFitsTheObservedEntriesToTheTolerance() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(CP.shallow().rank(4), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.02)).maxSteps(20_000).lossTolerance(1e-6)
                    .fit(model, problem.at(), problem.values());
            assertEquals(StopReason.TOLERANCE, result.reason(), result.message());
            assertTrue(result.trainLoss() <= 1e-6, "final train loss " + result.trainLoss());
        }
    }

    @Test
    void runsAreBitIdenticalForTheSameSeedsFullBatchAndMiniBatch() {
        for (int batch : new int[] {0, 16}) {
            double[] first = trainedParameters(batch, 7, 60);
            double[] second = trainedParameters(batch, 7, 60);
            assertArrayEquals(first, second, 0.0, "batch " + batch);
        }
        assertFalse(java.util.Arrays.equals(trainedParameters(16, 7, 60), trainedParameters(16, 8, 60)),
                "another mini-batch seed gives another path");
    }

    private double[] trainedParameters(int batch, long seed, long steps) {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 3); Model model = Models.build(Tucker.deep(2), SHAPE)) {
            Initializer.endToEnd(0.1).initialize(model, 4);
            new Trainer().optimizer(Optimizer.adam(0.01)).batchSize(batch).seed(seed).maxSteps(steps).checkEvery(10)
                    .fit(model, problem.at(), problem.values());
            return model.parameters().values().toArray();
        }
    }

    @Test
    void aResumedRunContinuesExactlyLikeAnUninterruptedOne() {
        for (Optimizer optimizer : new Optimizer[] {Optimizer.adam(0.01), Optimizer.groupRmsProp(0.01)}) {
            for (int batch : new int[] {0, 16}) {
                Path file = directory.resolve("run-" + batch + ".ckpt");
                try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 5);
                     Model straight = Models.build(CP.deep(2).rank(3), SHAPE);
                     Model interrupted = Models.build(CP.deep(2).rank(3), SHAPE)) {
                    Initializer.endToEnd(0.2).initialize(straight, 6);
                    Initializer.endToEnd(0.2).initialize(interrupted, 6);
                    new Trainer().optimizer(optimizer).batchSize(batch).seed(9).maxSteps(40).checkEvery(10)
                            .fit(straight, problem.at(), problem.values());
                    new Trainer().optimizer(optimizer).batchSize(batch).seed(9).maxSteps(20).checkEvery(10).checkpoint(file, 10)
                            .fit(interrupted, problem.at(), problem.values());
                    Initializer.gaussian(1.0).initialize(interrupted, 99); // wipe: the checkpoint must restore everything
                    TrainingResult resumed = new Trainer().optimizer(optimizer).batchSize(batch).seed(9).maxSteps(40).checkEvery(10)
                            .resumeFrom(file).fit(interrupted, problem.at(), problem.values());
                    assertEquals(40, resumed.steps());
                    assertArrayEquals(straight.parameters().values().toArray(), interrupted.parameters().values().toArray(), 0.0,
                            optimizer + ", batch " + batch);
                }
            }
        }
    }

    @Test
    void divergenceStopsRestoresTheLastGoodStateAndSaysWhatToChange() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(CP.shallow().rank(4), SHAPE)) {
            Initializer.gaussian(0.5).initialize(model, 2);
            List<double[]> atChecks = new ArrayList<>();
            TrainingResult result = new Trainer().optimizer(Optimizer.gradientDescent(50)).maxSteps(1000).checkEvery(1)
                    .listener(1, progress -> atChecks.add(progress.model().parameters().values().toArray()))
                    .fit(model, problem.at(), problem.values());
            assertEquals(StopReason.DIVERGED, result.reason());
            assertTrue(result.message().contains("learning rate") && result.message().contains("GroupRMSprop"), result.message());
            assertTrue(Double.isFinite(result.trainLoss()), "the restored state has a finite loss");
            for (double v : model.parameters().values().toArray()) {
                assertTrue(Double.isFinite(v));
            }
            // The restored parameters are those of the last check before the divergence.
            assertArrayEquals(atChecks.get(atChecks.size() - 1), model.parameters().values().toArray(), 0.0);
        }
    }

    @Test
    void earlyStoppingKeepsTheBestValidationState() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 3, 50, 11);
             Observations entries = Observations.of(problem.at(), problem.values());
             Split split = Split.of(entries, 0.3, 12);
             Model model = Models.build(CP.shallow(), SHAPE)) {
            Initializer.gaussian(0.5).initialize(model, 13);
            TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.05)).maxSteps(20_000).checkEvery(20).patience(5)
                    .fit(model, split);
            assertEquals(StopReason.EARLY_STOPPING, result.reason(), result.message());
            double bestInHistory = result.history().stream().mapToDouble(TrainingResult.Check::validationLoss).min().orElseThrow();
            assertEquals(bestInHistory, result.validationLoss(), 0.0);
            assertNotEquals(result.history().get(result.history().size() - 1).validationLoss(), result.validationLoss(),
                    "the final check was worse than the best, so a restore happened");
        }
    }

    @Test
    void aPlateauIsNotMistakenForOverfitting() {
        // A step so small that neither loss moves: the validation loss never improves after the first
        // check, but the training loss is not falling either, so patience must not run out.
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 3, 50, 11);
             Observations entries = Observations.of(problem.at(), problem.values());
             Split split = Split.of(entries, 0.3, 12);
             Model model = Models.build(CP.deep(3), SHAPE)) {
            Initializer.gaussian(1e-3).initialize(model, 13);
            TrainingResult result = new Trainer().optimizer(Optimizer.gradientDescent(1e-6)).maxSteps(400).checkEvery(10).patience(2)
                    .fit(model, split);
            assertEquals(StopReason.MAX_STEPS, result.reason(), result.message());
        }
    }

    @Test
    void plateauRuleStopsAStalledRun() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            TrainingResult result = new Trainer().optimizer(Optimizer.gradientDescent(1e-9)).maxSteps(10_000).checkEvery(10)
                    .plateau(3, 1e-4).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.PLATEAU, result.reason());
            assertEquals(40, result.steps(), "stops at the first check that can look 3 checks back");
        }
    }

    @Test
    void listenersRunOnTheirOwnIntervals() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            List<Long> every7 = new ArrayList<>(), every10 = new ArrayList<>();
            new Trainer().optimizer(Optimizer.adam(1e-3)).maxSteps(30).checkEvery(10)
                    .listener(7, p -> every7.add(p.step()))
                    .listener(10, p -> {
                        every10.add(p.step());
                        assertTrue(Double.isFinite(p.trainLoss()), "train loss is known at a check");
                    })
                    .fit(model, problem.at(), problem.values());
            assertEquals(List.of(7L, 14L, 21L, 28L), every7);
            assertEquals(List.of(10L, 20L, 30L), every10);
        }
    }

    @Test
    void checkpointsAreWrittenAtomicallyAndCheckedOnRead() throws IOException {
        Path file = directory.resolve("model.ckpt");
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1);
             Model model = Models.build(CP.shallow().rank(3), SHAPE);
             Model other = Models.build(CP.shallow().rank(4), SHAPE);
             OptimizerState state = OptimizerState.start(Optimizer.adam(1e-3), model.parameters().size());
             OptimizerState otherState = OptimizerState.start(Optimizer.adam(1e-3), other.parameters().size())) {
            new Trainer().maxSteps(10).checkpoint(file, 5).fit(model, problem.at(), problem.values());
            try (Stream<Path> files = Files.list(directory)) {
                assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
            }
            assertEquals(10, Checkpoint.read(file, model, state));
            IllegalArgumentException wrongModel = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file, other, otherState));
            assertTrue(wrongModel.getMessage().contains("rank 3"), wrongModel.getMessage());
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
            Initializer.gaussian(1.0).initialize(model, 77);
            double[] before = model.parameters().values().toArray();
            IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file, model, state));
            assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
            assertArrayEquals(before, model.parameters().values().toArray(), 0.0, "a bad checkpoint leaves the model as it was");
            Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            IllegalArgumentException magic = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file, model, state));
            assertTrue(magic.getMessage().contains("not a deeptensor checkpoint"), magic.getMessage());
        }
    }

    @Test
    void withValidationTheFinalCheckpointHoldsTheStateOfItsStepNotTheKeptBest() {
        // Early stopping keeps the best validation state in the model; the checkpoint must still hold
        // the parameters of the step it is labelled with, so that resuming continues from there.
        Path file = directory.resolve("validated.ckpt");
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 40, 3);
             Observations entries = Observations.of(problem.at(), problem.values());
             Split split = Split.of(entries, 0.3, 4);
             Model model = Models.build(CP.deep(2).rank(6), SHAPE);
             Model reference = Models.build(CP.deep(2).rank(6), SHAPE)) {
            Initializer.endToEnd(0.2).initialize(model, 6);
            Initializer.endToEnd(0.2).initialize(reference, 6);
            TrainingResult run = new Trainer().optimizer(Optimizer.adam(0.05)).seed(9).maxSteps(400).checkEvery(10)
                    .patience(0).keepBest(true).checkpoint(file, 1000).fit(model, split);
            new Trainer().optimizer(Optimizer.adam(0.05)).seed(9).maxSteps(run.steps()).checkEvery(10)
                    .patience(0).keepBest(false).fit(reference, split);
            try (Model read = Models.build(CP.deep(2).rank(6), SHAPE);
                 OptimizerState state = OptimizerState.start(Optimizer.adam(0.05), read.parameters().size())) {
                assertEquals(run.steps(), Checkpoint.read(file, read, state));
                assertArrayEquals(reference.parameters().values().toArray(), read.parameters().values().toArray(), 0.0,
                        "the checkpoint of step " + run.steps() + " holds that step's parameters");
            }
            // Not vacuous: the model itself holds an earlier, better state (few observations overfit).
            assertFalse(java.util.Arrays.equals(reference.parameters().values().toArray(), model.parameters().values().toArray()),
                    "the kept best state should differ from the last step's in this setting");
        }
    }
}
