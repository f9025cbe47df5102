package deeptensor.experiments;

import deeptensor.internal.model.CpModel;
import deeptensor.internal.model.Factor;
import deeptensor.model.FactorForm;
import deeptensor.internal.train.Initializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * E2: the conservation laws behind the component-norm law (Arora et al., NeurIPS 2019, for deep
 * linear networks; they carry over to every chain of a deep factorization). Under gradient flow
 * <ul>
 *   <li>{@code D_l = A_{l+1}ᵀA_{l+1} − A_l A_lᵀ} is constant for consecutive links of every chain
 *       (column chains and shared chains alike), and</li>
 *   <li>{@code ‖w_r^n‖^(2/L) − ‖w_r^m‖^(2/L)} is constant across the modes n, m of a component,
 *       for per-component (column) chains started balanced.</li>
 * </ul>
 * Gradient descent breaks both by O(η²) per step, so over a fixed horizon the drift is O(η).
 *
 * <h2>Protocol</h2>
 * {@link DeepCpDynamics} with N = 3, d = 6, R = 4, L = 3, exactly balanced links (norm 0.6 for
 * column chains; 1.2 for shared chains, whose links spread their norm over R = 4 directions);
 * plain GD with η = 5e-3 (½Σ units) for 20 000 steps and with 2η for 10 000 steps (the same
 * horizon, which includes the growth of the leading components). Quick and full runs are the same:
 * the whole protocol takes seconds.
 *
 * <h2>Criteria</h2>
 * The largest drift over chains, links and checkpoints, relative to the initial squared link norm,
 * stays below 1e-3, and halves (ratio 1.6–2.5) when η halves; the parameters must have moved by
 * more than 5 % of their size, so the check is not vacuous.
 */
final class BalanceConservation implements Experiment {

    private static final double ETA = 5e-3;
    private static final int STEPS = 20_000;
    private static final int DEPTH = 3;
    private static final int CHECKPOINTS = 40;

    @Override
    public String id() {
        return "E2";
    }

    @Override
    public String title() {
        return "conservation of balancedness under small-step GD: drift O(η), column and shared chains";
    }

    private record Drift(double[] time, double[] links, double[] modes, double moved) {

        double worstLinks() {
            return java.util.Arrays.stream(links).max().orElse(0);
        }

        double worstModes() {
            return java.util.Arrays.stream(modes).max().orElse(0);
        }
    }

    @Override
    public void run(ExperimentContext context) throws IOException {
        CsvTable table = new CsvTable("chains", "eta", "time", "link_drift_relative", "mode_drift_relative");
        SvgPlot plot = new SvgPlot("E2: drift of the conserved quantities, N = 3, L = 3", "time η·t (½Σ units)",
                "drift / initial squared norm").logY();
        for (String form : new String[] {"column", "shared"}) {
            double linkScale = form.equals("column") ? 0.6 : 1.2;
            double scale = linkScale * linkScale;
            Drift fine = drift(form, linkScale, ETA, STEPS);
            Drift coarse = drift(form, linkScale, 2 * ETA, STEPS / 2);
            for (Drift d : new Drift[] {fine, coarse}) {
                double eta = d == fine ? ETA : 2 * ETA;
                for (int i = 0; i < d.time.length; i++) {
                    table.row(form, eta, d.time[i], d.links[i] / scale, form.equals("column") ? d.modes[i] : Double.NaN);
                }
                plot.add(form + " chains, η = " + eta, form, d.time, scaled(d.links, 1 / scale),
                        d == fine ? SvgPlot.Style.LINE : SvgPlot.Style.DASHED);
            }
            double ratio = coarse.worstLinks() / fine.worstLinks();
            context.assertedVerdict(form + " chains: A_{l+1}ᵀA_{l+1} − A_l A_lᵀ is conserved up to O(η)",
                    "drift < 1e-3 of the squared link norm, halving with η (ratio 1.6–2.5), parameters moved > 5 %",
                    String.format(Locale.ROOT, "drift %.2e (2η: %.2e, ratio %.2f), moved %.0f %%", fine.worstLinks() / scale,
                            coarse.worstLinks() / scale, ratio, 100 * fine.moved),
                    fine.worstLinks() / scale < 1e-3 && ratio > 1.6 && ratio < 2.5 && fine.moved > 0.05);
            if (form.equals("column")) {
                double modeRatio = coarse.worstModes() / fine.worstModes();
                context.assertedVerdict("column chains: ‖w_r^n‖^(2/L) − ‖w_r^m‖^(2/L) is conserved up to O(η)",
                        "drift < 1e-3 of the initial ‖w_r^n‖^(2/L), halving with η (ratio 1.6–2.5)",
                        String.format(Locale.ROOT, "drift %.2e (2η: %.2e, ratio %.2f)", fine.worstModes(), coarse.worstModes(), modeRatio),
                        fine.worstModes() < 1e-3 && modeRatio > 1.6 && modeRatio < 2.5);
                plot.add("column: modes, η = " + ETA, "modes", fine.time, fine.modes, SvgPlot.Style.LINE);
            }
        }
        context.write("drift", table);
        context.write("drift", plot);
    }

    private static double[] scaled(double[] values, double factor) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * factor;
        }
        return out;
    }

    private static Drift drift(String form, double linkScale, double eta, int steps) {
        FactorForm chain = form.equals("column") ? FactorForm.columnChains(DEPTH) : FactorForm.sharedChain(DEPTH);
        List<double[]> samples = new ArrayList<>();
        int every = Math.max(1, steps / CHECKPOINTS);
        try (DeepCpDynamics dynamics = new DeepCpDynamics(3, 6, 4, chain, Initializer.balanced(linkScale), 1)) {
            double[] start = dynamics.model.parameters().values().toArray();
            double[] startModes = modePowers(dynamics.model);
            double startScale = java.util.Arrays.stream(startModes).max().orElse(1);
            long[] counter = {0};
            dynamics.run(eta, steps, null, model -> {
                if (counter[0] % every == 0) {
                    samples.add(new double[] {counter[0] * eta, imbalance(model), modeDrift(model, startModes) / startScale});
                }
                counter[0]++;
            });
            samples.add(new double[] {steps * eta, imbalance(dynamics.model), modeDrift(dynamics.model, startModes) / startScale});
            double[] end = dynamics.model.parameters().values().toArray();
            double moved = 0;
            double size = 0;
            for (int i = 0; i < start.length; i++) {
                moved += (end[i] - start[i]) * (end[i] - start[i]);
                size += start[i] * start[i];
            }
            double[][] rows = samples.toArray(double[][]::new);
            return new Drift(Stats.column(rows, 0), Stats.column(rows, 1), Stats.column(rows, 2), Math.sqrt(moved / size));
        }
    }

    /** ‖w_r^n‖^(2/L) for every mode n and component r, flattened as [n·R + r]. */
    private static double[] modePowers(CpModel model) {
        int rank = model.rank();
        double[] out = new double[model.factors().size() * rank];
        for (int n = 0; n < model.factors().size(); n++) {
            Factor factor = model.factors().get(n);
            factor.forward();
            for (int r = 0; r < rank; r++) {
                double sum = 0;
                for (int i = 0; i < factor.rows(); i++) {
                    sum += factor.matrix().get(i, r) * factor.matrix().get(i, r);
                }
                out[n * rank + r] = Math.pow(Math.sqrt(sum), 2.0 / DEPTH);
            }
        }
        return out;
    }

    /** The largest change, over components and mode pairs, of ‖w_r^n‖^(2/L) − ‖w_r^m‖^(2/L) since the start. */
    private static double modeDrift(CpModel model, double[] start) {
        double[] now = modePowers(model);
        int rank = model.rank();
        int order = model.factors().size();
        double worst = 0;
        for (int r = 0; r < rank; r++) {
            for (int n = 0; n < order; n++) {
                for (int m = n + 1; m < order; m++) {
                    double before = start[n * rank + r] - start[m * rank + r];
                    double after = now[n * rank + r] - now[m * rank + r];
                    worst = Math.max(worst, Math.abs(after - before));
                }
            }
        }
        return worst;
    }

    /** The largest ‖A_{l+1}ᵀA_{l+1} − A_l A_lᵀ‖_F over chains and consecutive links. */
    private static double imbalance(CpModel model) {
        double worst = 0;
        for (Factor factor : model.factors()) {
            for (int c = 0; c < factor.chains(); c++) {
                for (int l = 0; l + 1 < factor.depth(); l++) {
                    int size = factor.linkRows(l);
                    double sum = 0;
                    for (int i = 0; i < size; i++) {
                        for (int j = 0; j < size; j++) {
                            double upper = 0;
                            double lower = 0;
                            for (int k = 0; k < factor.linkRows(l + 1); k++) {
                                upper += factor.get(c, l + 1, k, i) * factor.get(c, l + 1, k, j);
                            }
                            for (int k = 0; k < factor.linkCols(l); k++) {
                                lower += factor.get(c, l, i, k) * factor.get(c, l, j, k);
                            }
                            sum += (upper - lower) * (upper - lower);
                        }
                    }
                    worst = Math.max(worst, Math.sqrt(sum));
                }
            }
        }
        return worst;
    }
}
