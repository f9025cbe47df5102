package deeptensor.cli;

import deeptensor.CompletionReport;
import deeptensor.CompletionResult;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import deeptensor.train.StopReason;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code deeptensor demo}: removes 90 % of the entries of the bundled astronaut photograph (a
 * seeded random choice), completes it with the default recipe — what {@code complete} does with
 * no options — and prints the relative error on the removed entries next to mean and main-effects
 * imputation; it writes a preview PNG (observed / completed / error against the original).
 */
final class DemoCommand {

    /** Share of the entries removed. */
    static final double MISSING = 0.9;
    /** Where the preview goes unless {@code --preview} (or {@code -o}) says otherwise. */
    static final String DEFAULT_PREVIEW = "demo-preview.png";
    /** The demo's time budget unless {@code --max-time} says otherwise. */
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);

    static final Arguments.Spec SPEC = new Arguments.Spec("demo")
            .valued("--preview", "-o").valued("--seed").valued("--max-time").valued("--threads").flag("--quiet");

    private DemoCommand() {
    }

    static int run(List<String> words, PrintStream out, PrintStream err)
            throws Main.UsageException, IOException, Fitting.InterruptedBeforeFit {
        Arguments args = SPEC.parse(words);
        if (!args.positionals().isEmpty()) {
            throw new Main.UsageException("demo takes no file, got '" + args.positionals().get(0) + "'");
        }
        Path preview = Path.of(args.value("--preview").orElse(DEFAULT_PREVIEW));
        long seed = args.value("--seed").isPresent() ? Main.parseLong("--seed", args.value("--seed").orElseThrow()) : 0;
        Duration budget = args.value("--max-time").isPresent()
                ? DurationArgument.parse("--max-time", args.value("--max-time").orElseThrow()) : DEFAULT_BUDGET;
        boolean quiet = args.flag("--quiet");
        OutputFiles.requireWritable("--preview", preview, ".png");

        long started = System.nanoTime();
        try (ShutdownGuard guard = ShutdownGuard.install();
             Tensor truth = DemoData.image()) {
            PreviewImage.Layout layout = PreviewImage.layout(truth.shape());
            boolean[] observedMask = DemoData.mask(truth.shape(), 1 - MISSING, seed);
            boolean[] removed = new boolean[observedMask.length];
            for (int i = 0; i < removed.length; i++) {
                removed[i] = !observedMask[i];
            }
            try (Observations observed = DemoData.observe(truth, observedMask)) {
                out.printf(Locale.ROOT, "deeptensor demo: the astronaut photograph (Eileen Collins, NASA; public domain), %s, "
                        + "with %.0f %% of its %d entries removed at random (seed %d)%n", truth.shape(), 100 * MISSING,
                        truth.size(), seed);
                out.printf(Locale.ROOT, "completing from the %d entries left, with the default model (what 'deeptensor complete' "
                        + "does without options; at most %s) ...%n", observed.count(), DurationArgument.format(budget.toMillis() / 1e3));
                out.flush();
                ProgressDisplay display = ProgressDisplay.forStream(err, quiet);
                Fitting.Settings settings = new Fitting.Settings(seed, new ModelChoice("auto", 0), Optional.of(budget));
                try (CompletionResult result = Fitting.run(observed, settings, display, guard);
                     Tensor mean = Baselines.mean(observed);
                     Tensor effects = Baselines.mainEffects(observed)) {
                    Tensor completed = result.completed();
                    CompleteCommand.keepObserved(observed, completed);
                    CompletionReport report = result.report();
                    double seconds = (System.nanoTime() - started) * 1e-9;
                    boolean interrupted = report.stopReason() == StopReason.INTERRUPTED;
                    long missing = truth.size() - observed.count();
                    out.printf(Locale.ROOT, "%nrelative error on the %d removed entries (‖estimate − original‖ / ‖original‖; lower is better):%n",
                            missing);
                    out.printf(Locale.ROOT, "  deeptensor, default model   %.3f   (%s; %s)%n", Baselines.relativeError(completed, truth, removed),
                            report.model(), DurationArgument.format(seconds));
                    out.printf(Locale.ROOT, "  main-effects imputation     %.3f   (μ + row + column + channel effects)%n",
                            Baselines.relativeError(effects, truth, removed));
                    out.printf(Locale.ROOT, "  mean imputation             %.3f   (the observed mean everywhere)%n",
                            Baselines.relativeError(mean, truth, removed));
                    if (interrupted) {
                        out.println("interrupted: the figures above are for the best state found so far");
                    } else if (report.stopReason() == StopReason.TIME_LIMIT) {
                        out.println("the time budget ran out (--max-time): the figures above are for the best state found in time");
                    }
                    writePreview(preview, layout, truth, observed, completed);
                    out.println("preview: " + preview.toAbsolutePath()
                            + " (left: the observed 10 %; middle: completed; right: |completed − original| ×"
                            + (int) PreviewImage.DIFFERENCE_GAIN + ")");
                    return guard.signalled() ? Main.INTERRUPTED : Main.OK;
                }
            }
        }
    }

    private static void writePreview(Path file, PreviewImage.Layout layout, Tensor truth, Observations observed, Tensor completed)
            throws IOException {
        try (Tensor seen = observed.toDense(); Tensor error = completed.copy()) {
            for (long i = 0; i < error.size(); i++) {
                error.setFlat(i, completed.getFlat(i) - truth.getFlat(i));
            }
            PreviewImage.write(file, PreviewImage.render(layout, seen, completed, error, 0, 1));
        }
    }
}
