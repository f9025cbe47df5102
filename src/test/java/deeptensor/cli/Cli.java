package deeptensor.cli;

import deeptensor.io.TensorFiles;
import deeptensor.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Runs the command line in this JVM and makes small test tensors. */
final class Cli {

    /** What a run returned and printed. */
    record Outcome(int code, String out, String err) {
    }

    private Cli() {
    }

    /** How an {@code .npy} file stores its values ("npy 1.0, dtype <f8, C order"), read through the public reader. */
    static String npyLayout(Path file) throws IOException {
        try (deeptensor.io.TensorFile content = TensorFiles.read(file)) {
            return content.layout();
        }
    }

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A tensor of multilinear rank (2, 2, …) with entries x[i][j][…] = Σ products of two smooth
     * profiles, then about {@code missing} of the entries set to NaN (seeded).
     */
    static Tensor lowRankWithHoles(long seed, double missing, int... dims) {
        Tensor x = Tensor.zeros(dims);
        int[] index = new int[dims.length];
        SplittableRandom random = new SplittableRandom(seed);
        for (long flat = 0; flat < x.size(); flat++) {
            x.shape().index(flat, index);
            double a = 1, b = 1;
            for (int n = 0; n < dims.length; n++) {
                a *= 1 + 0.1 * index[n];
                b *= Math.cos(0.3 * index[n] + n);
            }
            x.setFlat(flat, random.nextDouble() < missing ? Double.NaN : a + 0.5 * b);
        }
        return x;
    }

    /** Writes {@link #lowRankWithHoles} to {@code file} as .npy. */
    static Path writeWithHoles(Path file, long seed, double missing, int... dims) throws IOException {
        try (Tensor x = lowRankWithHoles(seed, missing, dims)) {
            TensorFiles.write(file, x);
        }
        return file;
    }
}
