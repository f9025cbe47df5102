package deeptensor.experiments;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an experiment runs with and writes to: the size (full or quick), the number of seeds, the
 * output folder (one sub-folder per experiment), and the stream progress lines and verdicts go to.
 * It keeps the verdicts and the files written so that the command can summarize them and the
 * tests can check them.
 */
public final class ExperimentContext {

    private final String experiment;
    private final boolean quick;
    private final int seedsOverride;
    private final Path folder;
    private final PrintStream out;
    private double budgetSeconds;
    private final List<Verdict> verdicts = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    /**
     * @param experiment    the experiment's id; its files go to {@code outputRoot/<id>/}
     * @param quick         run the reduced protocol (minutes), not the full one
     * @param seedsOverride number of seeds asked for on the command line, or 0 for each experiment's default
     * @param outputRoot    the folder for every experiment's outputs
     * @param out           where progress lines and verdicts are printed
     */
    public ExperimentContext(String experiment, boolean quick, int seedsOverride, Path outputRoot, PrintStream out) {
        if (seedsOverride < 0) {
            throw new IllegalArgumentException("seeds must be positive, got " + seedsOverride);
        }
        this.experiment = experiment;
        this.quick = quick;
        this.seedsOverride = seedsOverride;
        this.folder = outputRoot.resolve(experiment);
        this.out = out;
    }

    /**
     * Limits every training run of a long protocol to {@code seconds} of wall time (0: no limit).
     * An experiment that stops a run at the budget says so in its output and verdicts.
     */
    public ExperimentContext budget(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("a time budget must be finite and not negative, got " + seconds);
        }
        budgetSeconds = seconds;
        return this;
    }

    /** The wall-time limit of one training run in seconds, or 0 for none. */
    public double budgetSeconds() {
        return budgetSeconds;
    }

    /** Whether to run the reduced protocol. */
    public boolean quick() {
        return quick;
    }

    /** The number of seeds: the one asked for on the command line, else {@code defaultCount}. */
    public int seeds(int defaultCount) {
        return seedsOverride > 0 ? seedsOverride : defaultCount;
    }

    /** The folder this experiment writes to (created on first write). */
    public Path folder() {
        return folder;
    }

    /** Writes {@code table} as {@code <name>.csv} in the experiment's folder. */
    public Path write(String name, CsvTable table) throws IOException {
        return record(name + ".csv", path -> table.write(path));
    }

    /** Writes {@code plot} as {@code <name>.svg} in the experiment's folder. */
    public Path write(String name, SvgPlot plot) throws IOException {
        return record(name + ".svg", path -> plot.write(path));
    }

    private interface Writer {
        void write(Path path) throws IOException;
    }

    private Path record(String fileName, Writer writer) throws IOException {
        Files.createDirectories(folder);
        Path path = folder.resolve(fileName);
        writer.write(path);
        files.add(path);
        out.println(experiment + ": wrote " + path);
        return path;
    }

    /** A progress line, prefixed with the experiment's id. */
    public void note(String format, Object... args) {
        out.println(experiment + ": " + String.format(Locale.ROOT, format, args));
        out.flush();
    }

    /**
     * Records and prints the verdict on one claim.
     *
     * @param claim      the claim in a few words
     * @param expected   the criterion that would reproduce it
     * @param measured   the figures that decide it
     * @param reproduced whether the criterion holds
     */
    public Verdict verdict(String claim, String expected, String measured, boolean reproduced) {
        return record(new Verdict(experiment, claim, expected, measured, reproduced, false));
    }

    /**
     * Records and prints the verdict on a claim that must hold in every run, quick ones included —
     * a law's error bound, a metric's definition — so the tests fail when it is not reproduced.
     */
    public Verdict assertedVerdict(String claim, String expected, String measured, boolean reproduced) {
        return record(new Verdict(experiment, claim, expected, measured, reproduced, true));
    }

    private Verdict record(Verdict verdict) {
        verdicts.add(verdict);
        out.println(verdict.line());
        out.flush();
        return verdict;
    }

    /** The verdicts recorded so far, in order. */
    public List<Verdict> verdicts() {
        return List.copyOf(verdicts);
    }

    /** The files written so far, in order. */
    public List<Path> files() {
        return List.copyOf(files);
    }
}
