package deeptensor.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every experiment's quick variant, as {@code deeptensor experiment ID --quick} runs it: it must
 * state at least one verdict and write at least one CSV table and one SVG figure; every claim it
 * marks as asserted (a law's error bound, a metric's definition) must be reproduced; every figure
 * must render with a real SVG renderer (librsvg's {@code rsvg-convert}) to an image that is not blank.
 *
 * <p>Claims about what depth does on data are reported, not asserted: whether they hold is what the
 * experiment finds out (docs/experiments.md). The quick runs test the science, not the kernels,
 * so they run once, in the Vector API pass of the suite; the scalar pass skips them.
 *
 * <p>Without {@code rsvg-convert} on the PATH the rendering check is skipped, unless
 * {@code DEEPTENSOR_REQUIRE_SVG_RENDERER} is set (CI sets it after installing {@code librsvg2-bin}).
 */
class QuickExperimentsTest {

    @TempDir
    Path output;

    @TestFactory
    Stream<DynamicTest> everyQuickExperiment() {
        assumeFalse(Boolean.getBoolean("deeptensor.test.expectFallback"), "quick experiments run in the Vector API pass only");
        return Experiments.all().stream().map(experiment -> DynamicTest.dynamicTest(experiment.id() + ": " + experiment.title(), () -> {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            ExperimentContext context = new ExperimentContext(experiment.id(), true, 0, output,
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            experiment.run(context);
            String log = printed.toString(StandardCharsets.UTF_8);
            assertFalse(context.verdicts().isEmpty(), experiment.id() + " stated no verdict:\n" + log);
            for (Verdict verdict : context.verdicts()) {
                if (verdict.asserted()) {
                    assertTrue(verdict.reproduced(), verdict.line() + "\n" + log);
                }
            }
            List<Path> files = context.files();
            assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".csv")), experiment.id() + " wrote no CSV: " + files);
            for (Path file : files) {
                assertTrue(Files.size(file) > 0, file + " is empty");
                if (file.toString().endsWith(".svg")) {
                    checkRenders(file);
                }
            }
        }));
    }

    /** Renders the SVG with rsvg-convert and checks the picture has drawn (non-white) pixels inside the plot frame. */
    static void checkRenders(Path svg) throws IOException, InterruptedException {
        if (!rendererPresent()) {
            assumeFalse(System.getenv("DEEPTENSOR_REQUIRE_SVG_RENDERER") == null, "rsvg-convert is not installed");
            throw new AssertionError("DEEPTENSOR_REQUIRE_SVG_RENDERER is set but rsvg-convert is not on the PATH");
        }
        Path png = svg.resolveSibling(svg.getFileName() + ".png");
        Process process = new ProcessBuilder("rsvg-convert", "-o", png.toString(), svg.toString()).redirectErrorStream(true).start();
        String message = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "rsvg-convert did not finish on " + svg);
        assertEquals(0, process.exitValue(), "rsvg-convert failed on " + svg + ": " + message);
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null && image.getWidth() > 100 && image.getHeight() > 100, svg + " rendered to no usable image");
        // Colored pixels (the palette's series), not only the black frame, text and grey grid.
        long colored = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    colored++;
                }
            }
        }
        assertTrue(colored > 50, svg + " rendered without any drawn series (" + colored + " coloured pixels)");
    }

    private static boolean rendererPresent() {
        try {
            Process probe = new ProcessBuilder("rsvg-convert", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException | InterruptedException absent) {
            return false;
        }
    }
}
