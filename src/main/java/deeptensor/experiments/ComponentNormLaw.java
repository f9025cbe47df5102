package deeptensor.experiments;

import deeptensor.model.FactorForm;
import deeptensor.internal.train.Initializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * E1: the component-norm law of deep CP (derived for the model of Hariz et al., ICML 2022, from the
 * deep matrix factorization dynamics of Arora et al., NeurIPS 2019):
 * {@code d‖W_r‖/dt = K·‖W_r‖^(2−2/K)·⟨−∇ℓ(W), Ŵ_r⟩} with {@code K = N·L}, for per-component chains
 * (column chains) started exactly balanced, under plain gradient descent.
 *
 * <h2>Protocol</h2>
 * {@link DeepCpDynamics}: a rank-2 target of unit norm, {@code 6^N} entries, 40 % observed, R = 4
 * components, balanced links of norm {@code s = c0^(1/(N·L))} so every depth starts at the same
 * component norm {@code c0 = 0.04}; GD with η = 2.5e-3 (½Σ convention) for 4000 steps; the law is
 * checked every 100 steps. Quick: N = 3, L = 1–3. Full: N = 3 and 4, L = 1–4.
 *
 * <h2>Why the criteria read as they do</h2>
 * The measured rate is the one-step difference {@code (‖W_r(t+1)‖ − ‖W_r(t)‖)/η}; its first-order
 * part equals the law exactly when the chains are balanced, so what remains is the second-order
 * Taylor term plus the O(η) loss of balance under GD: an error that is a small, constant fraction
 * of each component's peak rate and halves with η. Where {@code ⟨−∇ℓ, Ŵ_r⟩} changes sign the
 * predicted rate passes through 0, and a relative error is unbounded there. Hence: relative error
 * below 1e-3 wherever the rate is at least a tenth of the component's peak; an error below 1e-3 of
 * the peak everywhere; the error halving with η; and negative controls — wrong constants
 * ({@code K = N}, {@code K = N·L + 1}), shared chains, a Gaussian start — must miss.
 */
final class ComponentNormLaw implements Experiment {

    private static final double ETA = 2.5e-3;
    private static final int STEPS = 4000;
    private static final int CHECK_EVERY = 100;
    private static final int DIM = 6;
    private static final int RANK = 4;
    private static final double START_NORM = 0.04;
    private static final double TOLERANCE = 1e-3;

    @Override
    public String id() {
        return "E1";
    }

    @Override
    public String title() {
        return "component-norm law of deep CP, K = N·L, column chains, balanced start, plain GD";
    }

    /** The worst errors of one trajectory against the law with constant {@code k}, and the rows it logged. */
    private record Fit(double worstRelative, double worstOfPeak, int checked, List<DeepCpDynamics.Step> checkpoints, double[] peak) {
    }

    @Override
    public void run(ExperimentContext context) throws IOException {
        int[] orders = context.quick() ? new int[] {3} : new int[] {3, 4};
        int maxDepth = context.quick() ? 3 : 4;
        CsvTable table = new CsvTable("order", "depth", "eta", "step", "component", "norm", "measured_rate", "predicted_rate");
        CsvTable summary = new CsvTable("order", "depth", "K", "checked", "worst_relative_error", "worst_error_of_peak_rate");
        SvgPlot rates = new SvgPlot("E1: rate of the leading component, N = 3", "time η·t (½Σ units)", "d‖W_r‖/dt");
        SvgPlot errors = new SvgPlot("E1: |measured − law| / peak rate, N = 3", "time η·t (½Σ units)", "error / peak rate").logY();
        for (int order : orders) {
            for (int depth = 1; depth <= maxDepth; depth++) {
                int k = order * depth;
                Fit fit = trajectory(order, depth, FactorForm.columnChains(depth), balanced(order, depth), ETA, STEPS, k);
                summary.row(order, depth, k, fit.checked, fit.worstRelative, fit.worstOfPeak);
                for (DeepCpDynamics.Step step : fit.checkpoints) {
                    for (int r = 0; r < RANK; r++) {
                        table.row(order, depth, ETA, step.t(), r, step.normsBefore()[r], step.measuredRate(r), step.predictedRate(r, k));
                    }
                }
                if (order == 3) {
                    plotLeading(rates, errors, fit, depth, k);
                }
                context.assertedVerdict(String.format(Locale.ROOT, "law with K = N·L = %d holds, N = %d, L = %d", k, order, depth),
                        "relative error < 1e-3 where the rate is ≥ 10 % of its peak, and < 1e-3 of the peak rate everywhere",
                        String.format(Locale.ROOT, "worst relative %.2e over %d checks, worst %.2e of the peak", fit.worstRelative, fit.checked,
                                fit.worstOfPeak),
                        fit.worstRelative < TOLERANCE && fit.worstOfPeak < TOLERANCE && fit.checked >= RANK * STEPS / CHECK_EVERY / 4);
            }
        }
        context.write("law-checkpoints", table);
        context.write("law-summary", summary);
        context.write("leading-rate", rates);
        context.write("law-error", errors);

        // First order in η: halving the step at the same horizon halves the error.
        Fit coarse = trajectory(3, 2, FactorForm.columnChains(2), balanced(3, 2), 2 * ETA, STEPS / 2, 6);
        Fit fine = trajectory(3, 2, FactorForm.columnChains(2), balanced(3, 2), ETA, STEPS, 6);
        double ratio = coarse.worstOfPeak / fine.worstOfPeak;
        context.assertedVerdict("the remaining error is the O(η) discretization error (N = 3, L = 2)",
                "halving η at the same horizon divides the error by 1.7–2.3",
                String.format(Locale.ROOT, "%.2e → %.2e of the peak rate, ratio %.2f", coarse.worstOfPeak, fine.worstOfPeak, ratio),
                ratio > 1.7 && ratio < 2.3);

        // Negative controls: the check must be able to fail.
        Fit shallowConstant = trajectory(3, 2, FactorForm.columnChains(2), balanced(3, 2), ETA, STEPS, 3);
        Fit nearbyConstant = trajectory(3, 2, FactorForm.columnChains(2), balanced(3, 2), ETA, STEPS, 7);
        context.assertedVerdict("the check rejects wrong constants at L = 2 (K = N = 3, and K = N·L + 1 = 7)",
                "relative error > 0.1 with K = 3 and > 1e-2 with K = 7",
                String.format(Locale.ROOT, "%.3f with K = 3, %.3f with K = 7", shallowConstant.worstRelative, nearbyConstant.worstRelative),
                shallowConstant.worstRelative > 0.1 && nearbyConstant.worstRelative > 1e-2);

        // Where the law is not claimed: shared chains, and a Gaussian (unbalanced) start.
        Fit shared = trajectory(3, 2, FactorForm.sharedChain(2), Initializer.balanced(2 * Math.pow(START_NORM, 1.0 / 6)), ETA, STEPS, 6);
        Fit gaussian = trajectory(3, 2, FactorForm.columnChains(2), Initializer.gaussian(0.25), ETA, STEPS, 6);
        context.verdict("the law is specific to balanced column chains (N = 3, L = 2)",
                "it misses (relative error > 10 %) for shared chains and for a Gaussian start",
                String.format(Locale.ROOT, "shared chains %.2f, Gaussian start %.2f", shared.worstRelative, gaussian.worstRelative),
                shared.worstRelative > 0.1 && gaussian.worstRelative > 0.1);
    }

    private static Initializer balanced(int order, int depth) {
        return Initializer.balanced(Math.pow(START_NORM, 1.0 / (order * depth)));
    }

    private static Fit trajectory(int order, int depth, FactorForm form, Initializer init, double eta, int steps, double k) {
        List<DeepCpDynamics.Step> checkpoints = new ArrayList<>();
        double[] peak = new double[RANK];
        int every = CHECK_EVERY * steps / STEPS;
        try (DeepCpDynamics dynamics = new DeepCpDynamics(order, DIM, RANK, form, init, 3)) {
            dynamics.run(eta, steps, step -> {
                for (int r = 0; r < RANK; r++) {
                    peak[r] = Math.max(peak[r], Math.abs(step.predictedRate(r, k)));
                }
                if (step.t() % every == 0) {
                    checkpoints.add(step);
                }
            }, null);
        }
        double worstRelative = 0;
        double worstOfPeak = 0;
        int checked = 0;
        for (DeepCpDynamics.Step step : checkpoints) {
            for (int r = 0; r < RANK; r++) {
                if (step.normsBefore()[r] < 1e-8 || peak[r] == 0) {
                    continue;
                }
                double predicted = step.predictedRate(r, k);
                double error = Math.abs(step.measuredRate(r) - predicted);
                worstOfPeak = Math.max(worstOfPeak, error / peak[r]);
                if (Math.abs(predicted) >= peak[r] / 10) {
                    checked++;
                    worstRelative = Math.max(worstRelative, error / Math.abs(predicted));
                }
            }
        }
        return new Fit(worstRelative, worstOfPeak, checked, checkpoints, peak);
    }

    private static void plotLeading(SvgPlot rates, SvgPlot errors, Fit fit, int depth, int k) {
        int n = fit.checkpoints.size();
        int leading = 0;
        DeepCpDynamics.Step last = fit.checkpoints.get(n - 1);
        for (int r = 1; r < RANK; r++) {
            if (last.normsBefore()[r] > last.normsBefore()[leading]) {
                leading = r;
            }
        }
        double[] time = new double[n];
        double[] measured = new double[n];
        double[] predicted = new double[n];
        double[] error = new double[n];
        for (int i = 0; i < n; i++) {
            DeepCpDynamics.Step step = fit.checkpoints.get(i);
            time[i] = step.t() * step.eta();
            measured[i] = step.measuredRate(leading);
            predicted[i] = step.predictedRate(leading, k);
            error[i] = Math.abs(measured[i] - predicted[i]) / fit.peak[leading];
        }
        rates.add("L = " + depth + " measured", "L = " + depth, time, measured, SvgPlot.Style.POINTS);
        rates.add("L = " + depth + " law", "L = " + depth, time, predicted, SvgPlot.Style.DASHED);
        errors.line("L = " + depth, time, error);
    }
}
