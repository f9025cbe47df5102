package deeptensor.cli;

import deeptensor.CompletionReport;
import deeptensor.CompletionResult;
import deeptensor.io.FormatException;
import deeptensor.io.SparseOptions;
import deeptensor.io.TensorFiles;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import deeptensor.train.StopReason;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code deeptensor complete INPUT -o OUTPUT.npy [options]}: reads the observed entries, fits the
 * completion, and writes the whole tensor as {@code .npy} ({@code <f8}, C order), atomically.
 * Observed entries keep their observed values unless {@code --refit-observed}. Progress and a short
 * summary go to standard error; standard output stays empty. On SIGINT or SIGTERM the fit stops at
 * its next step and the best state so far is written all the same (see {@link ShutdownGuard}).
 */
final class CompleteCommand {

    private CompleteCommand() {
    }

    static int run(List<String> words, PrintStream err) throws Main.UsageException, IOException, Fitting.InterruptedBeforeFit {
        CompleteOptions options = CompleteOptions.parse(words);
        // Every file to write is checked before the fit, which may take long.
        OutputFiles.requireWritable("-o", options.output(), ".npy");
        if (options.report().isPresent()) {
            OutputFiles.requireWritable("--report", options.report().orElseThrow(), ".json");
        }
        if (options.preview().isPresent()) {
            OutputFiles.requireWritable("--preview", options.preview().orElseThrow(), ".png");
        }
        if (options.saveModel().isPresent()) {
            OutputFiles.requireWritable("--save-model", options.saveModel().orElseThrow(), ".dtm");
        }
        long started = System.nanoTime();
        try (ShutdownGuard guard = ShutdownGuard.install();
             Observations observed = read(options)) {
            PreviewImage.Layout layout = options.preview().isPresent() ? PreviewImage.layout(observed.shape()) : null;
            long size = observed.shape().size();
            if (!options.quiet()) {
                err.printf(Locale.ROOT, "deeptensor: completing %s: shape %s, %d of %d entries observed (%.1f %%)%n",
                        options.input(), observed.shape(), observed.count(), size, 100.0 * observed.count() / size);
            }
            ProgressDisplay display = ProgressDisplay.forStream(err, options.quiet());
            try (CompletionResult result = Fitting.run(observed, options.settings(), display, guard)) {
                Tensor completed = result.completed();
                BufferedImage preview = layout == null ? null : preview(layout, observed, completed, options.refitObserved());
                if (!options.refitObserved()) {
                    keepObserved(observed, completed);
                }
                TensorFiles.write(options.output(), completed);
                if (options.saveModel().isPresent()) {
                    result.model().save(options.saveModel().orElseThrow());
                    if (!options.quiet()) {
                        err.println("deeptensor: saved the model to " + options.saveModel().orElseThrow()
                                + " (deeptensor predict MODEL INPUT -o OUTPUT serves it)");
                    }
                }
                CompletionReport report = result.report();
                double seconds = (System.nanoTime() - started) * 1e-9;
                if (options.report().isPresent()) {
                    String json = reportJson(options, observed, report, seconds);
                    OutputFiles.write(options.report().orElseThrow(), json.getBytes(StandardCharsets.UTF_8));
                }
                if (preview != null) {
                    PreviewImage.write(options.preview().orElseThrow(), preview);
                }
                summarize(options, observed, report, guard.signalled(), seconds, err);
                return guard.signalled() ? Main.INTERRUPTED : Main.OK;
            }
        }
    }

    /** Reads the input; {@code --shape} is the shape of a sparse file, and must agree with a dense one's. */
    private static Observations read(CompleteOptions options) throws IOException {
        SparseOptions sparse = SparseOptions.defaults().withIndexBase(options.indexBase());
        if (options.shape().isPresent()) {
            sparse = sparse.withShape(options.shape().orElseThrow());
        }
        Observations observed = TensorFiles.readObservations(options.input(), sparse);
        if (options.shape().isPresent() && !observed.shape().equals(options.shape().orElseThrow())) {
            String message = "the file's shape is " + observed.shape() + ", but --shape says " + options.shape().orElseThrow();
            observed.close();
            throw FormatException.ofFile(options.input(), message);
        }
        return observed;
    }

    /** Puts the observed values back at the observed entries. */
    static void keepObserved(Observations observed, Tensor completed) {
        for (int e = 0; e < observed.count(); e++) {
            completed.setFlat(observed.coordinates().offset(e), observed.value(e));
        }
    }

    /**
     * The preview: observed pixels, the tensor as written, and how far the model's fit is from the
     * observed values (undefined where nothing was observed). Drawn before the observed values are
     * put back, while {@code fitted} still holds the model's values everywhere.
     */
    private static BufferedImage preview(PreviewImage.Layout layout, Observations observed, Tensor fitted, boolean refit) {
        try (Tensor seen = observed.toDense();
             Tensor residual = Tensor.zeros(observed.shape()).fill(Double.NaN);
             Tensor written = fitted.copy()) {
            double low = Double.POSITIVE_INFINITY, high = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < observed.count(); e++) {
                long at = observed.coordinates().offset(e);
                double value = observed.value(e);
                residual.setFlat(at, fitted.getFlat(at) - value);
                low = Math.min(low, value);
                high = Math.max(high, value);
            }
            if (!refit) {
                keepObserved(observed, written);
            }
            return PreviewImage.render(layout, seen, written, residual, low, high);
        }
    }

    private static String reportJson(CompleteOptions options, Observations observed, CompletionReport report,
                                      double seconds) {
        JsonObject settings = new JsonObject()
                .string("model", options.model().name())
                .raw("depth", options.model().depth() == 0 ? "null" : Integer.toString(options.model().depth()))
                .string("shape", options.shape().map(Object::toString).orElse(null))
                .raw("threads", options.threads().map(Object::toString).orElse("null"))
                .string("maxTime", options.maxTime().map(Object::toString).orElse(null))
                .bool("refitObserved", options.refitObserved())
                .string("preview", options.preview().map(p -> p.toAbsolutePath().toString()).orElse(null));
        JsonObject json = new JsonObject()
                .string("deeptensor", Version.current())
                .string("command", "complete")
                .string("input", options.input().toAbsolutePath().toString())
                .string("output", options.output().toAbsolutePath().toString())
                .integer("seed", options.seed())
                .raw("options", settings.toString().strip().replace("\n", "\n  "))
                .integers("shape", observed.shape().dims())
                .integer("observed", observed.count())
                .bool("observedKept", !options.refitObserved())
                .bool("interrupted", report.stopReason() == StopReason.INTERRUPTED)
                .number("seconds", seconds)
                .raw("completion", report.toJson());
        return json.toString();
    }

    /** Others shown beside the kept candidate in the summary (all of them are in the --report file). */
    static final int OTHERS_SHOWN = 3;

    /** One line: the kept candidate, then the best few others (each name once), by validation error. */
    static String candidatesLine(CompletionReport report) {
        StringBuilder line = new StringBuilder();
        java.util.Set<String> named = new java.util.HashSet<>();
        for (CompletionReport.Candidate candidate : report.candidates()) {
            if (candidate.kept() && named.add(candidate.name())) {
                line.append(line.isEmpty() ? "" : "; ").append(candidateText(candidate)).append(" (kept)");
            }
        }
        List<CompletionReport.Candidate> others = report.candidates().stream().filter(c -> !c.kept())
                .sorted(java.util.Comparator.comparingDouble(c -> Double.isNaN(c.validationRelativeError())
                        ? Double.POSITIVE_INFINITY : c.validationRelativeError()))
                .filter(c -> named.add(c.name())).toList();
        for (int i = 0; i < Math.min(OTHERS_SHOWN, others.size()); i++) {
            line.append(line.isEmpty() ? "" : "; ").append(candidateText(others.get(i)));
        }
        if (others.size() > OTHERS_SHOWN) {
            line.append("; …");
        }
        return line.toString();
    }

    private static String candidateText(CompletionReport.Candidate candidate) {
        return candidate.name() + " " + (Double.isFinite(candidate.validationRelativeError())
                ? String.format(Locale.ROOT, "%.4g", candidate.validationRelativeError()) : "not measured");
    }

    private static void summarize(CompleteOptions options, Observations observed, CompletionReport report, boolean signalled,
                                  double seconds, PrintStream err) {
        Path output = options.output();
        boolean interrupted = report.stopReason() == StopReason.INTERRUPTED;
        if (!options.quiet()) {
            long missing = observed.shape().size() - observed.count();
            err.printf(Locale.ROOT, "deeptensor: fitted %s: %d step%s, ended by %s; %s in all%n", report.model(), report.steps(),
                    report.steps() == 1 ? "" : "s", why(report.stopReason()), DurationArgument.format(seconds));
            if (Double.isFinite(report.validationRelativeError())) {
                err.printf(Locale.ROOT, "deeptensor: relative error on held-out observed entries %.4g (on the training entries %.4g)%n",
                        report.validationRelativeError(), report.trainRelativeError());
            }
            if (!report.candidates().isEmpty()) {
                err.println("deeptensor: relative errors on held-out entries: " + candidatesLine(report));
            }
            err.println("deeptensor: filled " + missing + " missing entries; " + (options.refitObserved()
                    ? "observed entries replaced by the model's values (--refit-observed)"
                    : "kept the " + observed.count() + " observed values as given"));
            if (options.report().isPresent()) {
                err.println("deeptensor: wrote the report " + options.report().orElseThrow());
            }
            if (options.preview().isPresent()) {
                err.println("deeptensor: wrote the preview " + options.preview().orElseThrow());
            }
        }
        // Said even with --quiet: the file is valid but holds a fit that was cut short.
        if (interrupted) {
            err.println("deeptensor: interrupted: wrote the best state so far to " + output);
        } else if (signalled) {
            err.println("deeptensor: interrupted after the fit had ended: wrote the finished result to " + output);
        } else if (report.stopReason() == StopReason.TIME_LIMIT && !options.quiet()) {
            err.println("deeptensor: the time budget ran out: wrote the best state found in time to " + output);
        } else if (!options.quiet()) {
            err.println("deeptensor: wrote " + output);
        }
    }

    /** Why training ended, in words. */
    static String why(StopReason reason) {
        return switch (reason) {
            case MAX_STEPS -> "the step budget";
            case TOLERANCE -> "reaching the loss tolerance";
            case FINISHED -> "finishing every planned fit";
            case PLATEAU -> "a plateau of the training loss";
            case EARLY_STOPPING -> "early stopping (no better validation error for a while; the best state kept)";
            case DIVERGED -> "divergence (the last good state kept)";
            case TIME_LIMIT -> "the time budget (--max-time)";
            case INTERRUPTED -> "an interrupt";
        };
    }
}
