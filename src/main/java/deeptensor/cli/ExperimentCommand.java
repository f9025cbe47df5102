package deeptensor.cli;

import deeptensor.experiments.CsvTable;
import deeptensor.experiments.Experiment;
import deeptensor.experiments.ExperimentContext;
import deeptensor.experiments.Experiments;
import deeptensor.experiments.Verdict;
import deeptensor.internal.kernel.KernelProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code deeptensor experiment ID... [--quick] [--out DIR] [--seeds K] [--threads N] [--budget T]}: runs
 * experiments E1–E10 (or {@code all}), writing each one's CSV series and SVG figures under
 * {@code DIR/<id>/}, printing a verdict line per claim, and writing every verdict of the run to
 * {@code DIR/verdicts.csv}. A claim that is not reproduced is a result, not an error: the exit code
 * is 0 whenever the experiments ran. {@code --budget T} limits each training run of the long
 * protocols (E8's 25 000 epochs) to a wall time; the outputs say where a run was cut short.
 */
final class ExperimentCommand {

    static final Path DEFAULT_OUTPUT = Path.of("experiment-results");

    private ExperimentCommand() {
    }

    static int run(List<String> words, PrintStream out) throws IOException, Main.UsageException {
        Arguments parsed = new Arguments.Spec("experiment").flag("--quick").valued("--out", "-o").valued("--seeds").valued("--threads")
                .valued("--budget").flag("--list").parse(words);
        if (parsed.flag("--list")) {
            for (Experiment e : Experiments.all()) {
                out.println(e.id() + "\t" + e.title());
            }
            return Main.OK;
        }
        List<Experiment> chosen = choose(parsed.positionals());
        int seeds = parsed.value("--seeds").isPresent() ? parseSeeds(parsed.value("--seeds").orElseThrow()) : 0;
        double budget = parsed.value("--budget").isPresent()
                ? DurationArgument.parse("--budget", parsed.value("--budget").orElseThrow()).toNanos() / 1e9 : 0;
        Path root = Path.of(parsed.value("--out").orElse(DEFAULT_OUTPUT.toString()));
        Files.createDirectories(root);
        boolean quick = parsed.flag("--quick");
        out.printf(Locale.ROOT, "deeptensor %s, kernels %s, %s size, output in %s%n", Version.current(),
                KernelProvider.kernels().name(), quick ? "quick" : "full", root.toAbsolutePath());
        List<Verdict> verdicts = new ArrayList<>();
        for (Experiment experiment : chosen) {
            out.println(experiment.id() + ": " + experiment.title());
            long start = System.nanoTime();
            ExperimentContext context = new ExperimentContext(experiment.id(), quick, seeds, root, out).budget(budget);
            experiment.run(context);
            verdicts.addAll(context.verdicts());
            out.printf(Locale.ROOT, "%s: done in %.1f s%n", experiment.id(), (System.nanoTime() - start) / 1e9);
        }
        CsvTable table = new CsvTable("experiment", "claim", "expected", "measured", "reproduced", "asserted");
        for (Verdict v : verdicts) {
            table.row(v.experiment(), v.claim(), v.expected(), v.measured(), v.reproduced(), v.asserted());
        }
        table.write(root.resolve("verdicts.csv"));
        long reproduced = verdicts.stream().filter(Verdict::reproduced).count();
        out.printf(Locale.ROOT, "%d of %d claims reproduced; verdicts in %s%n", reproduced, verdicts.size(), root.resolve("verdicts.csv"));
        return Main.OK;
    }

    private static List<Experiment> choose(List<String> ids) throws Main.UsageException {
        if (ids.isEmpty()) {
            throw new Main.UsageException("experiment needs one or more of E1 … E10, or all; --list names them");
        }
        Set<Experiment> chosen = new LinkedHashSet<>();
        for (String id : ids) {
            if (id.equalsIgnoreCase("all")) {
                chosen.addAll(Experiments.all());
                continue;
            }
            chosen.add(Experiments.byId(id).orElseThrow(() -> new Main.UsageException("no experiment '" + id + "'; known: "
                    + String.join(", ", Experiments.all().stream().map(Experiment::id).toList()) + " (or all)")));
        }
        return List.copyOf(chosen);
    }

    private static int parseSeeds(String text) throws Main.UsageException {
        try {
            int seeds = Integer.parseInt(text.strip());
            if (seeds >= 1 && seeds <= 1000) {
                return seeds;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new Main.UsageException("--seeds must be a whole number from 1 to 1000, got '" + text + "'");
    }
}
