package deeptensor.cli;

import deeptensor.CompletionModel;
import deeptensor.internal.AtomicFiles;
import deeptensor.io.TensorFiles;
import deeptensor.io.TensorFiles;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code deeptensor predict MODEL INPUT -o OUTPUT [--index-base B] [--quiet]}: loads a model saved
 * by {@code complete --save-model}, reads a list of entries (.npy m × N indexes from 0, or .tns /
 * .csv lines of indexes), and writes the model's value at each, in order: a {@code .npy} vector, or
 * the same kind of text file with the value appended to each entry's indexes (in the input's index
 * base). Written atomically; standard output stays empty.
 */
final class PredictCommand {

    static final Arguments.Spec SPEC = new Arguments.Spec("predict").valued("--output", "-o").valued("--index-base").valued("--threads")
            .flag("--quiet");

    private PredictCommand() {
    }

    static int run(List<String> words, PrintStream err) throws Main.UsageException, IOException {
        Arguments args = SPEC.parse(words);
        List<String> files = args.positionals();
        if (files.size() != 2) {
            throw new Main.UsageException("predict needs a model file and an entry list: deeptensor predict MODEL INPUT -o OUTPUT");
        }
        Path modelFile = Path.of(files.get(0)), input = Path.of(files.get(1));
        Path output = Path.of(args.value("--output").orElseThrow(
                () -> new Main.UsageException("predict needs an output file: -o OUTPUT.npy (or .csv, .tns)")));
        String extension = extension(output);
        if (!List.of(".npy", ".csv", ".tns").contains(extension)) {
            throw new Main.UsageException("-o: '" + output + "' should be a file name ending in .npy, .csv or .tns");
        }
        OutputFiles.requireWritable("-o", output, extension);
        int indexBase = CompleteOptions.parseIndexBase(args.value("--index-base"));
        long started = System.nanoTime();
        try (CompletionModel model = CompletionModel.load(modelFile);
             Coordinates at = TensorFiles.readCoordinates(input, model.shape(), indexBase);
             Tensor values = Tensor.zeros(at.count())) {
            model.predict(at, values);
            if (extension.equals(".npy")) {
                TensorFiles.write(output, values);
            } else {
                int base = extension(input).equals(".npy") ? (extension.equals(".tns") ? 1 : 0) : indexBase;
                writeText(output, at, values, base, extension.equals(".csv"));
            }
            if (!args.flag("--quiet")) {
                err.printf(Locale.ROOT, "deeptensor: predicted %d entries of %s (%s) in %.2f s; wrote %s%n", at.count(), model.shape(),
                        model.describe(), (System.nanoTime() - started) * 1e-9, output);
            }
        }
        return Main.OK;
    }

    private static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    /** One line per entry: the indexes in {@code base}, then the value (shortest exact decimal form). */
    private static void writeText(Path output, Coordinates at, Tensor values, int base, boolean csv) throws IOException {
        String separator = csv ? "," : " ";
        int order = at.shape().order();
        AtomicFiles.replace(output, channel -> {
            Writer writer = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 16);
            writer.write("# predictions of a deeptensor model; indexes count from " + base + "\n");
            if (csv) {
                StringBuilder header = new StringBuilder();
                for (int n = 0; n < order; n++) {
                    header.append('i').append(n + 1).append(',');
                }
                writer.write(header.append("value\n").toString());
            }
            for (int e = 0; e < at.count(); e++) {
                for (int n = 0; n < order; n++) {
                    writer.write(Integer.toString(at.index(e, n) + base));
                    writer.write(separator);
                }
                writer.write(Double.toString(values.getFlat(e)));
                writer.write('\n');
            }
            writer.flush();
        });
    }
}
