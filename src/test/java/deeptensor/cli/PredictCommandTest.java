package deeptensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.io.TensorFiles;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code complete --save-model} then {@code predict}: the served values are the completed tensor's. */
class PredictCommandTest {

    @TempDir
    Path dir;

    private double[] completed;
    private Path model;

    private void fit() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("in.npy"), 3, 0.5, 6, 5, 4);
        Path output = dir.resolve("out.npy");
        model = dir.resolve("fit.dtm");
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", output.toString(), "--save-model", model.toString(),
                "--refit-observed", "--max-time", "20s");
        assertEquals(Main.OK, result.code(), result.err());
        assertTrue(result.err().contains("saved the model to " + model), result.err());
        try (Tensor full = TensorFiles.readTensor(output)) {
            completed = full.toArray();
        }
    }

    private static int offset(int i, int j, int k) {
        return (i * 5 + j) * 4 + k;
    }

    @Test
    void predictionsEqualTheCompletedTensorInEveryFormat() throws IOException {
        fit();
        int[][] entries = {{0, 0, 0}, {5, 4, 3}, {2, 1, 3}, {2, 1, 3}, {4, 0, 2}};
        // .tns in, 1-based, with a value column that is ignored; .csv out
        StringBuilder tns = new StringBuilder("# entries\n");
        for (int[] e : entries) {
            tns.append(e[0] + 1).append(' ').append(e[1] + 1).append(' ').append(e[2] + 1).append(" 99.5\n");
        }
        Path tnsIn = Files.writeString(dir.resolve("ask.tns"), tns);
        Path csvOut = dir.resolve("answer.csv");
        Cli.Outcome csv = Cli.run("predict", model.toString(), tnsIn.toString(), "-o", csvOut.toString(), "--quiet");
        assertEquals(Main.OK, csv.code(), csv.err());
        assertEquals("", csv.err());
        List<String> lines = new ArrayList<>(Files.readAllLines(csvOut));
        lines.removeIf(line -> line.startsWith("#"));
        assertEquals("i1,i2,i3,value", lines.remove(0));
        assertEquals(entries.length, lines.size());
        for (int r = 0; r < entries.length; r++) {
            String[] fields = lines.get(r).split(",");
            int[] e = entries[r];
            assertEquals((e[0] + 1) + "," + (e[1] + 1) + "," + (e[2] + 1), fields[0] + "," + fields[1] + "," + fields[2]);
            double expected = completed[offset(e[0], e[1], e[2])];
            assertEquals(expected, Double.parseDouble(fields[3]), 1e-12 * Math.max(1, Math.abs(expected)), "entry " + r);
        }
        // .csv in, 0-based with a header; .npy out
        Path csvIn = Files.writeString(dir.resolve("ask.csv"), "i,j,k\n0,0,0\n5,4,3\n");
        Path npyOut = dir.resolve("answer.npy");
        Cli.Outcome npy = Cli.run("predict", model.toString(), csvIn.toString(), "-o", npyOut.toString(), "--index-base", "0");
        assertEquals(Main.OK, npy.code(), npy.err());
        assertTrue(npy.err().contains("predicted 2 entries"), npy.err());
        try (Tensor values = TensorFiles.readTensor(npyOut)) {
            assertEquals(2, values.size());
            assertEquals(completed[0], values.getFlat(0), 1e-12 * Math.max(1, Math.abs(completed[0])));
            assertEquals(completed[offset(5, 4, 3)], values.getFlat(1), 1e-12 * Math.max(1, Math.abs(completed[offset(5, 4, 3)])));
        }
        // .npy in (0-based indexes), .tns out (1-based)
        Path npyIn = dir.resolve("ask.npy");
        try (Tensor rows = Tensor.of(new double[] {4, 0, 2, 1, 1, 1}, 2, 3)) {
            TensorFiles.write(npyIn, rows);
        }
        Path tnsOut = dir.resolve("answer.tns");
        assertEquals(Main.OK, Cli.run("predict", model.toString(), npyIn.toString(), "-o", tnsOut.toString(), "--quiet").code());
        List<String> tnsLines = Files.readAllLines(tnsOut).stream().filter(line -> !line.startsWith("#")).toList();
        assertTrue(tnsLines.get(0).startsWith("5 1 3 "), tnsLines.get(0));
        assertEquals(completed[offset(4, 0, 2)], Double.parseDouble(tnsLines.get(0).split(" ")[3]), 1e-12 * Math.max(1, Math.abs(completed[offset(4, 0, 2)])));
    }

    @Test
    void badInputIsRefusedWithOneMessage() throws IOException {
        fit();
        Path outside = Files.writeString(dir.resolve("outside.tns"), "7 1 1\n");
        Cli.Outcome refused = Cli.run("predict", model.toString(), outside.toString(), "-o", dir.resolve("x.npy").toString());
        assertEquals(Main.BAD_INPUT, refused.code());
        assertTrue(refused.err().contains("outside.tns: line 1: index 7 in field 1 is outside mode 0 (1 to 6)"), refused.err());
        Path zero = Files.writeString(dir.resolve("zero.tns"), "0 1 1\n");
        Cli.Outcome zeroBased = Cli.run("predict", model.toString(), zero.toString(), "-o", dir.resolve("x.npy").toString());
        assertTrue(zeroBased.err().contains("--index-base 0"), zeroBased.err());
        Path wrongOrder = Files.writeString(dir.resolve("two.tns"), "1 1\n");
        assertTrue(Cli.run("predict", model.toString(), wrongOrder.toString(), "-o", dir.resolve("x.npy").toString()).err()
                .contains("2 fields; an entry of a tensor of order 3 has 3 indexes"));
        Path notAModel = Files.writeString(dir.resolve("fake.dtm"), "hello");
        Cli.Outcome fake = Cli.run("predict", notAModel.toString(), outside.toString(), "-o", dir.resolve("x.npy").toString());
        assertEquals(Main.BAD_INPUT, fake.code());
        assertTrue(fake.err().contains("fake.dtm: byte 0: "), fake.err());
        assertEquals(Main.BAD_INPUT, Cli.run("predict", model.toString(), "-o", dir.resolve("x.npy").toString()).code());
        assertEquals(Main.BAD_INPUT, Cli.run("predict", model.toString(), outside.toString(), "-o", dir.resolve("x.txt").toString()).code());
        assertFalse(Files.exists(dir.resolve("x.npy")), "nothing is written on bad input");
    }
}
