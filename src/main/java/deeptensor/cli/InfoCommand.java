package deeptensor.cli;

import deeptensor.io.TensorFile;
import deeptensor.io.TensorFiles;
import deeptensor.internal.kernel.KernelProvider;
import deeptensor.internal.linalg.ModeSpectra;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * {@code deeptensor info [FILE] [--top K]}: what a tensor file holds — shape, observed count and
 * fraction, value range — and the singular-value spectrum of every mode-n unfolding (top K values
 * relative to the largest, energy captured, ranks reaching 90/99/99.9 % of the energy, effective
 * rank). Without FILE it describes the bundled unemployment tensor.
 */
final class InfoCommand {

    /** Bundled sample: US BLS unemployed persons by industry × year × month (public domain). */
    static final String BUNDLED = "/deeptensor/data/unemployment.npy";

    /** Spectra are skipped for tensors larger than this many elements (a dense copy is needed). */
    static final long SPECTRA_LIMIT = 1L << 24;

    private InfoCommand() {
    }

    static void run(List<String> args, PrintStream out) throws IOException, Main.UsageException {
        Arguments parsed = new Arguments.Spec("info").valued("--top").valued("--index-base").parse(args);
        int indexBase = CompleteOptions.parseIndexBase(parsed.value("--index-base"));
        int top = parsed.value("--top").isPresent() ? parsePositive(parsed.value("--top").orElseThrow()) : 5;
        List<String> files = parsed.positionals();
        if (files.size() > 1) {
            throw new Main.UsageException("info takes one file, got '" + files.get(0) + "' and '" + files.get(1) + "'");
        }
        Path file = files.isEmpty() ? null : Path.of(files.get(0));
        if (file == null) {
            describeBundled(top, out);
        } else {
            try (TensorFile content = TensorFiles.read(file, deeptensor.io.SparseOptions.defaults().withIndexBase(indexBase))) {
                describe(content, file.toString(), top, out);
            }
        }
    }

    private static int parsePositive(String text) throws Main.UsageException {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new Main.UsageException("--top needs a positive whole number, got '" + text + "'");
    }

    private static void describeBundled(int top, PrintStream out) throws IOException {
        Path copy = Files.createTempFile("deeptensor-unemployment", ".npy");
        try {
            try (InputStream in = InfoCommand.class.getResourceAsStream(BUNDLED)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled tensor " + BUNDLED + " is missing from the jar");
                }
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            try (TensorFile content = TensorFiles.read(copy)) {
                describe(content, "unemployment.npy (bundled; US BLS unemployed persons, industry × year 2000–09 × month)", top, out);
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    static void describe(TensorFile content, String name, int top, PrintStream out) {
        // One pass over the values gives the range and the observed count (a dense file's
        // observedCount() would be another pass over every element).
        Range range = Range.of(content);
        long size = content.shape().size();
        out.println("file       " + name);
        out.println("format     " + content.layout());
        out.printf(Locale.ROOT, "shape      %s (%d entries)%n", content.shape(), size);
        out.printf(Locale.ROOT, "observed   %d (%.2f %%)%n", range.count, size == 0 ? 0.0 : 100.0 * range.count / size);
        out.println("kernels    " + KernelProvider.kernels().name());
        if (range.count == 0) {
            out.println("values     none observed");
        } else {
            // With both infinities observed the mean has no value; say so rather than print NaN.
            String mean = range.min == Double.NEGATIVE_INFINITY && range.max == Double.POSITIVE_INFINITY
                    ? "undefined (both +Infinity and -Infinity observed)" : number(range.mean());
            out.printf(Locale.ROOT, "values     min %s, max %s, mean %s (observed entries)%n",
                    number(range.min), number(range.max), mean);
        }
        if (content.shape().order() == 0) {
            return;
        }
        if (size > SPECTRA_LIMIT) {
            out.println("spectra    skipped: " + size + " entries is more than the " + SPECTRA_LIMIT + " a dense copy is made for");
            return;
        }
        if (!Double.isFinite(range.min) && range.count > 0 || !Double.isFinite(range.max) && range.count > 0) {
            out.println("spectra    not computed: the observed values include an infinity");
            return;
        }
        try (Tensor dense = filledCopy(content, range.count == 0 ? 0 : range.mean())) {
            boolean filled = range.count < size;
            out.println("spectra    singular values of each mode-n unfolding" + (filled
                    ? " (unobserved entries set to the observed mean)" : ""));
            // Only ratios of singular values are shown, so the tensor is divided by its largest
            // magnitude first: singular values of data near 1e308 would overflow, near 1e-308 lose digits.
            double largest = Math.max(Math.abs(range.min), Math.abs(range.max));
            if (largest > 0) {
                for (long i = 0; i < dense.size(); i++) {
                    dense.setFlat(i, dense.getFlat(i) / largest);
                }
            }
            for (int mode = 0; mode < dense.order(); mode++) {
                out.println(modeLine(mode, dense.dim(mode), ModeSpectra.singularValues(dense, mode), top));
            }
        }
    }

    /** A dense copy to take spectra of, with unobserved entries (NaN in an array, absent from a sparse file) set to {@code fill}. */
    private static Tensor filledCopy(TensorFile content, double fill) {
        return switch (content) {
            case TensorFile.Dense dense -> {
                Tensor copy = dense.tensor().copy();
                for (long i = 0; i < copy.size(); i++) {
                    if (Double.isNaN(copy.getFlat(i))) {
                        copy.setFlat(i, fill);
                    }
                }
                yield copy;
            }
            case TensorFile.Sparse sparse -> {
                Observations observed = sparse.observations();
                Tensor copy = Tensor.zeros(observed.shape()).fill(fill);
                Coordinates at = observed.coordinates();
                for (int e = 0; e < at.count(); e++) {
                    copy.setFlat(at.offset(e), observed.value(e));
                }
                yield copy;
            }
        };
    }

    static String modeLine(int mode, int size, double[] sigma, int top) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  mode %d (size %d): σ/σ₁ =", mode, size));
        double first = sigma.length == 0 ? 0 : sigma[0];
        for (int i = 0; i < Math.min(top, sigma.length); i++) {
            line.append(i == 0 ? " " : ", ").append(first == 0 ? "0" : number(sigma[i] / first));
        }
        if (sigma.length > top) {
            line.append(", …");
        }
        line.append(String.format(Locale.ROOT, "; energy top 1 %.2f %%, top %d %.2f %%; k for 90/99/99.9 %% = %d/%d/%d; effective rank %.2f",
                100 * ModeSpectra.energy(sigma, 1), Math.min(top, sigma.length), 100 * ModeSpectra.energy(sigma, top),
                ModeSpectra.rankForEnergy(sigma, 0.90), ModeSpectra.rankForEnergy(sigma, 0.99),
                ModeSpectra.rankForEnergy(sigma, 0.999), ModeSpectra.effectiveRank(sigma)));
        return line.toString();
    }

    /** Four significant digits, without trailing zeros ("2", "0.08934", "2044", "1.235e+06"). */
    static String number(double value) {
        String text = String.format(Locale.ROOT, "%.4g", value);
        int exponent = text.indexOf('e');
        String mantissa = exponent < 0 ? text : text.substring(0, exponent);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return exponent < 0 ? mantissa : mantissa + text.substring(exponent);
    }

    /** Minimum, maximum and sum of the observed values. */
    private record Range(double min, double max, double sum, double scaledSum, long count) {
        /** Values are also summed times 2⁻⁶⁰⁰, so that the mean of values near the top of the range does not overflow. */
        private static final double DOWN = 0x1p-600, UP = 0x1p600;

        double mean() {
            return Double.isFinite(sum) ? sum / count : scaledSum / count * UP;
        }

        static Range of(TensorFile content) {
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, scaledSum = 0;
            long count = 0;
            if (content instanceof TensorFile.Sparse sparse) {
                Observations observed = sparse.observations();
                for (int e = 0; e < observed.count(); e++) {
                    double v = observed.value(e);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    sum += v;
                    scaledSum += v * DOWN;
                    count++;
                }
            } else if (content instanceof TensorFile.Dense dense) {
                Tensor t = dense.tensor();
                for (long i = 0; i < t.size(); i++) {
                    double v = t.getFlat(i);
                    if (!Double.isNaN(v)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                        sum += v;
                        scaledSum += v * DOWN;
                        count++;
                    }
                }
            }
            return new Range(min, max, sum, scaledSum, count);
        }
    }
}
