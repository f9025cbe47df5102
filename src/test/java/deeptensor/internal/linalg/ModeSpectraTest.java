package deeptensor.internal.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Examples of {@link ModeSpectra}, and a comparison with NumPy on the unemployment tensor. */
class ModeSpectraTest {

    /** The bundled unemployment tensor and NumPy's spectra of it (docs/testing.md says how they were made). */
    private static final Path UNEMPLOYMENT_NPY = Path.of("src/main/resources/deeptensor/data/unemployment.npy");
    private static final Path UNEMPLOYMENT_SPECTRA = Path.of("src/test/resources/deeptensor/data/unemployment.spectra.json");

    @Test
    void theEffectiveRankOfTheIdentityIsItsSize() {
        for (int k = 1; k <= 12; k++) {
            double[][] identity = new double[k][k];
            for (int i = 0; i < k; i++) {
                identity[i][i] = 1;
            }
            try (Tensor t = Dense.tensor(identity)) {
                double[] s = Svd.singularValues(t);
                assertEquals(k, ModeSpectra.effectiveRank(s), 1e-10);
                assertEquals(k, ModeSpectra.numericalRank(s, 1e-12));
            }
        }
    }

    @Test
    void aRankOneMatrixAndARankOneTensorHaveEffectiveRankOne() {
        try (Tensor u = Tensor.gaussian(5, 1.0, 30); Tensor v = Tensor.gaussian(6, 1.0, 20);
             Tensor w = Tensor.gaussian(7, 1.0, 7)) {
            double[][] matrix = new double[30][20];
            double[] cube = new double[30 * 20 * 7];
            for (int i = 0; i < 30; i++) {
                for (int j = 0; j < 20; j++) {
                    matrix[i][j] = u.get(i) * v.get(j);
                    for (int l = 0; l < 7; l++) {
                        cube[(i * 20 + j) * 7 + l] = matrix[i][j] * w.get(l);
                    }
                }
            }
            try (Tensor m = Dense.tensor(matrix); Tensor x = Tensor.of(cube, 30, 20, 7)) {
                double[] s = Svd.singularValues(m);
                assertEquals(1.0, ModeSpectra.effectiveRank(s), 1e-10);
                assertEquals(1, ModeSpectra.numericalRank(s, 1e-12));
                for (double[] spectrum : ModeSpectra.all(x)) {
                    assertEquals(1.0, ModeSpectra.effectiveRank(spectrum), 1e-10);
                    assertEquals(1, ModeSpectra.numericalRank(spectrum, 1e-12));
                    assertEquals(1.0, ModeSpectra.energy(spectrum, 1), 1e-14);
                }
            }
        }
    }

    @Test
    void knownSummariesOfASmallSpectrum() {
        double[] s = {4, 2, 1, 0};
        assertEquals(16.0 / 21, ModeSpectra.energy(s, 1), 1e-15);
        assertEquals(20.0 / 21, ModeSpectra.energy(s, 2), 1e-15);
        assertEquals(1.0, ModeSpectra.energy(s, 9), 0.0);
        assertEquals(0.0, ModeSpectra.energy(s, 0), 0.0);
        assertEquals(2, ModeSpectra.rankForEnergy(s, 0.9));
        assertEquals(3, ModeSpectra.rankForEnergy(s, 1.0));
        // p = (4, 2, 1) / 7: erank = exp(−Σ p ln p).
        double entropy = -(4.0 / 7 * Math.log(4.0 / 7) + 2.0 / 7 * Math.log(2.0 / 7) + 1.0 / 7 * Math.log(1.0 / 7));
        assertEquals(Math.exp(entropy), ModeSpectra.effectiveRank(s), 1e-15);
        assertEquals(3, ModeSpectra.numericalRank(s, 0.0));
        assertEquals(2, ModeSpectra.numericalRank(s, 0.25));
    }

    @Test
    void summariesDoNotDependOnTheScaleEvenNearTheEndsOfTheRange() {
        // Energy, rank for energy and effective rank are scale-free: a spectrum multiplied by a power
        // of two (exact) must give the same figures, also where squaring the values would overflow
        // (2^600) or underflow (2^-600) in double.
        double[] s = {5, 3, 1, 0.5, 0.01};
        for (double unit : new double[] {0x1p-600, 0x1p-540, 0x1p540, 0x1p600}) {
            double[] scaled = s.clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= unit;
            }
            for (int k = 0; k <= s.length; k++) {
                assertEquals(ModeSpectra.energy(s, k), ModeSpectra.energy(scaled, k), 1e-15, "unit " + unit + ", k " + k);
            }
            for (double fraction : new double[] {0, 0.5, 0.9, 0.99, 1}) {
                assertEquals(ModeSpectra.rankForEnergy(s, fraction), ModeSpectra.rankForEnergy(scaled, fraction), "unit " + unit);
            }
            assertEquals(ModeSpectra.effectiveRank(s), ModeSpectra.effectiveRank(scaled), 1e-12, "unit " + unit);
            assertEquals(ModeSpectra.numericalRank(s, 0.05), ModeSpectra.numericalRank(scaled, 0.05), "unit " + unit);
        }
    }

    @Test
    void aZeroSpectrumHasRankZero() {
        double[] zero = {0, 0, 0};
        assertEquals(0.0, ModeSpectra.effectiveRank(zero));
        assertEquals(0, ModeSpectra.numericalRank(zero, 0.0));
        assertEquals(0, ModeSpectra.rankForEnergy(zero, 0.99));
        assertEquals(1.0, ModeSpectra.energy(zero, 1));
        assertEquals(0.0, ModeSpectra.effectiveRank(new double[0]));
    }

    @Test
    void aVectorHasOneModeWhoseSingularValueIsItsNorm() {
        try (Tensor x = Tensor.of(new double[] {3, 0, -4}, 3)) {
            assertArrayEquals(new double[] {5}, ModeSpectra.singularValues(x, 0), 1e-15);
        }
    }

    @Test
    void badArgumentsAreRejectedWithAMessage() {
        try (Tensor x = Tensor.zeros(2, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModeSpectra.singularValues(x, 2));
            assertTrue(e.getMessage().contains("mode 2"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ModeSpectra.energy(new double[] {1, 2}, 1));
        assertThrows(IllegalArgumentException.class, () -> ModeSpectra.energy(new double[] {1}, -1));
        assertThrows(IllegalArgumentException.class, () -> ModeSpectra.effectiveRank(new double[] {1, -1}));
        assertThrows(IllegalArgumentException.class, () -> ModeSpectra.effectiveRank(new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> ModeSpectra.numericalRank(new double[] {1}, -0.5));
        assertThrows(IllegalArgumentException.class, () -> ModeSpectra.rankForEnergy(new double[] {1}, 1.5));
    }

    /**
     * The mode spectra of the unemployment tensor against NumPy's: {@code unemployment.spectra.json}
     * holds {@code np.linalg.svd} of each unfolding in float64 (docs/testing.md). Its
     * {@code sv_top20_over_sv1} arrays are, in order, modes 0, 1, 2 of the raw tensor, then of the
     * tensor minus its mean.
     */
    @Test
    void unemploymentSpectraMatchNumPy() throws IOException {
        Path npy = UNEMPLOYMENT_NPY, json = UNEMPLOYMENT_SPECTRA;
        double[] values = readLittleEndianDoubles(npy, "'shape': (14, 10, 12)", 14 * 10 * 12);
        List<double[]> expected = numbersAfter(Files.readString(json), "sv_top20_over_sv1");
        assertEquals(6, expected.size(), "three raw and three centred spectra in " + json);
        double mean = 0;
        for (double v : values) {
            mean += v / values.length;
        }
        double[] centred = values.clone();
        for (int i = 0; i < centred.length; i++) {
            centred[i] -= mean;
        }
        int index = 0;
        for (double[] data : List.of(values, centred)) {
            try (Tensor x = Tensor.of(data, 14, 10, 12)) {
                for (int mode = 0; mode < 3; mode++, index++) {
                    double[] s = ModeSpectra.singularValues(x, mode);
                    double[] ratios = new double[Math.min(20, s.length)];
                    for (int i = 0; i < ratios.length; i++) {
                        ratios[i] = s[i] / s[0];
                    }
                    assertArrayEquals(expected.get(index), ratios, 1e-12, "σ_i/σ_1 of spectrum " + index);
                }
            }
        }
    }

    /**
     * The values of a version-1 .npy file of little-endian float64 in C order: checks the magic, that
     * the header declares {@code '<f8'}, C order and the given shape text, and reads {@code count} values
     * after the header. Test-only; the library's reader lives elsewhere.
     */
    private static double[] readLittleEndianDoubles(Path npy, String shape, int count) throws IOException {
        byte[] bytes = Files.readAllBytes(npy);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("\u0093NUMPY", new String(bytes, 0, 6, StandardCharsets.ISO_8859_1), npy + ": magic");
        assertEquals(1, bytes[6], npy + ": format version 1");
        int headerLength = Short.toUnsignedInt(buffer.getShort(8));
        String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '<f8'") && header.contains("'fortran_order': False")
                && header.contains(shape), npy + ": unexpected header " + header);
        int start = 10 + headerLength;
        assertEquals(start + 8L * count, bytes.length, npy + ": file size for " + count + " doubles");
        double[] values = new double[count];
        buffer.position(start).asDoubleBuffer().get(values);
        return values;
    }

    /** Every JSON array of numbers that follows the key {@code key}, in file order. */
    private static List<double[]> numbersAfter(String json, String key) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        List<double[]> arrays = new ArrayList<>();
        while (matcher.find()) {
            String[] parts = matcher.group(1).split(",");
            double[] numbers = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                numbers[i] = Double.parseDouble(parts[i].trim());
            }
            arrays.add(numbers);
        }
        return arrays;
    }
}
