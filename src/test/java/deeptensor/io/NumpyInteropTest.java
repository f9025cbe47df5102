package deeptensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by NumPy are read here, and files written here are read by NumPy. Uses Debian's
 * interpreter and its python3-numpy package (not a {@code python3} found earlier on the PATH, which
 * may lack it); skipped, with a message saying so, where they are absent.
 */
class NumpyInteropTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @BeforeAll
    static void requireNumpy() {
        boolean present;
        try {
            Process probe = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            present = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException | InterruptedException unavailable) {
            present = false;
        }
        Assumptions.assumeTrue(present, "NumPy interop tests skipped: " + PYTHON
                + " with numpy is not available (Debian package python3-numpy)");
    }

    /** Runs a Python script in the test directory; returns its output, failing the test on a non-zero exit. */
    private String python(String script) throws IOException, InterruptedException {
        Path file = dir.resolve("script.py");
        Files.writeString(file, script);
        Process process = new ProcessBuilder(PYTHON, file.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("python did not finish: " + output);
        }
        if (process.exitValue() != 0) {
            fail("python failed (exit " + process.exitValue() + "):\n" + output);
        }
        return output;
    }

    /**
     * The value NumPy's script stores at row-major offset {@code k}: floats {@code k/2 - 3} with
     * element 1 NaN, booleans {@code k % 3 == 0}, unsigned bytes {@code k % 256}, integers {@code k - 3}.
     */
    private static double expected(NpyDtype dtype, long k, long size) {
        return switch (dtype) {
            case F8_LE, F8_BE, F4_LE, F4_BE -> k == 1 && size > 1 ? Double.NaN : k * 0.5 - 3;
            case B1 -> k % 3 == 0 ? 1 : 0;
            case U1 -> k % 256;
            default -> k - 3;
        };
    }

    @Test
    void readsWhatNumPyWrites() throws Exception {
        String[][] cases = {
            // name, descr, shape, fortran, version
            {"save_f8", "<f8", "(3, 4, 5)", "False", "None"},
            {"be_f8_fortran_v2", ">f8", "(3, 4, 5)", "True", "(2, 0)"},
            {"f4_v3", "<f4", "(7, 6)", "False", "(3, 0)"},
            {"be_f4_fortran", ">f4", "(2, 3, 4, 5)", "True", "(1, 0)"},
            {"i4", "<i4", "(4, 5)", "False", "(1, 0)"},
            {"be_i4", ">i4", "(4, 5)", "True", "(2, 0)"},
            {"i8_fortran", "<i8", "(3, 2, 4)", "True", "(1, 0)"},
            {"be_i8", ">i8", "(6,)", "False", "(3, 0)"},
            {"u1", "|u1", "(16, 20)", "True", "(1, 0)"},
            {"b1_fortran", "|b1", "(3, 5, 2)", "True", "(1, 0)"},
            {"scalar", "<f8", "()", "False", "(1, 0)"},
            {"empty", "<f8", "(3, 0, 2)", "False", "(1, 0)"},
            {"order8", ">f8", "(2, 1, 3, 2, 1, 2, 2, 3)", "True", "(2, 0)"},
        };
        StringBuilder script = new StringBuilder("""
                import numpy as np, numpy.lib.format as fmt
                def make(name, descr, shape, fortran, version):
                    dt = np.dtype(descr)
                    n = int(np.prod(shape))
                    k = np.arange(n)
                    if dt.kind == 'f':
                        a = k * 0.5 - 3
                        if n > 1:
                            a[1] = np.nan
                    elif dt.kind == 'b':
                        a = k % 3 == 0
                    elif dt.kind == 'u':
                        a = k % 256
                    else:
                        a = k - 3
                    a = a.astype(dt).reshape(shape)
                    if fortran:
                        a = np.asfortranarray(a)
                    if version is None:
                        np.save(name + '.npy', a)
                    else:
                        with open(name + '.npy', 'wb') as f:
                            fmt.write_array(f, a, version=version)
                """);
        for (String[] c : cases) {
            script.append(String.format("make('%s', '%s', %s, %s, %s)%n", c[0], c[1], c[2], c[3], c[4]));
        }
        script.append("print('numpy', np.__version__)\n");
        python(script.toString());
        for (String[] c : cases) {
            Path file = dir.resolve(c[0] + ".npy");
            NpyDtype dtype = NpyDtype.ofDescr(c[1]).orElseThrow();
            NpyHeader header = Npy.readHeader(file);
            assertEquals(dtype, header.dtype(), c[0]);
            assertEquals(c[3].equals("True"), header.fortranOrder(), c[0] + ": NumPy wrote the order we meant to test");
            assertEquals(c[4].equals("None") ? 1 : Integer.parseInt(c[4].substring(1, 2)), header.majorVersion(), c[0]);
            try (Tensor tensor = Npy.read(file)) {
                assertEquals(c[2].replaceAll("[() ]", "").replaceAll(",$", "").replace(',', '×').replaceAll("^$", "scalar"),
                        tensor.shape().toString(), c[0]);
                for (long k = 0; k < tensor.size(); k++) {
                    assertEquals(expected(dtype, k, tensor.size()), tensor.getFlat(k), c[0] + " element " + k);
                }
            }
        }
    }

    @Test
    void numPyReadsWhatWeWrite() throws Exception {
        StringBuilder checks = new StringBuilder("import numpy as np\n");
        for (int order = 0; order <= 8; order++) {
            int[] dims = new int[order];
            for (int mode = 0; mode < order; mode++) {
                dims[mode] = 1 + (mode * 7 + 3) % 4;
            }
            try (Tensor tensor = Tensor.zeros(dims)) {
                for (long k = 0; k < tensor.size(); k++) {
                    tensor.setFlat(k, k == 1 ? Double.NaN : k * 0.25 - 7);
                }
                Npy.write(dir.resolve("ours" + order + ".npy"), tensor);
            }
            checks.append(String.format("""
                    a = np.load('ours%d.npy', allow_pickle=False)
                    assert a.dtype == np.dtype('<f8') and a.shape == %s and a.flags.c_contiguous, (a.dtype, a.shape)
                    e = np.arange(a.size) * 0.25 - 7
                    if a.size > 1:
                        e[1] = np.nan
                    assert np.array_equal(a.ravel(), e, equal_nan=True), a
                    """, order, pythonTuple(dims)));
        }
        double[] specials = {-0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE};
        try (Tensor tensor = Tensor.of(specials, 5)) {
            Npy.write(dir.resolve("specials.npy"), tensor);
        }
        checks.append("""
                a = np.load('specials.npy')
                assert a.tobytes() == np.array([-0.0, np.inf, -np.inf, 5e-324, 1.7976931348623157e308], '<f8').tobytes()
                print('ok')
                """);
        assertTrue(python(checks.toString()).contains("ok"));
    }

    @Test
    void sparseTextIsReadByNumPyAndNumPysTextIsReadHere() throws Exception {
        try (Tensor dense = Tensor.gaussian(11, 1.0, 4, 3, 5)) {
            for (long k = 0; k < dense.size(); k += 3) {
                dense.setFlat(k, Double.NaN);
            }
            try (Observations observations = Observations.fromDense(dense)) {
                Tns.write(dir.resolve("ours.tns"), observations);
                CsvCoordinates.write(dir.resolve("ours.csv"), observations);
            }
            Npy.write(dir.resolve("dense.npy"), dense);
        }
        String output = python("""
                import numpy as np
                d = np.load('dense.npy')
                for name, rows in (('ours.tns', np.loadtxt('ours.tns', ndmin=2)),
                                   ('ours.csv', np.loadtxt('ours.csv', delimiter=',', skiprows=2, ndmin=2))):
                    idx = rows[:, :3].astype(int) - 1
                    assert len(rows) == np.count_nonzero(~np.isnan(d)), name
                    assert np.array_equal(rows[:, 3], d[tuple(idx.T)]), name  # exact: shortest round-trip decimals
                idx = np.argwhere(~np.isnan(d))
                np.savetxt('numpy.tns', np.column_stack([idx + 1, d[tuple(idx.T)]]), fmt=['%d'] * 3 + ['%.17g'])
                print('ok')
                """);
        assertTrue(output.contains("ok"), output);
        try (Tensor dense = Npy.read(dir.resolve("dense.npy"));
                Observations expected = Observations.fromDense(dense);
                Observations numpy = Tns.read(dir.resolve("numpy.tns"), SparseOptions.defaults().withShape(Shape.of(4, 3, 5)))) {
            assertEquals(expected.count(), numpy.count());
            for (int entry = 0; entry < expected.count(); entry++) {
                assertEquals(expected.coordinates().offset(entry), numpy.coordinates().offset(entry));
                assertEquals(expected.value(entry), numpy.value(entry));
            }
        }
    }

    private static String pythonTuple(int[] dims) {
        StringBuilder text = new StringBuilder("(");
        for (int dim : dims) {
            text.append(dim).append(", ");
        }
        return text.append(")").toString();
    }
}
