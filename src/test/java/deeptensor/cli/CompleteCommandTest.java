package deeptensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.io.SparseOptions;
import deeptensor.io.TensorFiles;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deeptensor complete} end to end, through {@link Main#run}. Fits are small and time-boxed. */
class CompleteCommandTest {

    /** Keeps every fit short, whatever the default recipe costs. */
    private static final String BUDGET = "3s";

    @TempDir
    Path dir;

    /** The output is a C-order {@code <f8} .npy of the input's shape, finite, equal to the input where observed. */
    private static void assertCompletes(Path input, Path output, Shape shape) throws IOException {
        String layout = Cli.npyLayout(output);
        assertTrue(layout.contains("dtype <f8"), layout);
        assertTrue(layout.endsWith("C order"), layout);
        try (Tensor completed = TensorFiles.readTensor(output);
             Observations observed = TensorFiles.readObservations(input, SparseOptions.defaults().withShape(shape))) {
            assertEquals(shape, completed.shape());
            for (long i = 0; i < completed.size(); i++) {
                assertTrue(Double.isFinite(completed.getFlat(i)), "entry " + i + " is " + completed.getFlat(i));
            }
            for (int e = 0; e < observed.count(); e++) {
                assertEquals(observed.value(e), completed.getFlat(observed.coordinates().offset(e)), "observed entry " + e + " kept");
            }
        }
    }

    private static Shape npyShape(Path file) throws IOException {
        try (Tensor x = TensorFiles.readTensor(file)) {
            return x.shape();
        }
    }

    @Test
    void completesAnNpyWithNanHolesAndKeepsTheObservedValues() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 1, 0.5, 6, 5, 4);
        Path output = dir.resolve("out.npy");
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", output.toString(), "--max-time", BUDGET);
        assertEquals(Main.OK, result.code(), result.err());
        assertEquals("", result.out(), "standard output stays empty");
        assertTrue(result.err().contains("completing " + input), result.err());
        assertTrue(result.err().contains("kept the "), result.err());
        assertTrue(result.err().lines().anyMatch(line -> line.contains("wrote") && line.endsWith(" " + output)), result.err());
        assertCompletes(input, output, Shape.of(6, 5, 4));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("in.npy", "out.npy"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left behind");
        }
    }

    @Test
    void aTimeBudgetThatRunsOutStillWritesTheBestStateAndSaysSo() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 12, 0.5, 20, 20, 20);
        Path output = dir.resolve("out.npy");
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", output.toString(), "--model", "tucker", "--max-time", "200ms");
        assertEquals(Main.OK, result.code(), result.err());
        assertTrue(result.err().contains("the time budget ran out: wrote the best state found in time to " + output), result.err());
        assertCompletes(input, output, Shape.of(20, 20, 20));
    }

    @Test
    void quietPrintsNothing() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 2, 0.5, 5, 4, 3);
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", dir.resolve("out.npy").toString(), "--quiet",
                "--max-time", "1s");
        assertEquals(Main.OK, result.code(), result.err());
        assertEquals("", result.err());
        assertEquals("", result.out());
    }

    @Test
    void completesTnsAndCsvWithAGivenShape() throws IOException {
        Path npy = Cli.writeWithHoles(dir.resolve("in.npy"), 3, 0.6, 6, 5, 4);
        try (Observations observed = TensorFiles.readObservations(npy, SparseOptions.defaults())) {
            TensorFiles.write(dir.resolve("in.tns"), observed);
            TensorFiles.write(dir.resolve("in.csv"), observed);
        }
        for (String name : new String[] {"in.tns", "in.csv"}) {
            Path input = dir.resolve(name);
            // A shape larger than the coordinates imply: the extra slices are completed too.
            for (String shape : new String[] {"7x5x4", "7,5,4", "7×5×4"}) {
                Path output = dir.resolve(name + ".out.npy");
                Cli.Outcome result = Cli.run("complete", input.toString(), "--shape", shape, "-o", output.toString(),
                        "--model", "cp", "--depth", "1", "--max-time", "1s", "--quiet");
                assertEquals(Main.OK, result.code(), name + " " + shape + ": " + result.err());
                assertCompletes(input, output, Shape.of(7, 5, 4));
            }
        }
    }

    /** A 0-based coordinate file is refused with a hint to the option, and read with it. */
    @Test
    void zeroBasedCoordinatesNeedIndexBaseZero() throws IOException {
        Path npy = Cli.writeWithHoles(dir.resolve("in.npy"), 3, 0.6, 6, 5, 4);
        Path oneBased = dir.resolve("one.tns");
        try (Observations observed = TensorFiles.readObservations(npy, SparseOptions.defaults())) {
            TensorFiles.write(oneBased, observed);
        }
        StringBuilder zeroBased = new StringBuilder();
        for (String line : Files.readAllLines(oneBased)) {
            String[] fields = line.strip().split("\\s+");
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            for (int n = 0; n < 3; n++) {
                zeroBased.append(Integer.parseInt(fields[n]) - 1).append(' ');
            }
            zeroBased.append(fields[3]).append('\n');
        }
        Path input = Files.writeString(dir.resolve("zero.tns"), zeroBased);
        Path output = dir.resolve("zero.out.npy");
        Cli.Outcome refused = Cli.run("complete", input.toString(), "--shape", "6x5x4", "-o", output.toString(), "--quiet");
        assertEquals(Main.BAD_INPUT, refused.code(), refused.err());
        assertTrue(refused.err().contains("--index-base 0"), refused.err());
        Cli.Outcome read = Cli.run("complete", input.toString(), "--index-base", "0", "--shape", "6x5x4", "-o", output.toString(),
                "--model", "cp", "--depth", "1", "--max-time", "1s", "--quiet");
        assertEquals(Main.OK, read.code(), read.err());
        assertCompletes(oneBased, output, Shape.of(6, 5, 4));
        Cli.Outcome bad = Cli.run("complete", input.toString(), "--index-base", "2", "-o", output.toString());
        assertEquals(Main.BAD_INPUT, bad.code(), bad.err());
        assertTrue(bad.err().contains("--index-base must be 0 or 1"), bad.err());
    }

    @Test
    void aShapeThatContradictsTheNpyIsBadInput() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 4, 0.5, 5, 4, 3);
        Cli.Outcome result = Cli.run("complete", input.toString(), "--shape", "5x4x4", "-o", dir.resolve("out.npy").toString());
        assertEquals(Main.BAD_INPUT, result.code());
        assertTrue(result.err().contains("5×4×3") && result.err().contains("--shape"), result.err());
        assertFalse(Files.exists(dir.resolve("out.npy")));
    }

    @Test
    void refitObservedWritesTheModelsValuesEverywhere() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 5, 0.5, 6, 5, 4);
        Path output = dir.resolve("out.npy");
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", output.toString(), "--refit-observed",
                "--model", "tucker", "--depth", "1", "--max-time", "1s", "--seed", "3");
        assertEquals(Main.OK, result.code(), result.err());
        assertTrue(result.err().contains("--refit-observed"), result.err());
        int changed = 0;
        try (Tensor completed = TensorFiles.readTensor(output); Observations observed = TensorFiles.readObservations(input, SparseOptions.defaults())) {
            assertEquals(observed.shape(), completed.shape());
            for (long i = 0; i < completed.size(); i++) {
                assertTrue(Double.isFinite(completed.getFlat(i)));
            }
            for (int e = 0; e < observed.count(); e++) {
                if (completed.getFlat(observed.coordinates().offset(e)) != observed.value(e)) {
                    changed++;
                }
            }
        }
        assertTrue(changed > 0, "a fitted model does not reproduce every observed value bit for bit");
    }

    @Test
    void theSameSeedGivesTheSameFile() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 6, 0.5, 5, 4, 3);
        String[] common = {"--model", "cp", "--depth", "2", "--seed", "11", "--quiet"};
        for (String name : new String[] {"a.npy", "b.npy"}) {
            String[] args = Stream.concat(Stream.of("complete", input.toString(), "-o", dir.resolve(name).toString()),
                    Stream.of(common)).toArray(String[]::new);
            assertEquals(Main.OK, Cli.run(args).code());
        }
        assertEquals(-1, Files.mismatch(dir.resolve("a.npy"), dir.resolve("b.npy")));
    }

    @Test
    void theOutputMayBeTheInput() throws IOException {
        Path file = Cli.writeWithHoles(dir.resolve("data.npy"), 7, 0.5, 6, 5, 4);
        Path original = Files.copy(file, dir.resolve("original.npy"));
        Cli.Outcome result = Cli.run("complete", file.toString(), "-o", file.toString(), "--max-time", BUDGET, "--quiet");
        assertEquals(Main.OK, result.code(), result.err());
        assertCompletes(original, file, Shape.of(6, 5, 4));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theReportIsJsonWithTheRunsSettingsAndTheCompletionReport() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 8, 0.5, 6, 5, 4);
        Path output = dir.resolve("out.npy");
        Path report = dir.resolve("run.json");
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", output.toString(), "--report", report.toString(),
                "--seed", "42", "--model", "tt", "--depth", "2", "--max-time", "1500ms", "--threads", "1");
        assertEquals(Main.OK, result.code(), result.err());
        assertTrue(result.err().contains("wrote the report " + report), result.err());
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(report));
        assertTrue(json.get("deeptensor") instanceof String version && !version.isBlank());
        assertEquals("complete", json.get("command"));
        assertEquals(input.toAbsolutePath().toString(), json.get("input"));
        assertEquals(output.toAbsolutePath().toString(), json.get("output"));
        assertEquals(42.0, json.get("seed"));
        assertEquals(List.of(6.0, 5.0, 4.0), json.get("shape"));
        assertEquals(Boolean.TRUE, json.get("observedKept"));
        assertEquals(Boolean.FALSE, json.get("interrupted"));
        Map<String, Object> options = (Map<String, Object>) json.get("options");
        assertEquals("tt", options.get("model"));
        assertEquals(2.0, options.get("depth"));
        assertEquals(1.0, options.get("threads"));
        assertEquals("PT1.5S", options.get("maxTime"));
        Map<String, Object> completion = (Map<String, Object>) json.get("completion");
        assertNotNull(completion, "the library's report is embedded");
        assertTrue(completion.get("model") instanceof String);
        assertTrue(completion.get("steps") instanceof Double);
        assertTrue(completion.get("stopReason") instanceof String);
        assertTrue(completion.get("modeRanks") instanceof List<?> ranks && ranks.size() == 3);
        assertEquals(((Double) json.get("observed")).intValue(), ((Double) completion.get("observed")).intValue());
        assertTrue(completion.get("candidates") instanceof List<?> candidates && !candidates.isEmpty(), "the candidates compared");
        long kept = ((List<?>) completion.get("candidates")).stream().filter(c -> Boolean.TRUE.equals(((Map<?, ?>) c).get("kept"))).count();
        assertEquals(1, kept, "exactly one candidate is the completion returned");
        assertEquals(((Double) json.get("seed")).longValue(), ((Double) completion.get("seed")).longValue());
    }

    @Test
    void usageErrorsExitWithTwoAndOneLineBeforeAnyFit() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 9, 0.5, 5, 4, 3);
        String in = input.toString();
        String out = dir.resolve("out.npy").toString();
        String[][] bad = {
            {"complete"},
            {"complete", in},
            {"complete", "-o", out},
            {"complete", in, "-o"},
            {"complete", in, "-o", out, "-o", out},
            {"complete", in, "-o", out, "--output=" + out},
            {"complete", in, in, "-o", out},
            {"complete", in, "-o", out, "--frobnicate"},
            {"complete", in, "-o", out, "--seed", "one"},
            {"complete", in, "-o", out, "--seed"},
            {"complete", in, "-o", out, "--model", "svd"},
            {"complete", in, "-o", out, "--depth", "3"},
            {"complete", in, "-o", out, "--model", "auto", "--depth", "2"},
            {"complete", in, "-o", out, "--model", "cp", "--depth", "0"},
            {"complete", in, "-o", out, "--max-time", "soon"},
            {"complete", in, "-o", out, "--max-time", "0s"},
            {"complete", in, "-o", out, "--max-time", "5m1h"},
            {"complete", in, "-o", out, "--threads", "0"},
            {"complete", in, "-o", out, "--threads=many"},
            {"complete", in, "-o", out, "--shape", "5x0x3"},
            {"complete", in, "-o", out, "--quiet=yes"},
            {"complete", in, "-o", dir.resolve("out.txt").toString()},
            {"complete", in, "-o", dir.toString()},
            {"complete", in, "-o", out, "--report", dir.resolve("r.txt").toString()},
            {"complete", in, "-o", out, "--preview", dir.resolve("p.jpg").toString()},
        };
        for (String[] args : bad) {
            long start = System.nanoTime();
            Cli.Outcome result = Cli.run(args);
            String what = String.join(" ", args);
            assertEquals(Main.BAD_INPUT, result.code(), what + ": " + result.err());
            assertEquals(1, result.err().strip().lines().count(), what + ": " + result.err());
            assertTrue(result.err().startsWith("deeptensor: "), result.err());
            assertFalse(result.err().contains("\tat "), result.err());
            assertTrue(System.nanoTime() - start < 2_000_000_000L, what + ": refused before fitting");
        }
        assertFalse(Files.exists(Path.of(out)), "nothing written");
        Cli.Outcome depth = Cli.run("complete", in, "-o", out, "--depth", "3");
        assertTrue(depth.err().contains("--model"), "says why: " + depth.err());
    }

    @Test
    void badFilesExitWithTwoAndNameTheFile() throws IOException {
        String out = dir.resolve("out.npy").toString();
        Cli.Outcome absent = Cli.run("complete", dir.resolve("absent.npy").toString(), "-o", out);
        assertEquals(Main.BAD_INPUT, absent.code());
        assertTrue(absent.err().contains("no such file") && absent.err().contains("absent.npy"), absent.err());

        Path garbage = Files.writeString(dir.resolve("garbage.npy"), "not numpy at all");
        Cli.Outcome malformed = Cli.run("complete", garbage.toString(), "-o", out);
        assertEquals(Main.BAD_INPUT, malformed.code());
        assertTrue(malformed.err().contains("garbage.npy"), malformed.err());
        assertEquals(1, malformed.err().strip().lines().count(), malformed.err());

        Path tns = Files.writeString(dir.resolve("bad.tns"), "1 1 1 2.0\n2 x 1 3.0\n");
        Cli.Outcome badTns = Cli.run("complete", tns.toString(), "-o", out);
        assertEquals(Main.BAD_INPUT, badTns.code());
        assertTrue(badTns.err().contains("bad.tns"), badTns.err());

        Path empty;
        try (Tensor nothing = Tensor.zeros(3, 3).fill(Double.NaN)) {
            empty = dir.resolve("empty.npy");
            TensorFiles.write(empty, nothing);
        }
        Cli.Outcome none = Cli.run("complete", empty.toString(), "-o", out);
        assertEquals(Main.BAD_INPUT, none.code());
        assertTrue(none.err().contains("observed"), none.err());

        Cli.Outcome unknownFormat = Cli.run("complete", Files.writeString(dir.resolve("x.txt"), "1").toString(), "-o", out);
        assertEquals(Main.BAD_INPUT, unknownFormat.code());
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void anOutputUnderAFileIsRefused() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 10, 0.5, 5, 4, 3);
        // A "folder" that is a file: refused whoever runs the test, root included.
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", notAFolder.resolve("out.npy").toString());
        assertEquals(Main.BAD_INPUT, result.code());
        assertTrue(result.err().contains("not a folder"), result.err());
        assertEquals("x", Files.readString(notAFolder));
    }

    @Test
    void aReadOnlyOutputFolderIsRefusedAndLeftEmpty() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 10, 0.5, 5, 4, 3);
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        assertTrue(readOnly.toFile().setWritable(false, false));
        try {
            Assumptions.assumeFalse(Files.isWritable(readOnly),
                    "skipped: this user (root?) may write in a read-only folder; anOutputUnderAFileIsRefused covers the refusal");
            Cli.Outcome denied = Cli.run("complete", input.toString(), "-o", readOnly.resolve("out.npy").toString());
            assertEquals(Main.BAD_INPUT, denied.code());
            assertTrue(denied.err().contains("cannot write"), denied.err());
            try (Stream<Path> left = Files.list(readOnly)) {
                assertEquals(0, left.count(), "no partial or temporary file");
            }
        } finally {
            readOnly.toFile().setWritable(true, false);
        }
    }
}
