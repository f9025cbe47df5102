package deeptensor.experiments;

import deeptensor.metrics.CompletionErrors;
import deeptensor.metrics.CoreSlices;
import deeptensor.metrics.UnfoldingSpectra;
import deeptensor.model.Tucker;
import deeptensor.model.TuckerModel;
import deeptensor.tensor.Tensor;
import deeptensor.train.Initializer;
import deeptensor.train.Optimizer;
import deeptensor.train.Trainer;
import deeptensor.train.TrainingResult;
import java.util.Arrays;
import java.util.Locale;

/**
 * The AISTATS 2024 deep Tucker protocol (Hariz et al., AISTATS 2024) at one depth, with a reduced number of
 * epochs: 25×25×25 data of multilinear rank (5, 5, 5), 70 % observed; full 25³ core, column chains;
 * initialization std 5e-4·L·ln(L+1) with norm matching; Adam lr 5e-4; batches of 128; seed 123.
 * Prints test MSE, train MSE, per-mode counts of core-slice norms and of HOSVD n-mode singular values
 * above 0.1 / 1 / 10, steps and wall time.
 *
 * <p>Run (after {@code mvn test-compile}):
 * {@code java -cp target/classes:target/test-classes deeptensor.experiments.AistatsProtocol <depth> <epochs> [lr] [batch] [std_init]}
 */
public final class AistatsProtocol {

    private AistatsProtocol() {
    }

    /**
     * Arguments: depth, epochs, optional learning rate (5e-4), optional batch size (128; 0 = full batch),
     * optional base initialization std (5e-4, scaled by L·ln(L+1)).
     */
    public static void main(String[] args) {
        int depth = Integer.parseInt(args[0]);
        int epochs = Integer.parseInt(args[1]);
        double lr = args.length > 2 ? Double.parseDouble(args[2]) : 5e-4;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        double stdInit = args.length > 4 ? Double.parseDouble(args[4]) : 5e-4;
        long seed = 123;
        try (AistatsData data = AistatsData.generate(25, 5, 0.3, seed);
             TuckerModel model = Tucker.deep(depth).build(data.truth.shape());
             Tensor completed = Tensor.zeros(data.truth.shape())) {
            Initializer.normMatched(stdInit).initialize(model, seed);
            int m = data.train.count();
            long stepsPerEpoch = batch == 0 ? 1 : m / batch;
            long steps = stepsPerEpoch * epochs;
            long reportEvery = Math.max(1, steps / 10);
            Trainer trainer = new Trainer().optimizer(Optimizer.adam(lr)).batchSize(batch).seed(seed).maxSteps(steps)
                    .checkEvery((int) Math.min(Integer.MAX_VALUE, reportEvery)).listener((int) reportEvery, progress -> {
                        model.reconstruct(completed);
                        CompletionErrors errors = CompletionErrors.of(completed, data.truth, data.train);
                        System.out.printf(Locale.ROOT, "  step %d (epoch %.0f): train MSE %.3e, test MSE %.3e, mode-0 core slices > 0.1/1/10 %s, %.0f s%n",
                                progress.step(), (double) progress.step() / stepsPerEpoch, errors.observedMse(), errors.unobservedMse(),
                                Arrays.toString(CoreSlices.of(model).countsAbove(CoreSlices.aistatsThresholds())[0]), progress.elapsedSeconds());
                    });
            TrainingResult result = trainer.fit(model, data.train, data.trainValues);
            model.reconstruct(completed);
            CompletionErrors errors = CompletionErrors.of(completed, data.truth, data.train);
            int[][] slices = CoreSlices.of(model).countsAbove(CoreSlices.aistatsThresholds());
            double[][] spectra = UnfoldingSpectra.modeSingularValues(completed);
            System.out.printf(Locale.ROOT, "depth %d, %d epochs (%d steps, batch %d, Adam lr %s, std_init %s): test MSE %.4e, train MSE %.4e, "
                            + "%.1f s (%.2f ms/step), %s%n", depth, epochs, result.steps(), batch, lr, stdInit, errors.unobservedMse(),
                    errors.observedMse(), result.elapsedSeconds(), 1e3 * result.elapsedSeconds() / Math.max(1, result.steps()), result.reason());
            for (int n = 0; n < 3; n++) {
                System.out.printf(Locale.ROOT, "  mode %d: core-slice norms > 0.1/1/10: %s; HOSVD singular values > 0.1/1/10: %s%n", n,
                        Arrays.toString(slices[n]), Arrays.toString(UnfoldingSpectra.countsAbove(spectra[n], CoreSlices.aistatsThresholds())));
            }
            double[] top = Arrays.copyOf(CoreSlices.of(model).norms(0), 25);
            Arrays.sort(top);
            System.out.printf(Locale.ROOT, "  mode-0 core-slice norms, largest 8: %s%n", Arrays.toString(Arrays.stream(top).skip(17)
                    .map(v -> Math.round(v * 1000) / 1000.0).toArray()));
        }
    }
}
