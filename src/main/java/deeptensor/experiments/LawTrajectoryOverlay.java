package deeptensor.experiments;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * E7: the component-norm law of deep CP, integrated along a measured training run, against the
 * measured component norms — the "theory vs experiment" overlay of Hariz et al. (ICML 2022), who
 * report that the theory matches the dynamics remarkably faithfully.
 *
 * <h2>What is compared</h2>
 * Deep CP with column chains of depth L and exactly balanced chains obeys, under gradient flow,
 * {@code d‖W_r‖/dt = K·‖W_r‖^{2−2/K}·g_r(t)} with {@code K = N·L} and
 * {@code g_r = ⟨−∇ℓ(W), Ŵ_r⟩} (the shallow case is Razin et al., ICML 2021). The run records
 * {@code ‖W_r‖} and {@code g_r} at every step. The law is then integrated from the measured initial
 * norm alone, with the measured {@code g_r(t)} as its only input: over each step, with {@code g}
 * interpolated linearly between the two measured values, the law's exact solution is
 * {@code c^{−α}(t+η) = c^{−α}(t) − (K−2)·ḡ·η} with {@code α = (K−2)/K}. The prediction never sees the
 * measured norms after step 0, so any error in the law's form, exponent or constant compounds
 * along the run; as a negative control the same integration is done with the shallow law
 * ({@code K = N}, depth ignored).
 *
 * <h2>Protocol</h2>
 * <ul>
 *   <li>Order N = 3, a 6×6×6 rank-3 target of unit Frobenius norm (new target per seed), 86 entries
 *       observed (40 %), R = 4 components, loss {@code ½Σ_Ω(W − Y)²}.</li>
 *   <li>Exactly balanced column chains; every component starts at {@code ‖W_r(0)‖ = c0 = 10⁻²}.</li>
 *   <li>Plain gradient descent with a constant small step, to time {@code t = step·η = 800} (quick:
 *       η = 0.01, depths 1–3, one seed) or {@code t = 1000} (full: η = 0.005, depths 1–4, three seeds,
 *       plus seed 1 again at 2η to show that the remaining gap is the O(η) difference between gradient
 *       descent and the gradient flow the law describes).</li>
 *   <li>The top 3 components are those with the largest norms at the end. A component's comparison
 *       window runs until it saturates: the first step at which its norm reaches 90 % of its final
 *       value. A component that ends below its initial norm never escaped its plateau (deep models
 *       learn one component after another, and a third one may not have started by the end), so it
 *       never saturated and is compared over the whole run.</li>
 * </ul>
 *
 * <h2>Criteria</h2>
 * The integrated law is within 5 % of the measured norm ({@code |predicted/measured − 1| ≤ 0.05}) at
 * every step of the window, for each of the top 3 components, at every depth and seed. It is
 * asserted: the law is exact for gradient flow and the only gap is first order in η, which the run
 * measures (the quick run's worst error was about a quarter of the bound, and it halves with η). The
 * shallow law must miss the same windows by more than the same 5 % for every top-3 component that
 * grew, at every depth L ≥ 2 (asserted too: it is what shows the criterion can fail; a component
 * still on its plateau carries too little of the law's content — a rate that differs only by a
 * bounded factor at a fixed norm — for a miss to be guaranteed there).
 */
final class LawTrajectoryOverlay implements Experiment {

    private static final int ORDER = 3;
    private static final int SIDE = 6;
    private static final int TARGET_RANK = 3;
    private static final int OBSERVED = 86;
    private static final int COMPONENTS = 4;
    private static final int COMPARED = 3;
    private static final double INITIAL_NORM = 1e-2;
    private static final double SATURATION = 0.9;
    private static final double TOLERANCE = 0.05;
    private static final int PLOTTED_POINTS = 1200;
    private static final String[] PLACES = {"largest", "2nd", "3rd"};

    @Override
    public String id() {
        return "E7";
    }

    @Override
    public String title() {
        return "the component-norm law integrated with measured projections vs the measured norms (Hariz et al., ICML 2022)";
    }

    /** A recorded run: norms and projections at every step, and the loss at the start and end. */
    private record Run(int depth, long seed, double eta, double[][] norms, double[][] projections, double firstLoss, double lastLoss) {
        int steps() {
            return norms.length - 1;
        }
    }

    /** One component's comparison: the windowed errors of both laws. */
    private record Comparison(int depth, long seed, double eta, int component, int place, double finalNorm, boolean grew, int saturation,
                              double deepError, double shallowError, int shallowBlowUp, double deepErrorWholeRun,
                              int deepSaturation, int shallowSaturation) {
    }

    @Override
    public void run(ExperimentContext context) throws IOException {
        boolean quick = context.quick();
        int[] depths = quick ? new int[] {1, 2, 3} : new int[] {1, 2, 3, 4};
        double eta = quick ? 0.01 : 0.005;
        double horizon = quick ? 800 : 1000;
        int seeds = context.seeds(quick ? 1 : 3);

        CsvTable summary = new CsvTable("depth", "K", "seed", "eta", "component", "place", "c0", "final_norm", "grew", "saturation_step",
                "max_rel_error_law_K=NL", "max_rel_error_law_K=N", "shallow_law_blow_up_step", "max_rel_error_law_K=NL_whole_run",
                "law_K=NL_saturation_step", "law_K=N_saturation_step");
        CsvTable series = new CsvTable("depth", "K", "seed", "eta", "step", "time", "component", "measured_norm", "projection",
                "law_K=NL", "law_K=N");
        CsvTable losses = new CsvTable("depth", "seed", "eta", "steps", "initial_loss", "final_loss");
        SvgPlot errors = new SvgPlot("Integrated law vs measured, until saturation (top 3, all seeds)",
                String.format(Locale.ROOT, "GD step (η = %s, ½Σ loss)", eta), "relative error |law / measured − 1|").logY();

        List<Comparison> compared = new ArrayList<>();
        List<Comparison> etaCheck = new ArrayList<>();
        for (int depth : depths) {
            for (int seed = 1; seed <= seeds; seed++) {
                Run run = train(depth, seed, eta, horizon);
                losses.row(depth, seed, eta, run.steps(), run.firstLoss(), run.lastLoss());
                List<Comparison> these = compare(run, series, errors, seed == 1 ? context : null);
                compared.addAll(these);
                for (Comparison c : these) {
                    row(summary, c);
                }
                context.note("L=%d seed %d: loss %.3e → %.3e over %d steps; top-3 errors of the law %s; shallow law %s",
                        depth, seed, run.firstLoss(), run.lastLoss(), run.steps(),
                        describe(these, Comparison::deepError), describe(these, Comparison::shallowError));
            }
            if (!quick) { // the same first seed at twice the step: the gap to the law should double
                Run coarse = train(depth, 1, 2 * eta, horizon);
                for (Comparison c : compare(coarse, null, null, null)) {
                    etaCheck.add(c);
                    row(summary, c);
                }
            }
        }
        errors.add("criterion 5 %", new double[] {1, horizon / eta}, new double[] {TOLERANCE, TOLERANCE}, SvgPlot.Style.DASHED);

        context.write("components", summary);
        context.write("trajectories", series);
        context.write("losses", losses);
        context.write("errors", errors);

        double worst = compared.stream().mapToDouble(Comparison::deepError).max().orElse(Double.NaN);
        StringBuilder perDepth = new StringBuilder();
        for (int depth : depths) {
            double w = compared.stream().filter(c -> c.depth() == depth).mapToDouble(Comparison::deepError).max().orElse(Double.NaN);
            perDepth.append(String.format(Locale.ROOT, "%sL=%d: %.2f %%", perDepth.isEmpty() ? "" : ", ", depth, 100 * w));
        }
        String stepNote = "";
        if (!etaCheck.isEmpty()) {
            double fine = compared.stream().filter(c -> c.seed() == 1).mapToDouble(Comparison::deepError).max().orElse(Double.NaN);
            double coarse = etaCheck.stream().mapToDouble(Comparison::deepError).max().orElse(Double.NaN);
            stepNote = String.format(Locale.ROOT, "; seed 1 at 2η: %.2f %% (×%.2f)", 100 * coarse, coarse / fine);
        }
        context.assertedVerdict("the law d‖W_r‖/dt = N·L·‖W_r‖^{2−2/(NL)}·g_r, integrated with the measured g_r, reproduces the measured norms",
                String.format(Locale.ROOT, "within %.0f %% until saturation (the whole run for one that never grew) for each of the top %d components, "
                        + "every depth and seed", 100 * TOLERANCE, COMPARED),
                "worst " + perDepth + stepNote, worst <= TOLERANCE);

        List<Comparison> deep = compared.stream().filter(c -> c.depth() >= 2 && c.grew()).toList();
        long stayed = compared.stream().filter(c -> c.depth() >= 2 && !c.grew()).count();
        double leastMiss = deep.stream().mapToDouble(Comparison::shallowError).min().orElse(Double.NaN);
        long blowUps = deep.stream().filter(c -> c.shallowBlowUp() >= 0).count();
        double earliest = deep.stream().mapToDouble(c -> c.shallowSaturation() < 0 ? Double.NaN : (double) c.shallowSaturation() / c.saturation())
                .filter(Double::isFinite).max().orElse(Double.NaN);
        context.assertedVerdict("negative control: the shallow law (K = N, depth ignored) does not reproduce deep runs",
                String.format(Locale.ROOT, "misses by more than %.0f %% within the window for each top-%d component that grew, at L ≥ 2",
                        100 * TOLERANCE, COMPARED),
                String.format(Locale.ROOT, "smallest miss %s; it blows up to infinity inside the window for %d of %d components, "
                        + "and reaches the 90 %% level at ≤ %.2f of the measured time%s", percent(leastMiss), blowUps, deep.size(), earliest,
                        stayed == 0 ? "" : "; " + stayed + " top-3 component(s) never grew and are left out"),
                leastMiss > TOLERANCE);
    }

    private static void row(CsvTable summary, Comparison c) {
        summary.row(c.depth(), ORDER * c.depth(), c.seed(), c.eta(), c.component() + 1, c.place() + 1, INITIAL_NORM, c.finalNorm(), c.grew(), c.saturation(),
                c.deepError(), c.shallowError(), c.shallowBlowUp(), c.deepErrorWholeRun(), c.deepSaturation(), c.shallowSaturation());
    }

    /** Plain GD from balanced chains at norm c0, recording norms and projections at every step up to {@code horizon}. */
    private static Run train(int depth, long seed, double eta, double horizon) {
        Shape shape = Shape.of(SIDE, SIDE, SIDE);
        int steps = (int) Math.round(horizon / eta);
        double[][] norms = new double[steps + 1][COMPONENTS];
        double[][] projections = new double[steps + 1][COMPONENTS];
        try (Tensor truth = Synthetic.cp(shape, TARGET_RANK, 1.0, 700 + seed);
             BalancedCpDescent descent = new BalancedCpDescent(truth, Synthetic.sample(shape, OBSERVED, 7000 + seed), COMPONENTS, depth,
                     BalancedCpDescent.linkScaleFor(INITIAL_NORM, ORDER, depth), seed)) {
            double first = Double.NaN;
            double last = Double.NaN;
            for (int s = 0; s <= steps; s++) {
                last = descent.evaluate(norms[s], projections[s]);
                if (s == 0) {
                    first = last;
                }
                if (s < steps) {
                    descent.descend(eta);
                }
            }
            return new Run(depth, seed, eta, norms, projections, first, last);
        }
    }

    /**
     * Integrates both laws for every component, compares the top 3 with the measured norms, and (when
     * the tables are given) records the series; draws the overlay figure for {@code figureContext}.
     */
    private static List<Comparison> compare(Run run, CsvTable series, SvgPlot errors, ExperimentContext figureContext) throws IOException {
        int k = ORDER * run.depth();
        int steps = run.steps();
        double[][] deep = integrate(run, k);
        double[][] shallow = integrate(run, ORDER);
        Integer[] order = new Integer[COMPONENTS];
        for (int r = 0; r < COMPONENTS; r++) {
            order[r] = r;
        }
        double[] last = run.norms()[steps];
        Arrays.sort(order, (a, b) -> Double.compare(last[b], last[a]));
        int stride = Math.max(1, steps / PLOTTED_POINTS);

        SvgPlot overlay = figureContext == null ? null : new SvgPlot(
                String.format(Locale.ROOT, "L=%d (K=%d), seed %d: measured (solid), law (dashed)", run.depth(), k, run.seed()),
                String.format(Locale.ROOT, "GD step (η = %s, ½Σ loss)", run.eta()),
                "‖W_r‖ (thin: shallow law K=N, negative control)").logY();
        double top = 0;
        for (int r = 0; r < COMPONENTS; r++) {
            for (int s = 0; s <= steps; s++) {
                top = Math.max(top, run.norms()[s][r]);
            }
        }

        List<Comparison> out = new ArrayList<>();
        for (int place = 0; place < COMPARED; place++) {
            int r = order[place];
            // A component that ended below its initial norm never escaped, so it never saturated: its
            // window is the whole run.
            boolean grew = last[r] > run.norms()[0][r];
            int saturation = grew ? firstAtLeast(run.norms(), r, SATURATION * last[r]) : steps;
            double deepError = 0;
            double shallowError = 0;
            double wholeRun = 0;
            int blowUp = -1;
            for (int s = 0; s <= steps; s++) {
                double measured = run.norms()[s][r];
                double e = Math.abs(deep[s][r] / measured - 1);
                wholeRun = Math.max(wholeRun, e);
                if (s <= saturation) {
                    deepError = Math.max(deepError, e);
                    shallowError = Math.max(shallowError, Math.abs(shallow[s][r] / measured - 1));
                    if (blowUp < 0 && Double.isInfinite(shallow[s][r])) {
                        blowUp = s;
                    }
                }
            }
            out.add(new Comparison(run.depth(), run.seed(), run.eta(), r, place, last[r], grew, saturation, deepError, shallowError, blowUp, wholeRun,
                    firstAtLeast(deep, r, SATURATION * last[r]), firstAtLeast(shallow, r, SATURATION * last[r])));

            if (series != null) {
                for (int s = 0; s <= steps; s += stride) {
                    series.row(run.depth(), k, run.seed(), run.eta(), s, s * run.eta(), r + 1, run.norms()[s][r], run.projections()[s][r],
                            deep[s][r], shallow[s][r]);
                }
            }
            int points = saturation / stride + 1;
            double[] x = new double[points];
            double[] error = new double[points];
            for (int i = 0; i < points; i++) {
                int s = i * stride;
                x[i] = s;
                error[i] = Math.abs(deep[s][r] / run.norms()[s][r] - 1);
            }
            if (errors != null) {
                errors.add(String.format(Locale.ROOT, "L=%d (K=%d)", run.depth(), k), x, error, SvgPlot.Style.THIN);
            }
            if (overlay != null) {
                int all = steps / stride + 1;
                double[] xs = new double[all];
                double[] measured = new double[all];
                double[] law = new double[all];
                double[] control = new double[all];
                for (int i = 0; i < all; i++) {
                    int s = i * stride;
                    xs[i] = s;
                    measured[i] = run.norms()[s][r];
                    law[i] = deep[s][r];
                    // beyond 10× the largest measured norm the control only squeezes the figure; it is cut there
                    control[i] = shallow[s][r] <= 10 * top ? shallow[s][r] : Double.NaN;
                }
                String label = "W_" + (r + 1) + " (" + PLACES[place] + ")";
                overlay.add(label, xs, measured, SvgPlot.Style.LINE);
                overlay.add(label, xs, law, SvgPlot.Style.DASHED);
                overlay.add(label, xs, control, SvgPlot.Style.THIN);
            }
        }
        if (overlay != null) {
            figureContext.write("overlay-L" + run.depth(), overlay);
        }
        return out;
    }

    /** The first step at which column {@code r} of {@code norms} reaches {@code level}, or −1. */
    private static int firstAtLeast(double[][] norms, int r, double level) {
        for (int s = 0; s < norms.length; s++) {
            if (norms[s][r] >= level) {
                return s;
            }
        }
        return -1;
    }

    /**
     * The law with constant {@code k} integrated from the measured initial norms with the measured
     * projections, g linear between steps: {@code c^{−α} ← c^{−α} − (K−2)·ḡ·η} for K > 2
     * ({@code c ← c·e^{2ḡη}} for K = 2), and +∞ once the solution has blown up.
     */
    private static double[][] integrate(Run run, int k) {
        int steps = run.steps();
        double[][] c = new double[steps + 1][COMPONENTS];
        c[0] = run.norms()[0].clone();
        for (int s = 0; s < steps; s++) {
            for (int r = 0; r < COMPONENTS; r++) {
                double g = 0.5 * (run.projections()[s][r] + run.projections()[s + 1][r]);
                c[s + 1][r] = advance(c[s][r], g, run.eta(), k);
            }
        }
        return c;
    }

    private static double advance(double c, double g, double dt, int k) {
        if (Double.isInfinite(c)) {
            return c;
        }
        if (k == 2) {
            return c * Math.exp(2 * g * dt);
        }
        double alpha = (k - 2.0) / k;
        double power = Math.pow(c, -alpha) - (k - 2) * g * dt;
        return power > 0 ? Math.pow(power, -1 / alpha) : Double.POSITIVE_INFINITY;
    }

    private interface Measure {
        double of(Comparison c);
    }

    private static String describe(List<Comparison> comparisons, Measure measure) {
        StringBuilder text = new StringBuilder();
        for (Comparison c : comparisons) {
            text.append(text.isEmpty() ? "" : "/").append(percent(measure.of(c)));
        }
        return text.toString();
    }

    private static String percent(double fraction) {
        return Double.isInfinite(fraction) ? "∞" : String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
    }
}
