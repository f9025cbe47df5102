package deeptensor.internal.train;

import deeptensor.train.StopReason;
import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.internal.model.Model;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stopping rules of a run, each checked against an oracle computed from what the run reports
 * (its history and the step losses seen by a listener), so that a rule firing one check too early or
 * too late, or never, fails.
 */
class TrainingRulesTest {

    private static final Shape SHAPE = Shape.of(6, 5, 4);

    @TempDir
    Path directory;

    private static double meanSquare(Tensor values) {
        double sum = 0;
        for (long i = 0; i < values.size(); i++) {
            sum += values.getFlat(i) * values.getFlat(i);
        }
        return sum / values.size();
    }

    /** Step losses seen by a listener called every step: entry k is the loss computed at step k (before its update). */
    private record StepLosses(List<Double> losses, List<double[]> parameters) implements TrainingListener {
        StepLosses() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        @Override
        public void onProgress(Progress progress) {
            assertEquals(losses.size() + 1, progress.step(), "a listener of interval 1 sees every step");
            losses.add(progress.stepLoss());
            parameters.add(progress.model().parameters().values().toArray());
        }
    }

    // ------------------------------------------------------------------------------------ divergence

    private static final Pattern GREW = Pattern.compile(
            "training diverged at step (\\d+): the loss grew to (\\S+), more than (\\S+) times its starting scale (\\S+); "
                    + "the parameters of step (\\d+) \\(the last good state\\) were restored\\. To fix it, lower the learning rate "
                    + "\\(now (\\S+); try (\\S+)\\)(.*), or start from a smaller initialization\\.");

    /**
     * Finite growth past {@code explodeFactor} times the starting scale: the run stops at the first step
     * whose loss exceeds the threshold, says so with the numbers, and restores the last check.
     */
    @Test
    void finiteGrowthPastTheFactorIsDivergenceAtTheFirstStepAboveIt() {
        // (initial scale, learning rate): found by trying; the first grows slowly from a small start (the
        // targets' mean square is the larger reference), the second jumps from a large start (the first
        // loss is the larger reference). Both stay finite, so the message gives the numbers.
        divergesByFiniteGrowth(0.3, 5, false, 4);
        divergesByFiniteGrowth(1.0, 3, true, 4);
        // With a check every step, the check's training loss finds the divergence, and the diverged
        // state must not become the "last good" one.
        divergesByFiniteGrowth(0.3, 5, false, 1);
    }

    private void divergesByFiniteGrowth(double init, double rate, boolean firstLossIsTheScale, int checkEvery) {
        double factor = 3;
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(CP.shallow().rank(4), SHAPE)) {
            Initializer.gaussian(init).initialize(model, 2);
            double[] initial = model.parameters().values().toArray();
            StepLosses seen = new StepLosses();
            TrainingResult result = new Trainer().optimizer(Optimizer.gradientDescent(rate)).maxSteps(1000).checkEvery(checkEvery)
                    .explodeFactor(factor).listener(1, seen).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.DIVERGED, result.reason(), result.message());
            Matcher m = GREW.matcher(result.message());
            assertTrue(m.matches(), result.message());
            long stop = Long.parseLong(m.group(1));
            double loss = Double.parseDouble(m.group(2));
            double scale = Double.parseDouble(m.group(4));
            assertEquals(result.steps(), stop);
            assertEquals(factor, Double.parseDouble(m.group(3)));
            // The starting scale is the larger of the first loss and the targets' mean square.
            double first = seen.losses().get(0);
            double targets = meanSquare(problem.values());
            assertEquals(Math.max(first, targets), scale, 0.0);
            assertEquals(firstLossIsTheScale, first > targets, "first loss " + first + ", targets' mean square " + targets);
            assertTrue(loss > factor * scale, loss + " > " + factor + " × " + scale);
            // Found at a check (stop a multiple of checkEvery), the run stops before reporting that step;
            // found by the step loss, every step before the divergent one was reported.
            assertEquals(stop % checkEvery == 0 ? stop - 1 : stop, seen.losses().size(), "steps reported before the stop");
            for (double earlier : seen.losses()) {
                assertTrue(earlier <= factor * scale, "an earlier step loss " + earlier + " was already above the threshold");
            }
            // The last good state is the last check before the divergent step (found by a step loss, or by a
            // check at that step, whose training loss is the same full-batch loss).
            assertTrue(result.trainLoss() <= factor * scale, "the restored state is below the threshold: " + result.trainLoss());
            long lastCheck = (stop - 1) / checkEvery * checkEvery;
            assertEquals(lastCheck, Long.parseLong(m.group(5)), result.message());
            double[] expected = lastCheck == 0 ? initial : seen.parameters().get((int) lastCheck - 1);
            assertArrayEquals(expected, model.parameters().values().toArray(), 0.0, "restored the state of step " + lastCheck);
            assertEquals(String.valueOf(rate), m.group(6));
            assertEquals(String.valueOf(rate / 10), m.group(7));
            assertEquals(" or use GroupRMSprop or Adam, which adapt the step size", m.group(8));
        }
    }

    /** Before the first check, the last good state is the starting one (step 0); Adam gets no advice to switch to Adam. */
    @Test
    void divergenceBeforeTheFirstCheckRestoresTheStartingParameters() {
        Path file = directory.resolve("diverged.ckpt");
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(CP.shallow().rank(4), SHAPE)) {
            Initializer.gaussian(1.0).initialize(model, 2);
            double[] initial = model.parameters().values().toArray();
            TrainingResult result = new Trainer().optimizer(Optimizer.adam(5)).maxSteps(1000).checkEvery(1000).explodeFactor(1.5)
                    .checkpoint(file, 0).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.DIVERGED, result.reason(), result.message());
            assertTrue(result.message().contains("the parameters of step 0 (the last good state) were restored"), result.message());
            assertTrue(result.message().contains("(now 5.0; try 0.5)"), result.message());
            assertFalse(result.message().contains("GroupRMSprop"), "already adaptive: " + result.message());
            assertTrue(result.history().isEmpty());
            assertArrayEquals(initial, model.parameters().values().toArray(), 0.0);
            assertFalse(Files.exists(file), "a diverged run writes no final checkpoint");
        }
    }

    /** Below the factor there is no divergence: a run whose loss only falls reaches its step budget. */
    @Test
    void aFallingLossNeverCountsAsDivergenceEvenWithASmallFactor() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(CP.shallow().rank(4), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            StepLosses seen = new StepLosses();
            TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.01)).maxSteps(200).checkEvery(10).explodeFactor(1.0001)
                    .listener(1, seen).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.MAX_STEPS, result.reason(), result.message());
            assertEquals("stopped after the step budget of 200 steps", result.message());
            assertEquals(200, seen.losses().size());
            assertEquals(20, result.history().size());
        }
    }

    // ------------------------------------------------------------------------------------ tolerance

    /** Full batch: the run stops at the first step whose loss is within the tolerance, not at the next check. */
    @Test
    void fullBatchToleranceStopsAtTheFirstStepWithinIt() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(CP.shallow().rank(4), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            double tolerance = 0.05;
            StepLosses seen = new StepLosses();
            // batchSize = m is a full batch too (a sampler only for batches smaller than the data)
            TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.02)).maxSteps(20_000).checkEvery(1000).batchSize(80)
                    .lossTolerance(tolerance).listener(1, seen).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.TOLERANCE, result.reason(), result.message());
            assertEquals(seen.losses().size(), result.steps(), "every step before the stop was reported");
            for (double loss : seen.losses()) {
                assertTrue(loss > tolerance, "an earlier step loss " + loss + " was already within the tolerance");
            }
            assertTrue(result.trainLoss() <= tolerance, "final " + result.trainLoss());
            assertTrue(result.steps() % 1000 != 0 && result.steps() < 1000, "stopped at step " + result.steps() + ", before any check");
            assertTrue(result.message().startsWith("the training loss ") && result.message().endsWith(
                    " reached the tolerance " + tolerance + " at step " + result.steps()), result.message());
        }
    }

    /** Mini-batch: step losses are of a sample, so the tolerance is only applied at checks, to the full training loss. */
    @Test
    void miniBatchToleranceIsAppliedAtChecksOnly() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(CP.shallow().rank(4), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            double tolerance = 0.05;
            TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.02)).maxSteps(20_000).checkEvery(7).batchSize(79)
                    .seed(3).lossTolerance(tolerance).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.TOLERANCE, result.reason(), result.message());
            assertEquals(0, result.steps() % 7, "stopped at step " + result.steps());
            List<TrainingResult.Check> history = result.history();
            assertEquals(result.steps(), history.get(history.size() - 1).step());
            assertTrue(history.get(history.size() - 1).trainLoss() <= tolerance);
            for (TrainingResult.Check check : history.subList(0, history.size() - 1)) {
                assertTrue(check.trainLoss() > tolerance, "check at step " + check.step() + " was already within the tolerance");
            }
            assertEquals(history.get(history.size() - 1).trainLoss(), result.trainLoss(), 0.0);
        }
    }

    // ------------------------------------------------------------------------------------ plateau

    /**
     * The plateau rule against a replay of the history: stop at the first check {@code i ≥ checks}
     * where {@code h[i-checks] - h[i] < rel · h[i-checks]}, and not before.
     */
    @Test
    void plateauStopsAtTheFirstCheckTheRuleHoldsForAndNotBefore() {
        for (int checks : new int[] {1, 2, 4}) {
            double relative = 0.02;
            try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(CP.shallow().rank(2), SHAPE)) {
                Initializer.gaussian(0.3).initialize(model, 2);
                TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.01)).maxSteps(20_000).checkEvery(10)
                        .plateau(checks, relative).fit(model, problem.at(), problem.values());
                assertEquals(StopReason.PLATEAU, result.reason(), result.message());
                List<TrainingResult.Check> history = result.history();
                int expected = -1;
                for (int i = checks; i < history.size(); i++) {
                    double earlier = history.get(i - checks).trainLoss(), now = history.get(i).trainLoss();
                    if (earlier - now < relative * earlier) {
                        expected = i;
                        break;
                    }
                }
                assertEquals(history.size() - 1, expected, "checks " + checks + ": stop at the first check where the rule holds");
                assertTrue(expected > checks, "not vacuous: the loss fell fast enough at first (checks " + checks + ")");
                assertEquals(history.get(expected).step(), result.steps());
                assertEquals("the training loss fell by less than " + relative + " (relative) over the last " + checks + " checks",
                        result.message());
            }
        }
    }

    @Test
    void plateauWithZeroChecksIsOff() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            TrainingResult result = new Trainer().optimizer(Optimizer.gradientDescent(1e-9)).maxSteps(100).checkEvery(10)
                    .plateau(0, 0.5).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.MAX_STEPS, result.reason(), result.message());
        }
    }

    // ------------------------------------------------------------------------------------ patience

    /**
     * Early stopping against a replay of the history: a check that improves the validation loss resets
     * the count, one that does not counts only while the training loss still falls by more than 0.1 %,
     * and the run stops when the count reaches the patience, keeping (or not) the best state.
     */
    @Test
    void patienceCountsLikeTheDocumentedRuleAndKeepsTheBestState() {
        for (int patience : new int[] {1, 3}) {
            for (boolean keepBest : new boolean[] {true, false}) {
                try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 3, 50, 11);
                     Observations entries = Observations.of(problem.at(), problem.values());
                     Split split = Split.of(entries, 0.3, 12);
                     Model model = Models.build(CP.shallow(), SHAPE)) {
                    Initializer.gaussian(0.5).initialize(model, 13);
                    TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.05)).maxSteps(20_000).checkEvery(20)
                            .patience(patience).keepBest(keepBest).fit(model, split);
                    String where = "patience " + patience + ", keepBest " + keepBest;
                    assertEquals(StopReason.EARLY_STOPPING, result.reason(), where + ": " + result.message());
                    List<TrainingResult.Check> history = result.history();
                    double best = Double.POSITIVE_INFINITY, previousTrain = Double.NaN;
                    long bestStep = -1;
                    int count = 0, stopAt = -1;
                    for (int i = 0; i < history.size(); i++) {
                        TrainingResult.Check check = history.get(i);
                        if (check.validationLoss() < best) {
                            best = check.validationLoss();
                            bestStep = check.step();
                            count = 0;
                        } else if (!(check.trainLoss() > 0.999 * previousTrain)) {
                            count++;
                        }
                        previousTrain = check.trainLoss();
                        if (count >= patience) {
                            stopAt = i;
                            break;
                        }
                    }
                    assertEquals(history.size() - 1, stopAt, where);
                    assertEquals(history.get(stopAt).step(), result.steps(), where);
                    assertEquals("the validation loss did not improve for " + patience + " checks; kept the best state, step " + bestStep
                            + " (validation loss " + best + ")", result.message(), where);
                    TrainingResult.Check last = history.get(stopAt);
                    assertTrue(last.validationLoss() > best, where + ": not vacuous, the last check is worse than the best");
                    if (keepBest) {
                        assertEquals(best, result.validationLoss(), 0.0, where);
                    } else {
                        assertEquals(last.validationLoss(), result.validationLoss(), 0.0, where);
                        assertEquals(last.trainLoss(), result.trainLoss(), 0.0, where);
                    }
                }
            }
        }
    }

    /**
     * A run whose parameters do not move at all (a step of 1e-30 is lost to rounding) is not
     * overfitting: neither loss falls, so patience does not run out. The losses stay below 1 here
     * (the model was fitted first), which matters for the 0.1 % rule's comparison.
     */
    @Test
    void aStalledRunAfterFittingDoesNotUsePatience() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 3, 50, 11);
             Observations entries = Observations.of(problem.at(), problem.values());
             Split split = Split.of(entries, 0.3, 12);
             Model model = Models.build(CP.shallow(), SHAPE)) {
            Initializer.gaussian(0.5).initialize(model, 13);
            new Trainer().optimizer(Optimizer.adam(0.05)).maxSteps(60).checkEvery(20).fit(model, split);
            TrainingResult stalled = new Trainer().optimizer(Optimizer.gradientDescent(1e-30)).maxSteps(100).checkEvery(10).patience(1)
                    .fit(model, split);
            assertEquals(StopReason.MAX_STEPS, stalled.reason(), stalled.message());
            List<TrainingResult.Check> history = stalled.history();
            for (TrainingResult.Check check : history) {
                assertEquals(history.get(0).trainLoss(), check.trainLoss(), 0.0, "not moving at all");
                assertEquals(history.get(0).validationLoss(), check.validationLoss(), 0.0);
            }
            assertTrue(history.get(0).trainLoss() < 0.5, "fitted first: " + history.get(0).trainLoss());
        }
    }

    /** keepBest applies at every stop with a validation part, here the step budget, without patience. */
    @Test
    void keepBestRestoresTheBestCheckAtTheStepBudgetToo() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 3, 50, 11);
             Observations entries = Observations.of(problem.at(), problem.values());
             Split split = Split.of(entries, 0.3, 12);
             Model model = Models.build(CP.shallow(), SHAPE)) {
            Initializer.gaussian(0.5).initialize(model, 13);
            TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.05)).maxSteps(1000).checkEvery(20).fit(model, split);
            assertEquals(StopReason.MAX_STEPS, result.reason());
            double best = result.history().stream().mapToDouble(TrainingResult.Check::validationLoss).min().orElseThrow();
            assertEquals(best, result.validationLoss(), 0.0);
            assertTrue(result.history().get(result.history().size() - 1).validationLoss() > best, "not vacuous: overfitting at the end");
        }
    }

    // ------------------------------------------------------------------------------------ checkpoints, time, interruption

    /** A checkpoint is written at every multiple of its interval, so a listener at a check can read that step back. */
    @Test
    void periodicCheckpointsHoldTheStepTheyAreWrittenAt() {
        Path file = directory.resolve("periodic.ckpt");
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), SHAPE);
             Model reader = Models.build(CP.shallow().rank(3), SHAPE);
             OptimizerState state = OptimizerState.start(Optimizer.adam(0.01), reader.parameters().size())) {
            Initializer.gaussian(0.3).initialize(model, 2);
            List<Long> found = new ArrayList<>();
            new Trainer().optimizer(Optimizer.adam(0.01)).maxSteps(35).checkEvery(5).checkpoint(file, 10)
                    .listener(5, progress -> {
                        found.add(Files.exists(file) ? Checkpoint.read(file, reader, state) : -1L);
                        if (Files.exists(file) && found.get(found.size() - 1) == progress.step()) {
                            assertArrayEquals(progress.model().parameters().values().toArray(), reader.parameters().values().toArray(), 0.0);
                        }
                    })
                    .fit(model, problem.at(), problem.values());
            assertEquals(List.of(-1L, 10L, 10L, 20L, 20L, 30L, 30L), found);
            assertEquals(35, Checkpoint.read(file, reader, state), "and the final one at the stop");
        }
    }

    @Test
    void aCheckpointIntervalOfZeroWritesOnlyAtTheEnd() {
        Path file = directory.resolve("final.ckpt");
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            List<Boolean> existed = new ArrayList<>();
            new Trainer().maxSteps(20).checkEvery(5).checkpoint(file, 0).listener(5, p -> existed.add(Files.exists(file)))
                    .fit(model, problem.at(), problem.values());
            assertEquals(List.of(false, false, false, false), existed);
            assertTrue(Files.exists(file));
        }
    }

    @Test
    void aResumedRunStartsAtTheCheckpointStep() {
        Path file = directory.resolve("resume.ckpt");
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            new Trainer().maxSteps(30).checkEvery(10).checkpoint(file, 0).fit(model, problem.at(), problem.values());
            List<Long> steps = new ArrayList<>();
            TrainingResult resumed = new Trainer().maxSteps(50).checkEvery(10).resumeFrom(file).listener(10, p -> steps.add(p.step()))
                    .fit(model, problem.at(), problem.values());
            assertEquals(50, resumed.steps());
            assertEquals(List.of(40L, 50L), steps, "20 more steps after step 30");
            assertEquals(List.of(40L, 50L), resumed.history().stream().map(TrainingResult.Check::step).toList());
            TrainingResult none = new Trainer().maxSteps(20).resumeFrom(file).fit(model, problem.at(), problem.values());
            assertEquals(30, none.steps(), "a budget below the checkpoint's step runs no step");
            assertEquals(StopReason.MAX_STEPS, none.reason());
        }
    }

    @Test
    void anExhaustedTimeBudgetStopsBeforeTheFirstStep() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            double[] before = model.parameters().values().toArray();
            // 1 ns has elapsed before the first step can run (System.nanoTime advances across the setup).
            TrainingResult result = new Trainer().maxTime(Duration.ofNanos(1)).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.TIME_LIMIT, result.reason());
            assertEquals(0, result.steps());
            assertEquals("stopped by the time budget at step 0; kept the best state so far", result.message());
            assertArrayEquals(before, model.parameters().values().toArray(), 0.0);
            // A budget too long to count in nanoseconds is no limit (and no overflow).
            TrainingResult unlimited = new Trainer().maxTime(Duration.ofSeconds(Long.MAX_VALUE)).maxSteps(5)
                    .fit(model, problem.at(), problem.values());
            assertEquals(StopReason.MAX_STEPS, unlimited.reason());
            TrainingResult long_ = new Trainer().maxTime(Duration.ofHours(1)).maxSteps(5).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.MAX_STEPS, long_.reason());
        }
    }

    @Test
    void anInterruptedThreadStopsAtOnceStillSavesAndKeepsItsFlag() {
        Path file = directory.resolve("interrupted.ckpt");
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), SHAPE);
             Model reader = Models.build(CP.shallow().rank(3), SHAPE);
             OptimizerState state = OptimizerState.start(Optimizer.adam(1e-3), reader.parameters().size())) {
            Initializer.gaussian(0.3).initialize(model, 2);
            TrainingResult result;
            boolean flag;
            Thread.currentThread().interrupt();
            try {
                result = new Trainer().maxSteps(100).checkpoint(file, 0).fit(model, problem.at(), problem.values());
            } finally {
                flag = Thread.interrupted(); // clears it for the rest of the test
            }
            assertTrue(flag, "the interrupt flag stays set for the caller");
            assertEquals(StopReason.INTERRUPTED, result.reason());
            assertEquals(0, result.steps());
            assertEquals("interrupted at step 0; kept the best state so far", result.message());
            assertEquals(0, Checkpoint.read(file, reader, state), "the checkpoint was still written");
        }
    }

    /** With no check yet, there is no best validation state to go back to: the run ends with its own parameters. */
    @Test
    void keepBestBeforeAnyCheckLeavesTheParametersOfTheLastStep() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 3, 50, 11);
             Observations entries = Observations.of(problem.at(), problem.values());
             Split split = Split.of(entries, 0.3, 12);
             Model kept = Models.build(CP.shallow(), SHAPE);
             Model plain = Models.build(CP.shallow(), SHAPE)) {
            Initializer.gaussian(0.5).initialize(kept, 13);
            Initializer.gaussian(0.5).initialize(plain, 13);
            TrainingResult result = new Trainer().optimizer(Optimizer.adam(0.05)).maxSteps(5).checkEvery(10).keepBest(true).fit(kept, split);
            new Trainer().optimizer(Optimizer.adam(0.05)).maxSteps(5).checkEvery(10).keepBest(false).fit(plain, split);
            assertTrue(result.history().isEmpty());
            assertArrayEquals(plain.parameters().values().toArray(), kept.parameters().values().toArray(), 0.0);
            assertTrue(Double.isFinite(result.validationLoss()));
        }
    }

    /** The elapsed time in the result and in the progress reports is the wall time since the start, in seconds. */
    @Test
    void elapsedTimesAreSecondsSinceTheStart() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), SHAPE)) {
            Initializer.gaussian(0.3).initialize(model, 2);
            List<Double> reported = new ArrayList<>();
            long before = System.nanoTime();
            TrainingResult result = new Trainer().maxSteps(50).checkEvery(10).listener(10, p -> reported.add(p.elapsedSeconds()))
                    .fit(model, problem.at(), problem.values());
            double wall = (System.nanoTime() - before) * 1e-9;
            assertTrue(result.elapsedSeconds() >= 0 && result.elapsedSeconds() <= wall, result.elapsedSeconds() + " s of " + wall);
            assertEquals(5, reported.size());
            for (int i = 0; i < reported.size(); i++) {
                assertTrue(reported.get(i) >= (i == 0 ? 0 : reported.get(i - 1)) && reported.get(i) <= result.elapsedSeconds(),
                        "progress times " + reported + ", total " + result.elapsedSeconds());
            }
        }
    }

    /** A loss that overflows to a non-finite value is divergence whatever the factor, and the message names it. */
    @Test
    void aNonFiniteLossIsDivergence() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 80, 1); Model model = Models.build(CP.shallow().rank(4), SHAPE)) {
            Initializer.gaussian(1.0).initialize(model, 2);
            double[] initial = model.parameters().values().toArray();
            TrainingResult result = new Trainer().optimizer(Optimizer.gradientDescent(1e300)).maxSteps(100).checkEvery(50)
                    .explodeFactor(Double.MAX_VALUE).fit(model, problem.at(), problem.values());
            assertEquals(StopReason.DIVERGED, result.reason(), result.message());
            assertTrue(result.message().matches("training diverged at step 1: the loss became (NaN|Infinity|-Infinity); the parameters of step 0 .*"),
                    result.message());
            assertArrayEquals(initial, model.parameters().values().toArray(), 0.0);
        }
    }

    /** close() releases every off-heap buffer the run allocated (batches, sampler, optimizer state, snapshots). */
    @Test
    void closingARunReleasesItsBuffers() throws ReflectiveOperationException {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 3, 50, 11);
             Observations entries = Observations.of(problem.at(), problem.values());
             Split split = Split.of(entries, 0.3, 12);
             Model model = Models.build(CP.shallow(), SHAPE)) {
            Initializer.gaussian(0.5).initialize(model, 13);
            Trainer.Settings settings = new Trainer().optimizer(Optimizer.adam(0.01)).batchSize(5).maxSteps(3).settings();
            TrainingRun run = new TrainingRun(settings, model, split.train(), split.validation());
            run.run();
            List<Tensor> owned = new ArrayList<>();
            for (String batch : new String[] {"train", "validation"}) {
                deeptensor.internal.model.Batch b = (deeptensor.internal.model.Batch) field(run, batch);
                owned.add(b.predictions());
                owned.add(b.residual());
            }
            owned.add((Tensor) field(field(run, "sampler"), "targets"));
            owned.addAll(List.of(((OptimizerState) field(run, "state")).vectors()));
            for (String snapshot : new String[] {"lastGood", "best"}) {
                owned.add((Tensor) field(field(run, snapshot), "values"));
                owned.addAll(List.of(((OptimizerState) field(field(run, snapshot), "optimizer")).vectors()));
            }
            assertEquals(2 * 2 + 1 + 2 + 2 * 3, owned.size());
            for (Tensor t : owned) {
                assertTrue(t.isOpen());
            }
            run.close();
            for (int i = 0; i < owned.size(); i++) {
                assertFalse(owned.get(i).isOpen(), "buffer " + i + " is still open after close()");
            }
            assertTrue(split.train().values().isOpen(), "the data are not the run's to close");
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }

    // ------------------------------------------------------------------------------------ settings

    @Test
    void settingsAreCheckedAtTheirBoundaries() {
        Trainer trainer = new Trainer();
        assertThrows(IllegalArgumentException.class, () -> trainer.maxSteps(-1));
        assertThrows(IllegalArgumentException.class, () -> trainer.maxTime(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> trainer.maxTime(Duration.ofNanos(-1)));
        assertThrows(NullPointerException.class, () -> trainer.maxTime(null));
        assertThrows(IllegalArgumentException.class, () -> trainer.lossTolerance(-1e-300));
        assertThrows(IllegalArgumentException.class, () -> trainer.lossTolerance(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> trainer.checkEvery(0));
        assertThrows(IllegalArgumentException.class, () -> trainer.plateau(-1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> trainer.plateau(1, -1e-300));
        assertThrows(IllegalArgumentException.class, () -> trainer.plateau(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> trainer.patience(-1));
        assertThrows(IllegalArgumentException.class, () -> trainer.batchSize(-1));
        assertThrows(IllegalArgumentException.class, () -> trainer.explodeFactor(1));
        assertThrows(IllegalArgumentException.class, () -> trainer.explodeFactor(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> trainer.listener(0, p -> { }));
        assertThrows(NullPointerException.class, () -> trainer.listener(1, null));
        assertThrows(IllegalArgumentException.class, () -> trainer.checkpoint(Path.of("x"), -1));
        assertThrows(NullPointerException.class, () -> trainer.checkpoint(null, 1));
        assertThrows(NullPointerException.class, () -> trainer.resumeFrom(null));
        assertThrows(NullPointerException.class, () -> trainer.optimizer(null));
        // the smallest accepted values, each returning the trainer for chaining
        Optimizer sgd = Optimizer.gradientDescent(0.1);
        assertTrue(trainer == trainer.maxSteps(0).maxTime(Duration.ofNanos(1)).lossTolerance(0).checkEvery(1).plateau(0, 0)
                .patience(0).batchSize(0).explodeFactor(Math.nextUp(1.0)).listener(1, p -> { }).checkpoint(Path.of("x"), 0)
                .resumeFrom(Path.of("y")).keepBest(false).seed(1).optimizer(sgd));
        assertTrue(sgd == trainer.optimizer());
        Trainer.Settings settings = trainer.settings();
        assertEquals(0, settings.maxSteps());
        assertEquals(1, settings.maxNanos());
        assertEquals(1, settings.checkEvery());
        assertEquals(Math.nextUp(1.0), settings.explodeFactor());
        assertFalse(settings.keepBest());
        assertEquals(1, settings.seed());
        assertEquals(1, settings.listeners().size());
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        Trainer.Settings settings = new Trainer().settings();
        assertEquals(Optimizer.adam(1e-3), settings.optimizer());
        assertEquals(10_000, settings.maxSteps());
        assertEquals(0, settings.lossTolerance());
        assertEquals(100, settings.checkEvery());
        assertEquals(0, settings.plateauChecks());
        assertEquals(0, settings.patience());
        assertTrue(settings.keepBest());
        assertEquals(0, settings.batchSize());
        assertEquals(1e4, settings.explodeFactor());
        assertEquals(Long.MAX_VALUE, settings.maxNanos());
    }

    @Test
    void aSplitOfAnotherShapeIsRefused() {
        try (Problems.Observed problem = Problems.lowRankCp(SHAPE, 2, 60, 1); Model model = Models.build(CP.shallow().rank(3), Shape.of(6, 5, 3))) {
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> new Trainer().fit(model, problem.at(), problem.values()));
            assertTrue(wrong.getMessage().contains("cannot train a model of shape"), wrong.getMessage());
        }
    }
}
