package deeptensor;

import deeptensor.internal.metrics.ComponentNorms;
import deeptensor.internal.metrics.UnfoldingSpectra;
import deeptensor.internal.model.CpModel;
import deeptensor.internal.model.Model;
import deeptensor.internal.model.TuckerModel;
import deeptensor.train.StopReason;
import deeptensor.internal.train.TrainingResult;
import deeptensor.internal.linalg.ModeSpectra;
import deeptensor.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The report of a completion: how well the observed entries are fitted, on the training part and on
 * the held-out validation part, what ranks the completed tensor has, and how the training went.
 *
 * <p>"Ranks found" are numerical ranks at a relative threshold {@link #RANK_THRESHOLD}: a singular
 * value (or CP component norm, or Tucker core-slice norm) counts if it exceeds that fraction of the
 * largest one. Effective ranks (Roy &amp; Vetterli) need no threshold.
 *
 * @param model               the model fitted, described
 * @param steps               optimization steps done
 * @param stopReason          why training stopped
 * @param stopMessage         the trainer's explanation
 * @param seconds             wall time of the training
 * @param trainMse            mean squared error on the training entries, in the data's units
 * @param validationMse       the same on the validation entries (NaN without validation)
 * @param trainRelativeError  {@code ‖W − Y‖/‖Y‖} on the training entries
 * @param validationRelativeError the same on the validation entries (NaN without validation)
 * @param modeRanks           numerical rank of every mode-n unfolding of the completed tensor
 * @param modeEffectiveRanks  effective rank of every mode-n unfolding
 * @param modeSingularValues  the n-mode singular values of the completed tensor
 * @param structureRanks      model-specific ranks: CP, one value, the number of significant components;
 *                            tensor train, the numerical ranks of the TT unfoldings of the completed
 *                            tensor; Tucker, none (its multilinear ranks are {@code modeRanks}; see
 *                            {@link deeptensor.internal.metrics.CoreSlices} for the core-slice measures)
 * @param structureName       what {@code structureRanks} count: "significant components" (CP), "TT ranks"
 *                            (tensor train), or empty when there are none
 * @param observed            number of observed entries (training and validation)
 * @param seed                the seed of the fit
 * @param candidates          what was compared on the validation entries (baselines and models), with their
 *                            validation relative errors and which one was kept; for an explicit model, the model
 *                            and the additive main-effects baseline
 */
public record CompletionReport(String model, long steps, StopReason stopReason, String stopMessage, double seconds,
                               double trainMse, double validationMse, double trainRelativeError, double validationRelativeError,
                               int[] modeRanks, double[] modeEffectiveRanks, double[][] modeSingularValues, int[] structureRanks,
                               String structureName, int observed, long seed, List<Candidate> candidates) {

    /**
     * One method compared on the held-out observed entries.
     *
     * @param name                     what it is
     * @param validationRelativeError  {@code ‖ŷ − y‖/‖y‖} on the validation entries, fitted without them (NaN if not measured)
     * @param kept                     whether this is the completion returned
     */
    public record Candidate(String name, double validationRelativeError, boolean kept) {
    }

    /** Copies the arrays in, so that the report is a value: the accessors return copies too. */
    public CompletionReport {
        candidates = List.copyOf(candidates);
        modeRanks = modeRanks.clone();
        modeEffectiveRanks = modeEffectiveRanks.clone();
        modeSingularValues = deepCopy(modeSingularValues);
        structureRanks = structureRanks.clone();
        Objects.requireNonNull(structureName, "structureName");
    }

    private static double[][] deepCopy(double[][] rows) {
        double[][] copy = rows.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = copy[i].clone();
        }
        return copy;
    }

    /** Numerical rank of every mode-n unfolding (a copy). */
    @Override
    public int[] modeRanks() {
        return modeRanks.clone();
    }

    /** Effective rank of every mode-n unfolding (a copy). */
    @Override
    public double[] modeEffectiveRanks() {
        return modeEffectiveRanks.clone();
    }

    /** The n-mode singular values (a copy). */
    @Override
    public double[][] modeSingularValues() {
        return deepCopy(modeSingularValues);
    }

    /** The model-specific ranks (a copy). */
    @Override
    public int[] structureRanks() {
        return structureRanks.clone();
    }

    /** Equal when every component is equal, arrays compared element by element. */
    @Override
    public boolean equals(Object other) {
        return other instanceof CompletionReport r && model.equals(r.model) && steps == r.steps && stopReason == r.stopReason
                && Objects.equals(stopMessage, r.stopMessage) && Double.compare(seconds, r.seconds) == 0
                && Double.compare(trainMse, r.trainMse) == 0 && Double.compare(validationMse, r.validationMse) == 0
                && Double.compare(trainRelativeError, r.trainRelativeError) == 0
                && Double.compare(validationRelativeError, r.validationRelativeError) == 0 && Arrays.equals(modeRanks, r.modeRanks)
                && Arrays.equals(modeEffectiveRanks, r.modeEffectiveRanks) && Arrays.deepEquals(modeSingularValues, r.modeSingularValues)
                && Arrays.equals(structureRanks, r.structureRanks) && structureName.equals(r.structureName) && observed == r.observed
                && seed == r.seed && candidates.equals(r.candidates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, steps, stopReason, stopMessage, seconds, trainMse, validationMse, trainRelativeError,
                validationRelativeError, Arrays.hashCode(modeRanks), Arrays.hashCode(modeEffectiveRanks), Arrays.deepHashCode(modeSingularValues),
                Arrays.hashCode(structureRanks), structureName, observed, seed, candidates);
    }

    /** Relative threshold of the numerical ranks. */
    static final double RANK_THRESHOLD = 1e-2;

    static CompletionReport of(Model model, Tensor completed, TrainingResult training, double scale, double trainMeanSquare,
                               double validationMeanSquare, int observed, long seed, List<Candidate> candidates) {
        double units = scale * scale;
        return of(model.describe(), model, completed, training.steps(), training.reason(), training.message(), training.elapsedSeconds(),
                training.trainLoss() * units, training.validationLoss() * units,
                Math.sqrt(training.trainLoss() / trainMeanSquare), Math.sqrt(training.validationLoss() / validationMeanSquare),
                observed, seed, candidates);
    }

    /** A report for {@code completed}; {@code model} (may be null when no factorization was kept) gives the structure ranks. */
    static CompletionReport of(String description, Model model, Tensor completed, long steps, StopReason reason, String message,
                               double seconds, double trainMse, double validationMse, double trainRelativeError,
                               double validationRelativeError, int observed, long seed, List<Candidate> candidates) {
        double[][] spectra = UnfoldingSpectra.modeSingularValues(completed);
        int[] modeRanks = new int[spectra.length];
        for (int n = 0; n < spectra.length; n++) {
            modeRanks[n] = ModeSpectra.numericalRank(spectra[n], RANK_THRESHOLD);
        }
        int[] structure;
        String structureName = "";
        if (model instanceof CpModel cp) {
            structure = new int[] {ComponentNorms.of(cp).numericalRank(RANK_THRESHOLD)};
            structureName = "significant components";
        } else if (model == null || model instanceof TuckerModel) {
            // Core-slice counts (CoreSlices) depend on how the optimizer spreads weight over unused
            // slices and columns whose products cancel; the mode ranks above are the reliable answer.
            structure = new int[0];
        } else {
            double[][] tt = UnfoldingSpectra.ttSingularValues(completed);
            structureName = "TT ranks";
            structure = new int[tt.length];
            for (int k = 0; k < tt.length; k++) {
                structure[k] = ModeSpectra.numericalRank(tt[k], RANK_THRESHOLD);
            }
        }
        return new CompletionReport(description, steps, reason, message, seconds, trainMse, validationMse, trainRelativeError,
                validationRelativeError, modeRanks, UnfoldingSpectra.effectiveRanks(spectra), spectra, structure, structureName, observed, seed,
                candidates);
    }

    /** A few readable lines. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (seed %d)%n", model, seed)
                + String.format(Locale.ROOT, "  observed entries: %d; steps: %d in %.2f s (%s)%n", observed, steps, seconds, stopReason)
                + String.format(Locale.ROOT, "  train MSE %.4g (relative error %.3g), validation MSE %.4g (relative error %.3g)%n",
                        trainMse, trainRelativeError, validationMse, validationRelativeError)
                + String.format(Locale.ROOT, "  ranks found per mode: %s; effective ranks: %s%s",
                        Arrays.toString(modeRanks), format(modeEffectiveRanks),
                        structureRanks.length == 0 ? "" : "; " + structureName + ": " + Arrays.toString(structureRanks))
                + candidatesText();
    }

    private String candidatesText() {
        StringBuilder text = new StringBuilder();
        if (stopMessage != null && !stopMessage.isEmpty()) {
            text.append(String.format(Locale.ROOT, "%n  %s", stopMessage));
        }
        if (!candidates.isEmpty()) {
            text.append(String.format(Locale.ROOT, "%n  validation relative error of each candidate:"));
            for (Candidate c : candidates) {
                text.append(String.format(Locale.ROOT, "%n    %s %-60s %.4g", c.kept() ? "*" : " ", c.name(), c.validationRelativeError()));
            }
        }
        return text.toString();
    }

    private static String format(double[] values) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            text.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.2f", values[i]));
        }
        return text.append(']').toString();
    }

    /** The report as one JSON object (singular values included). */
    public String toJson() {
        StringBuilder json = new StringBuilder("{");
        json.append("\"model\":").append(quote(model));
        json.append(",\"observed\":").append(observed);
        json.append(",\"steps\":").append(steps);
        json.append(",\"stopReason\":").append(quote(stopReason.name()));
        json.append(",\"stopMessage\":").append(quote(stopMessage));
        json.append(",\"seconds\":").append(number(seconds));
        json.append(",\"trainMse\":").append(number(trainMse));
        json.append(",\"validationMse\":").append(number(validationMse));
        json.append(",\"trainRelativeError\":").append(number(trainRelativeError));
        json.append(",\"validationRelativeError\":").append(number(validationRelativeError));
        json.append(",\"rankThreshold\":").append(number(RANK_THRESHOLD));
        json.append(",\"modeRanks\":").append(Arrays.toString(modeRanks));
        json.append(",\"modeEffectiveRanks\":[");
        for (int i = 0; i < modeEffectiveRanks.length; i++) {
            json.append(i > 0 ? "," : "").append(number(modeEffectiveRanks[i]));
        }
        json.append("],\"modeSingularValues\":[");
        for (int n = 0; n < modeSingularValues.length; n++) {
            json.append(n > 0 ? "," : "").append('[');
            for (int i = 0; i < modeSingularValues[n].length; i++) {
                json.append(i > 0 ? "," : "").append(number(modeSingularValues[n][i]));
            }
            json.append(']');
        }
        json.append("],\"structureRanks\":").append(Arrays.toString(structureRanks));
        json.append(",\"structureName\":").append(quote(structureName));
        json.append(",\"seed\":").append(seed);
        json.append(",\"candidates\":[");
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            json.append(i > 0 ? "," : "").append("{\"name\":").append(quote(c.name()))
                    .append(",\"heldOutRelativeError\":").append(number(c.validationRelativeError()))
                    .append(",\"kept\":").append(c.kept()).append('}');
        }
        json.append(']');
        return json.append('}').toString();
    }

    private static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "null";
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : (text == null ? "" : text).toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
