package deeptensor.cli;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A PNG that shows a completion of an image-like tensor: three panels side by side — the observed
 * pixels (missing ones black; in a colour pixel that lost only some channels, the missing ones are drawn
 * at the mean of the observed ones), the completed image, and a difference in grey — for one image,
 * or one row of panels per frame for a stack of frames (at most {@value #MAX_ROWS}, evenly spaced).
 *
 * <p>Image-like shapes: H×W (grey), H×W×3 (colour), F×H×W (grey frames), F×H×W×3 (colour frames).
 * Values are mapped to intensities linearly by the observed minimum and maximum, and clipped. The
 * difference panel shows |a − b| (root mean square over a pixel's channels) magnified
 * {@value #DIFFERENCE_GAIN}× against the same range (black = equal); where it is undefined it shows
 * a grey checker. Small images are enlarged by a
 * whole factor (pixels repeated) so that a panel is about {@value #TARGET_SIDE} pixels across.
 */
final class PreviewImage {

    static final int MAX_ROWS = 4;
    static final int GAP = 6;
    static final int TARGET_SIDE = 256;
    static final int MAX_SCALE = 8;
    static final double DIFFERENCE_GAIN = 2;
    static final long MAX_PIXELS = 64L << 20;
    private static final int BACKGROUND = 0xFFFFFF;

    /**
     * How a tensor is drawn.
     *
     * @param frames number of frames (1 for a single image)
     * @param height rows of a frame
     * @param width  columns of a frame
     * @param colour whether the last mode holds R, G, B
     * @param scale  how many times each pixel is repeated across and down
     * @param shown  the frames drawn, one row of panels each
     */
    record Layout(int frames, int height, int width, boolean colour, int scale, int[] shown) {

        /** Width of the PNG: three panels and two gaps. */
        int imageWidth() {
            return 3 * width * scale + 2 * GAP;
        }

        /** Height of the PNG: one row of panels per frame shown, with gaps between. */
        int imageHeight() {
            return shown.length * height * scale + (shown.length - 1) * GAP;
        }
    }

    private PreviewImage() {
    }

    /**
     * The layout for a tensor of {@code shape}, or a usage error naming the accepted shapes (or
     * saying that {@code javax.imageio} is missing: the module declares {@code java.desktop} optional).
     */
    static Layout layout(Shape shape) throws Main.UsageException {
        Module self = PreviewImage.class.getModule();
        if (self.isNamed() && self.getLayer() != null && self.getLayer().findModule("java.desktop").isEmpty()) {
            throw new Main.UsageException("--preview needs the java.desktop module (javax.imageio); add --add-modules java.desktop");
        }
        int[] d = shape.dims();
        Layout layout = switch (d.length) {
            case 2 -> of(1, d[0], d[1], false);
            case 3 -> d[2] == 3 ? of(1, d[0], d[1], true) : of(d[0], d[1], d[2], false);
            case 4 -> d[3] == 3 ? of(d[0], d[1], d[2], true) : null;
            default -> null;
        };
        if (layout == null) {
            throw new Main.UsageException("--preview needs an image-like tensor (H×W, H×W×3, frames×H×W or frames×H×W×3), not "
                    + shape);
        }
        if ((long) layout.imageWidth() * layout.imageHeight() > MAX_PIXELS) {
            throw new Main.UsageException("--preview: a tensor of shape " + shape + " is too large to preview ("
                    + layout.imageWidth() + "×" + layout.imageHeight() + " pixels)");
        }
        return layout;
    }

    private static Layout of(int frames, int height, int width, boolean colour) {
        int scale = Math.max(1, Math.min(MAX_SCALE, TARGET_SIDE / Math.max(height, width)));
        int rows = Math.min(frames, MAX_ROWS);
        int[] shown = new int[rows];
        for (int r = 0; r < rows; r++) {
            shown[r] = rows == 1 ? 0 : (int) Math.round((double) r * (frames - 1) / (rows - 1));
        }
        return new Layout(frames, height, width, colour, scale, shown);
    }

    /**
     * Draws the three panels.
     *
     * @param observed   the observed values, NaN where missing
     * @param completed  the completed tensor
     * @param difference what the third panel shows the magnitude of, NaN where undefined
     * @param low        the value drawn black
     * @param high       the value drawn white
     */
    static BufferedImage render(Layout layout, Tensor observed, Tensor completed, Tensor difference, double low, double high) {
        BufferedImage image = new BufferedImage(layout.imageWidth(), layout.imageHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, BACKGROUND);
            }
        }
        double range = high > low ? high - low : 0;
        int panelWidth = layout.width() * layout.scale();
        int panelHeight = layout.height() * layout.scale();
        for (int row = 0; row < layout.shown().length; row++) {
            int frame = layout.shown()[row];
            int top = row * (panelHeight + GAP);
            for (int i = 0; i < layout.height(); i++) {
                for (int j = 0; j < layout.width(); j++) {
                    int channels = layout.colour() ? 3 : 1;
                    int[] seen = new int[3], filled = new int[3];
                    boolean[] known = new boolean[3];
                    int knownCount = 0, knownSum = 0, defined = 0;
                    double squares = 0;
                    for (int c = 0; c < 3; c++) {
                        long at = offset(layout, frame, i, j, c < channels ? c : 0);
                        double value = observed.getFlat(at);
                        known[c] = !Double.isNaN(value);
                        seen[c] = known[c] ? level(value, low, range) : 0;
                        if (known[c]) {
                            knownCount++;
                            knownSum += seen[c];
                        }
                        filled[c] = level(completed.getFlat(at), low, range);
                        double gap = difference.getFlat(at);
                        if (c < channels && !Double.isNaN(gap)) {
                            defined++;
                            squares += gap * gap;
                        }
                    }
                    for (int c = 0; c < 3; c++) {
                        if (!known[c] && knownCount > 0) {
                            seen[c] = knownSum / knownCount; // a partly observed pixel: its observed channels' mean
                        }
                    }
                    int off = defined == 0 || range == 0 ? 0 : clip(DIFFERENCE_GAIN * Math.sqrt(squares / defined) / range);
                    boolean undefined = defined == 0;
                    int left = j * layout.scale();
                    int down = top + i * layout.scale();
                    int checker = ((i + j) & 1) == 0 ? 0x505050 : 0x707070;
                    fill(image, left, down, layout.scale(), rgb(seen));
                    fill(image, left + panelWidth + GAP, down, layout.scale(), rgb(filled));
                    fill(image, left + 2 * (panelWidth + GAP), down, layout.scale(), undefined ? checker : off << 16 | off << 8 | off);
                }
            }
        }
        return image;
    }

    /** The PNG bytes of {@code image}. */
    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IllegalStateException("this JDK has no PNG writer");
        }
        return bytes.toByteArray();
    }

    /** Writes {@code image} as a PNG, atomically. */
    static void write(Path file, BufferedImage image) throws IOException {
        OutputFiles.write(file, png(image));
    }

    private static long offset(Layout layout, int frame, int i, int j, int channel) {
        long pixel = ((long) frame * layout.height() + i) * layout.width() + j;
        return layout.colour() ? pixel * 3 + channel : pixel;
    }

    private static int level(double value, double low, double range) {
        if (!Double.isFinite(value)) {
            return 0;
        }
        return range > 0 ? clip((value - low) / range) : 128;
    }

    private static int clip(double unit) {
        return (int) Math.round(255 * Math.max(0, Math.min(1, unit)));
    }

    private static int rgb(int[] channels) {
        return channels[0] << 16 | channels[1] << 8 | channels[2];
    }

    private static void fill(BufferedImage image, int left, int top, int side, int rgb) {
        for (int y = top; y < top + side; y++) {
            for (int x = left; x < left + side; x++) {
                image.setRGB(x, y, rgb);
            }
        }
    }
}
