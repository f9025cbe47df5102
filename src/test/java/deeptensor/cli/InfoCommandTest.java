package deeptensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.io.TensorFiles;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {

    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The bundled tensor's spectra agree with NumPy's: the expected ratios σ_i/σ_1 come from
     * {@code unemployment.spectra.json} in the test resources, NumPy's SVD of each unfolding (how it
     * was made: docs/testing.md). The command prints 4 significant digits.
     */
    @Test
    void infoOnTheBundledTensorPrintsItsShapeAndNumPysSpectra() throws IOException {
        Outcome result = run("info", "--top", "5");
        assertEquals(Main.OK, result.code(), result.err());
        assertTrue(result.out().contains("14×10×12 (1680 entries)"), result.out());
        assertTrue(result.out().contains("observed   1680 (100.00 %)"), result.out());
        assertTrue(result.out().contains("min 2, max 2044"), result.out());
        List<double[]> expected = numpyRatios();
        for (int mode = 0; mode < 3; mode++) {
            Matcher line = Pattern.compile("mode " + mode + " \\(size \\d+\\): σ/σ₁ = ([^;]*);").matcher(result.out());
            assertTrue(line.find(), "no spectrum line for mode " + mode + " in\n" + result.out());
            String[] printed = line.group(1).replace(", …", "").split(", ");
            assertEquals(5, printed.length);
            for (int i = 0; i < printed.length; i++) {
                double value = Double.parseDouble(printed[i].trim());
                assertEquals(expected.get(mode)[i], value, 6e-4 * expected.get(mode)[i] + 1e-12,
                        "mode " + mode + " σ" + (i + 1) + "/σ1");
            }
        }
    }

    private static List<double[]> numpyRatios() throws IOException {
        String json;
        try (InputStream in = InfoCommandTest.class.getResourceAsStream("/deeptensor/data/unemployment.spectra.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // The raw spectra come first in the file ("raw" before "centered"); take the first three lists.
        Matcher lists = Pattern.compile("\"sv_top20_over_sv1\": \\[([^\\]]*)\\]").matcher(json);
        List<double[]> ratios = new ArrayList<>();
        while (lists.find() && ratios.size() < 3) {
            String[] parts = lists.group(1).split(",");
            double[] values = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                values[i] = Double.parseDouble(parts[i].trim());
            }
            ratios.add(values);
        }
        assertEquals(3, ratios.size(), "the JSON should hold three raw spectra");
        return ratios;
    }

    @Test
    void infoReadsTnsAndCsvMadeFromTheSameTensor() throws IOException {
        Path npy = dir.resolve("unemployment.npy");
        try (InputStream in = InfoCommandTest.class.getResourceAsStream(InfoCommand.BUNDLED)) {
            Files.copy(in, npy);
        }
        String dense = spectraLines(run("info", npy.toString()));
        try (Tensor x = TensorFiles.readTensor(npy); Observations all = Observations.fromDense(x)) {
            TensorFiles.write(dir.resolve("unemployment.tns"), all);
            TensorFiles.write(dir.resolve("unemployment.csv"), all);
        }
        for (String name : new String[] {"unemployment.tns", "unemployment.csv"}) {
            Outcome result = run("info", dir.resolve(name).toString());
            assertEquals(Main.OK, result.code(), result.err());
            assertTrue(result.out().contains("14×10×12"), result.out());
            assertEquals(dense, spectraLines(result), "the spectra of " + name + " equal those of the .npy");
        }
    }

    private static String spectraLines(Outcome result) {
        StringBuilder lines = new StringBuilder();
        for (String line : result.out().split("\n")) {
            if (line.startsWith("  mode ")) {
                lines.append(line).append('\n');
            }
        }
        assertFalse(lines.isEmpty(), "no spectra in\n" + result.out());
        return lines.toString();
    }

    @Test
    void spectraDoNotDependOnTheScaleEvenNearTheEndsOfTheRange() throws IOException {
        // The spectra lines show only ratios and shares, so the bundled tensor scaled by a power of
        // two must print the same lines, down to 2^-990 and up to values near Double.MAX_VALUE.
        Path npy = dir.resolve("unemployment.npy");
        try (InputStream in = InfoCommandTest.class.getResourceAsStream(InfoCommand.BUNDLED)) {
            Files.copy(in, npy);
        }
        String reference = spectraLines(run("info", npy.toString()));
        for (double unit : new double[] {0x1p-990, 0x1p-520, 0x1p520, 0x1p1012}) {
            Path scaled = dir.resolve("scaled.npy");
            try (Tensor x = TensorFiles.readTensor(npy)) {
                for (long i = 0; i < x.size(); i++) {
                    x.setFlat(i, x.getFlat(i) * unit);
                }
                TensorFiles.write(scaled, x);
            }
            Outcome result = run("info", scaled.toString());
            assertEquals(Main.OK, result.code(), result.err());
            assertEquals(reference, spectraLines(result), "unit " + unit);
            assertFalse(result.out().contains("NaN") || result.out().contains("Infinity"), result.out());
        }
    }

    @Test
    void anInfiniteValueIsReportedAndTheSpectraSkipped() throws IOException {
        Path file = dir.resolve("inf.npy");
        try (Tensor x = Tensor.uniform(3, 1, 2, 4, 5, 6)) {
            x.setFlat(7, Double.POSITIVE_INFINITY);
            TensorFiles.write(file, x);
        }
        Outcome result = run("info", file.toString());
        assertEquals(Main.OK, result.code(), result.err());
        assertTrue(result.out().contains("max Infinity"), result.out());
        assertTrue(result.out().contains("spectra    not computed: the observed values include an infinity"), result.out());
        assertTrue(result.out().contains("mean Infinity"), result.out());

        try (Tensor x = Tensor.uniform(3, 1, 2, 4, 5, 6)) {
            x.setFlat(7, Double.POSITIVE_INFINITY);
            x.setFlat(9, Double.NEGATIVE_INFINITY);
            TensorFiles.write(file, x);
        }
        Outcome both = run("info", file.toString());
        assertEquals(Main.OK, both.code(), both.err());
        assertTrue(both.out().contains("values     min -Infinity, max Infinity, mean undefined (both +Infinity and -Infinity observed)"),
                both.out());
        assertFalse(both.out().contains("NaN"), both.out());
    }

    @Test
    void missingEntriesAreCountedAndFilledForTheSpectra() throws IOException {
        Path file = dir.resolve("holes.npy");
        try (Tensor x = Tensor.uniform(3, 1, 2, 4, 5, 6)) {
            x.setFlat(0, Double.NaN);
            x.setFlat(17, Double.NaN);
            TensorFiles.write(file, x);
        }
        Outcome result = run("info", file.toString());
        assertEquals(Main.OK, result.code(), result.err());
        assertTrue(result.out().contains("observed   118 (98.33 %)"), result.out());
        assertTrue(result.out().contains("unobserved entries set to the observed mean"), result.out());
        assertFalse(result.out().contains("NaN"), result.out());
    }

    @Test
    void badInputExitsWithCodeTwoAndOneLineWithoutStackTrace() throws IOException {
        Path bad = dir.resolve("bad.npy");
        Files.writeString(bad, "this is not a NumPy file");
        Outcome result = run("info", bad.toString());
        assertEquals(Main.BAD_INPUT, result.code());
        assertEquals(1, result.err().strip().lines().count(), result.err());
        assertTrue(result.err().contains("bad.npy"), result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace without --debug");

        Outcome debug = run("--debug", "info", bad.toString());
        assertEquals(Main.BAD_INPUT, debug.code());
        assertTrue(debug.err().contains("\tat "), "a stack trace with --debug");

        Outcome absent = run("info", dir.resolve("absent.npy").toString());
        assertEquals(Main.BAD_INPUT, absent.code());
        assertTrue(absent.err().contains("no such file") && absent.err().contains("absent.npy"), absent.err());
        assertEquals(Main.BAD_INPUT, run("info", dir.resolve("x.txt").toString()).code());
        assertEquals(Main.BAD_INPUT, run("info", "--top", "zero").code());
        assertEquals(Main.BAD_INPUT, run("frobnicate").code());
        assertEquals(Main.OK, run("help").code());
    }
}
