package deeptensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.io.TensorFiles;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code complete --preview}: which shapes are image-like, the PNG's size, and what its panels show. */
class PreviewTest {

    @TempDir
    Path dir;

    @Test
    void imageLikeShapesAndTheirLayout() throws Main.UsageException {
        PreviewImage.Layout grey = PreviewImage.layout(Shape.of(20, 10));
        assertEquals(1, grey.frames());
        assertFalse(grey.colour());
        assertEquals(8, grey.scale(), "small images are enlarged, at most 8×");
        assertEquals(3 * 10 * 8 + 2 * PreviewImage.GAP, grey.imageWidth());
        assertEquals(20 * 8, grey.imageHeight());

        PreviewImage.Layout colour = PreviewImage.layout(Shape.of(128, 128, 3));
        assertTrue(colour.colour());
        assertEquals(2, colour.scale(), "enlarged to about 256 pixels across");
        assertEquals(3 * 256 + 2 * PreviewImage.GAP, colour.imageWidth());

        PreviewImage.Layout frames = PreviewImage.layout(Shape.of(9, 6, 7));
        assertEquals(9, frames.frames());
        assertFalse(frames.colour());
        assertEquals(4, frames.shown().length, "at most four frames");
        assertEquals(0, frames.shown()[0]);
        assertEquals(8, frames.shown()[3], "first and last frame, evenly spaced between");
        assertEquals(4 * 6 * 8 + 3 * PreviewImage.GAP, frames.imageHeight());

        PreviewImage.Layout colourFrames = PreviewImage.layout(Shape.of(2, 5, 5, 3));
        assertTrue(colourFrames.colour());
        assertEquals(2, colourFrames.shown().length);

        for (Shape notImage : new Shape[] {Shape.of(10), Shape.of(2, 3, 4, 5), Shape.of(2, 2, 2, 2, 3)}) {
            Main.UsageException refused = assertThrows(Main.UsageException.class, () -> PreviewImage.layout(notImage));
            assertTrue(refused.getMessage().contains("image-like"), refused.getMessage());
        }
    }

    @Test
    void aGreyPreviewShowsObservedCompletedAndTheFitResidual() throws IOException, Main.UsageException {
        Path input = Cli.writeWithHoles(dir.resolve("grey.npy"), 31, 0.5, 20, 10);
        Path png = dir.resolve("preview.png");
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", dir.resolve("out.npy").toString(), "--preview", png.toString(),
                "--model", "cp", "--depth", "1", "--max-time", "1s");
        assertEquals(Main.OK, result.code(), result.err());
        assertTrue(result.err().contains("wrote the preview " + png), result.err());
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO reads the PNG");
        PreviewImage.Layout layout = PreviewImage.layout(Shape.of(20, 10));
        assertEquals(layout.imageWidth(), image.getWidth());
        assertEquals(layout.imageHeight(), image.getHeight());
        int panel = 10 * layout.scale() + PreviewImage.GAP;
        try (Tensor original = TensorFiles.readTensor(input)) {
            for (int i = 0; i < 20; i++) {
                for (int j = 0; j < 10; j++) {
                    int x = j * layout.scale(), y = i * layout.scale();
                    int seen = image.getRGB(x, y) & 0xFFFFFF;
                    int completed = image.getRGB(x + panel, y) & 0xFFFFFF;
                    int residual = image.getRGB(x + 2 * panel, y) & 0xFFFFFF;
                    assertTrue(isGrey(seen) && isGrey(completed) && isGrey(residual), "grey image, grey panels");
                    if (Double.isNaN(original.get(i, j))) {
                        assertEquals(0, seen, "missing pixels are black");
                        assertTrue(residual == 0x505050 || residual == 0x707070, "no residual where nothing was observed");
                    } else {
                        assertEquals(seen, completed, "observed pixels are kept");
                    }
                }
            }
        }
    }

    private static boolean isGrey(int rgb) {
        return (rgb >> 16 & 0xFF) == (rgb >> 8 & 0xFF) && (rgb >> 8 & 0xFF) == (rgb & 0xFF);
    }

    @Test
    void colourFramesGetOneRowOfPanelsPerFrameShown() throws IOException, Main.UsageException {
        Path input = Cli.writeWithHoles(dir.resolve("frames.npy"), 32, 0.5, 6, 8, 9, 3);
        Path png = dir.resolve("frames.png");
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", dir.resolve("out.npy").toString(), "--preview", png.toString(),
                "--model", "cp", "--depth", "1", "--max-time", "1s", "--quiet");
        assertEquals(Main.OK, result.code(), result.err());
        BufferedImage image = ImageIO.read(png.toFile());
        PreviewImage.Layout layout = PreviewImage.layout(Shape.of(6, 8, 9, 3));
        assertEquals(layout.imageWidth(), image.getWidth());
        assertEquals(layout.imageHeight(), image.getHeight());
        assertEquals(4 * 8 * layout.scale() + 3 * PreviewImage.GAP, image.getHeight());
    }

    @Test
    void aTensorThatIsNotAnImageIsRefusedBeforeTheFit() throws IOException {
        Path input = Cli.writeWithHoles(dir.resolve("cube.npy"), 33, 0.5, 3, 3, 3, 2);
        Path output = dir.resolve("out.npy");
        Path png = dir.resolve("p.png");
        Cli.Outcome result = Cli.run("complete", input.toString(), "-o", output.toString(), "--preview", png.toString());
        assertEquals(Main.BAD_INPUT, result.code());
        assertEquals(1, result.err().strip().lines().count(), result.err());
        assertTrue(result.err().contains("image-like") && result.err().contains("3×3×3×2"), result.err());
        assertFalse(Files.exists(output));
        assertFalse(Files.exists(png));
    }
}
