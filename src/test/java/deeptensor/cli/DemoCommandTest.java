package deeptensor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deeptensor demo}, its data and its baselines. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void theDemoPrintsThreeErrorsAndWritesThePreview() throws IOException {
        Path png = dir.resolve("demo.png");
        Cli.Outcome result = Cli.run("demo", "-o", png.toString(), "--max-time", "2s", "--quiet");
        assertEquals(Main.OK, result.code(), result.err());
        assertEquals("", result.err(), "--quiet: no progress");
        for (String method : new String[] {"deeptensor, default model", "main-effects imputation", "mean imputation"}) {
            Matcher line = Pattern.compile(Pattern.quote(method) + " +([0-9.]+) ").matcher(result.out());
            assertTrue(line.find(), method + " in\n" + result.out());
            double error = Double.parseDouble(line.group(1));
            assertTrue(error > 0 && error < 2, method + ": " + error);
        }
        assertTrue(result.out().contains("44237 removed entries"), result.out());
        assertTrue(result.out().contains("preview: " + png.toAbsolutePath()), result.out());
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image);
        assertEquals(3 * 128 * 2 + 2 * PreviewImage.GAP, image.getWidth());
        assertEquals(128 * 2, image.getHeight());
    }

    @Test
    void theDemoRefusesBadArguments() {
        assertEquals(Main.BAD_INPUT, Cli.run("demo", "picture.npy").code());
        assertEquals(Main.BAD_INPUT, Cli.run("demo", "--preview", dir.resolve("x.gif").toString()).code());
        assertEquals(Main.BAD_INPUT, Cli.run("demo", "--preview", dir.resolve("no-such-folder/x.png").toString()).code());
        assertEquals(Main.BAD_INPUT, Cli.run("demo", "--max-time", "never").code());
        assertEquals(Main.BAD_INPUT, Cli.run("demo", "--model", "cp").code());
    }

    @Test
    void theBundledImageIsTheAstronautScaledToTheUnitInterval() throws IOException {
        try (Tensor image = DemoData.image()) {
            assertEquals(Shape.of(128, 128, 3), image.shape());
            double min = 1, max = 0, sum = 0;
            for (long i = 0; i < image.size(); i++) {
                double v = image.getFlat(i);
                assertEquals(Math.round(v * 255), v * 255, 1e-9, "8-bit levels");
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            assertTrue(min >= 0 && max <= 1);
            assertEquals(0.4495, sum / image.size(), 1e-3, "the mean recorded in astronaut128.README.md");
        }
    }

    @Test
    void theMaskKeepsExactlyTenPercentAndFollowsTheSeed() {
        Shape shape = Shape.of(128, 128, 3);
        boolean[] a = DemoData.mask(shape, 0.1, 0), b = DemoData.mask(shape, 0.1, 0), c = DemoData.mask(shape, 0.1, 1);
        int kept = 0;
        for (boolean seen : a) {
            kept += seen ? 1 : 0;
        }
        assertEquals(Math.round(0.1 * 49152), kept);
        assertArrayEquals(a, b, "the same seed, the same mask");
        assertFalse(java.util.Arrays.equals(a, c), "another seed, another mask");
    }

    @Test
    void mainEffectsRecoverAnAdditiveTensorFromPartOfIt() {
        Shape shape = Shape.of(6, 5, 4);
        try (Tensor additive = Tensor.zeros(shape)) {
            int[] index = new int[3];
            for (long i = 0; i < additive.size(); i++) {
                shape.index(i, index);
                additive.setFlat(i, 3 + Math.sin(index[0]) + 0.5 * index[1] * index[1] - Math.cos(2 * index[2]));
            }
            boolean[] mask = DemoData.mask(shape, 0.4, 5);
            try (Observations observed = DemoData.observe(additive, mask);
                 Tensor effects = Baselines.mainEffects(observed);
                 Tensor mean = Baselines.mean(observed)) {
                boolean[] missing = new boolean[mask.length];
                for (int i = 0; i < mask.length; i++) {
                    missing[i] = !mask[i];
                }
                assertTrue(Baselines.relativeError(effects, additive, missing) < 1e-6,
                        "an additive tensor is its own main effects: " + Baselines.relativeError(effects, additive, missing));
                assertTrue(Baselines.relativeError(mean, additive, missing) > 0.05);
            }
        }
    }
}
