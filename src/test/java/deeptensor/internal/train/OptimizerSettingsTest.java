package deeptensor.internal.train;

import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.internal.model.CpModel;
import deeptensor.internal.model.Model;
import deeptensor.model.TensorTrain;
import deeptensor.internal.model.TensorTrainModel;
import deeptensor.model.Tucker;
import deeptensor.internal.model.TuckerModel;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optimizer settings at their boundaries, optimizer states' checks and copies, snapshots, and the RMS-targeted initializer. */
class OptimizerSettingsTest {

    @TempDir
    Path directory;

    @Test
    void everySettingIsCheckedAtItsBoundary() {
        double inf = Double.POSITIVE_INFINITY;
        for (double bad : new double[] {0, -1, inf, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> Optimizer.gradientDescent(bad), "rate " + bad);
            assertThrows(IllegalArgumentException.class, () -> Optimizer.groupRmsProp(bad), "rate " + bad);
            assertThrows(IllegalArgumentException.class, () -> Optimizer.adam(bad), "rate " + bad);
        }
        for (double bad : new double[] {-1e-300, 1, Double.NaN}) { // decays must lie in [0, 1)
            assertThrows(IllegalArgumentException.class, () -> new Optimizer.GroupRmsProp(0.1, bad, 1e-6), "alpha " + bad);
            assertThrows(IllegalArgumentException.class, () -> new Optimizer.Adam(0.1, bad, 0.999, 1e-7), "beta1 " + bad);
            assertThrows(IllegalArgumentException.class, () -> new Optimizer.Adam(0.1, 0.9, bad, 1e-7), "beta2 " + bad);
        }
        for (double bad : new double[] {-1e-300, inf, Double.NaN}) { // epsilon must be finite and ≥ 0
            assertThrows(IllegalArgumentException.class, () -> new Optimizer.GroupRmsProp(0.1, 0.9, bad), "eps " + bad);
            assertThrows(IllegalArgumentException.class, () -> new Optimizer.Adam(0.1, 0.9, 0.999, bad), "eps " + bad);
        }
        // the boundary values that are allowed
        assertDoesNotThrow(() -> new Optimizer.GroupRmsProp(Double.MIN_VALUE, 0, 0));
        assertDoesNotThrow(() -> new Optimizer.Adam(Double.MAX_VALUE, 0, 0, 0));
    }

    @Test
    void withLearningRateChangesOnlyTheRate() {
        assertEquals(new Optimizer.GradientDescent(0.5), Optimizer.gradientDescent(0.1).withLearningRate(0.5));
        assertEquals(new Optimizer.GroupRmsProp(0.5, 0.8, 1e-3), new Optimizer.GroupRmsProp(0.1, 0.8, 1e-3).withLearningRate(0.5));
        assertEquals(new Optimizer.Adam(0.5, 0.8, 0.9, 1e-3), new Optimizer.Adam(0.1, 0.8, 0.9, 1e-3).withLearningRate(0.5));
    }

    /** A checkpoint is only read by the optimizer settings that wrote it: its description names every setting. */
    @Test
    void aCheckpointIsRefusedByAnyOtherOptimizerSetting() {
        Optimizer[] optimizers = {
            Optimizer.gradientDescent(0.1), Optimizer.gradientDescent(0.2),
            new Optimizer.GroupRmsProp(0.1, 0.9, 1e-6), new Optimizer.GroupRmsProp(0.1, 0.8, 1e-6), new Optimizer.GroupRmsProp(0.1, 0.9, 1e-5),
            new Optimizer.Adam(0.1, 0.9, 0.999, 1e-7), new Optimizer.Adam(0.1, 0.8, 0.999, 1e-7), new Optimizer.Adam(0.1, 0.9, 0.99, 1e-7),
            new Optimizer.Adam(0.1, 0.9, 0.999, 1e-6),
        };
        Shape shape = Shape.of(3, 3, 2);
        for (int w = 0; w < optimizers.length; w++) {
            Path file = directory.resolve("opt-" + w + ".ckpt");
            try (Model model = Models.build(CP.shallow().rank(2), shape); OptimizerState state = OptimizerState.start(optimizers[w], model.parameters().size())) {
                Checkpoint.write(file, model, state, 4);
                for (int r = 0; r < optimizers.length; r++) {
                    try (OptimizerState reader = OptimizerState.start(optimizers[r], model.parameters().size())) {
                        if (r == w) {
                            assertEquals(4, Checkpoint.read(file, model, reader), optimizers[w].toString());
                        } else if (reader.getClass() == state.getClass()) {
                            int index = r;
                            assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file, model, reader),
                                    optimizers[w] + " read as " + optimizers[index]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void statesCheckSizesAndKinds() {
        try (OptimizerState adam = OptimizerState.start(Optimizer.adam(0.1), 3); OptimizerState adam4 = OptimizerState.start(Optimizer.adam(0.1), 4);
             OptimizerState rms = OptimizerState.start(Optimizer.groupRmsProp(0.1), 3); Tensor three = Tensor.zeros(3); Tensor two = Tensor.zeros(2)) {
            assertThrows(IllegalArgumentException.class, () -> adam.step(three, two), "gradient of the wrong size");
            assertThrows(IllegalArgumentException.class, () -> adam.step(two, three), "values of the wrong size");
            assertThrows(IllegalArgumentException.class, () -> adam.copyTo(rms), "another kind of state");
            assertThrows(IllegalArgumentException.class, () -> adam.copyTo(adam4), "another size");
            assertEquals(0, adam.step(), "a refused step is not counted");
        }
        // GroupRMSprop keeps no vectors, so only the size check stops a copy between states of different sizes
        try (OptimizerState rms3 = OptimizerState.start(Optimizer.groupRmsProp(0.1), 3); OptimizerState rms4 = OptimizerState.start(Optimizer.groupRmsProp(0.1), 4)) {
            assertThrows(IllegalArgumentException.class, () -> rms3.copyTo(rms4));
        }
    }

    @Test
    void closingAStateReleasesItsVectors() {
        OptimizerState adam = OptimizerState.start(Optimizer.adam(0.1), 3);
        Tensor[] vectors = adam.vectors();
        assertEquals(2, vectors.length);
        adam.close();
        for (Tensor v : vectors) {
            assertFalse(v.isOpen());
        }
    }

    /** A snapshot gives back the parameters, the optimizer state and the step it was taken at. */
    @Test
    void aSnapshotRestoresParametersAndOptimizerState() {
        Shape shape = Shape.of(3, 3, 2);
        for (Optimizer optimizer : new Optimizer[] {Optimizer.adam(0.1), Optimizer.groupRmsProp(0.1)}) {
            try (Model model = Models.build(CP.shallow().rank(2), shape); OptimizerState state = OptimizerState.start(optimizer, model.parameters().size());
                 Snapshot snapshot = new Snapshot(model, optimizer);
                 Tensor gradient = Tensor.gaussian(1, 1.0, model.parameters().size())) {
                Initializer.gaussian(0.3).initialize(model, 1);
                assertEquals(-1, snapshot.step(), "nothing taken yet");
                state.step(model.parameters().values(), gradient);
                snapshot.take(model, state, 7, 0.25);
                double[] values = model.parameters().values().toArray();
                double[] scalars = state.scalars();
                double[][] vectors = java.util.Arrays.stream(state.vectors()).map(Tensor::toArray).toArray(double[][]::new);
                state.step(model.parameters().values(), gradient);
                state.step(model.parameters().values(), gradient);
                assertFalse(java.util.Arrays.equals(values, model.parameters().values().toArray()), "not vacuous");
                assertNotEquals(1, state.step());
                snapshot.restore(model, state);
                assertEquals(7, snapshot.step());
                assertEquals(0.25, snapshot.loss());
                assertArrayEquals(values, model.parameters().values().toArray(), 0.0);
                assertEquals(1, state.step(), "the optimizer's step count is restored");
                assertArrayEquals(scalars, state.scalars(), 0.0);
                for (int v = 0; v < vectors.length; v++) {
                    assertArrayEquals(vectors[v], state.vectors()[v].toArray(), 0.0);
                }
            }
        }
    }

    /**
     * endToEndWithRms solves the documented RMS rules for σ: √R·σ^N (CP), σ^{N+1}·Π√R_n (Tucker),
     * σ^N·Π√r_k over the inner ranks (tensor train). The oracle here solves the same rules directly.
     */
    @Test
    void endToEndWithRmsSolvesTheDocumentedScaleRule() {
        Shape shape = Shape.of(6, 5, 4);
        double rms = 0.7;
        try (CpModel cp = (CpModel) Models.build(CP.shallow().rank(9), shape);
             TuckerModel tucker = (TuckerModel) Models.build(Tucker.shallow().ranks(2, 3, 4), shape);
             TensorTrainModel tt = (TensorTrainModel) Models.build(TensorTrain.shallow().ranks(1, 2, 3, 1), shape)) {
            double cpStd = Math.pow(rms / Math.sqrt(9), 1.0 / 3);
            double tuckerStd = Math.pow(rms / Math.sqrt(2 * 3 * 4), 1.0 / 4);
            int[] r = tt.ranks();
            double inner = 1;
            for (int k = 1; k < 3; k++) {
                inner *= Math.sqrt(r[k]);
            }
            double ttStd = Math.pow(rms / inner, 1.0 / 3);
            assertTrue(inner > 1, "not vacuous: tensor-train ranks " + java.util.Arrays.toString(r));
            assertEquals(cpStd, ((Initializer.EndToEnd) Initializer.endToEndWithRms(cp, rms)).std(), 1e-12);
            assertEquals(tuckerStd, ((Initializer.EndToEnd) Initializer.endToEndWithRms(tucker, rms)).std(), 1e-12);
            assertEquals(ttStd, ((Initializer.EndToEnd) Initializer.endToEndWithRms(tt, rms)).std(), 1e-12);
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Initializer.endToEndWithRms(cp, 0));
            assertTrue(zero.getMessage().contains("rms"), "the message names the argument the caller gave: " + zero.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Initializer.endToEnd(0));
            assertThrows(IllegalArgumentException.class, () -> Initializer.endToEnd(Double.POSITIVE_INFINITY));
        }
    }
}
