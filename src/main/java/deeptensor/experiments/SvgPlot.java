package deeptensor.experiments;

import deeptensor.internal.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A line chart written as a standalone SVG file: labelled axes with ticks and a grid, linear or
 * logarithmic scales, a legend, lines (thick for a summary, thin for individual seeds), point
 * markers and shaded bands (a spread over seeds).
 *
 * <p>Points that cannot be drawn — NaN, infinite, or not positive on a logarithmic axis — are
 * left out and break the line there, so a diverged run shows as a gap, never as a false value.
 * A plot with nothing drawable is refused when rendered, so an experiment cannot silently write
 * an empty figure.
 */
public final class SvgPlot {

    /** Colours that stay distinguishable for the common forms of colour blindness (Okabe and Ito, 2008). */
    private static final String[] PALETTE = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};

    private static final int WIDTH = 830;
    private static final int HEIGHT = 470;
    private static final int LEFT = 78;
    private static final int RIGHT_OF_PLOT = 560;
    private static final int TOP = 44;
    private static final int BOTTOM_OF_PLOT = 404;

    /** How a series is drawn. */
    public enum Style {
        /** A thick line: a median or a single run. */
        LINE,
        /** A thin, translucent line: one seed among several. */
        THIN,
        /** A dashed line: a prediction or a reference. */
        DASHED,
        /** Markers only, no line: measurements to compare with a fitted line. */
        POINTS
    }

    private record Series(String label, double[] x, double[] y, int color, Style style) {
    }

    private record Band(String label, double[] x, double[] low, double[] high, int color) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private boolean xLog;
    private boolean yLog;
    private final List<Series> series = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();
    private final Map<String, Integer> colors = new LinkedHashMap<>();

    /** An empty plot with a title and axis labels (units in the label, for example "step"). */
    public SvgPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Draws the x-axis on a base-10 logarithmic scale. */
    public SvgPlot logX() {
        xLog = true;
        return this;
    }

    /** Draws the y-axis on a base-10 logarithmic scale. */
    public SvgPlot logY() {
        yLog = true;
        return this;
    }

    /** A thick line; series with the same label share a colour and one legend entry. */
    public SvgPlot line(String label, double[] x, double[] y) {
        return add(label, x, y, Style.LINE);
    }

    /** A series in the given style; series with the same label share a colour and one legend entry. */
    public SvgPlot add(String label, double[] x, double[] y, Style style) {
        return add(label, label, x, y, style);
    }

    /**
     * A series in the given style and in the colour of {@code colorGroup}: a measurement and the
     * prediction for it can share a colour while keeping two legend entries.
     */
    public SvgPlot add(String label, String colorGroup, double[] x, double[] y, Style style) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + label + "': " + x.length + " x values but " + y.length + " y values");
        }
        series.add(new Series(label, x.clone(), y.clone(), colorOf(colorGroup), style));
        return this;
    }

    /** A shaded band between {@code low} and {@code high}, in the colour of the series labelled {@code label}. */
    public SvgPlot band(String label, double[] x, double[] low, double[] high) {
        if (x.length != low.length || x.length != high.length) {
            throw new IllegalArgumentException("band '" + label + "': lengths " + x.length + ", " + low.length + ", " + high.length);
        }
        bands.add(new Band(label, x.clone(), low.clone(), high.clone(), colorOf(label)));
        return this;
    }

    private int colorOf(String label) {
        return colors.computeIfAbsent(label, l -> colors.size());
    }

    /** Writes the SVG document to {@code file}, atomically. */
    public void write(Path file) throws IOException {
        byte[] bytes = render().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.replace(file, channel -> AtomicFiles.writeFully(channel, ByteBuffer.wrap(bytes)));
    }

    /** The SVG document. */
    public String render() {
        Axis x = axis(true);
        Axis y = axis(false);
        if (x == null || y == null) {
            throw new IllegalStateException("plot '" + title + "' has no point that can be drawn");
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                (LEFT + RIGHT_OF_PLOT) / 2, escape(title)));
        drawGridAndTicks(svg, x, y);
        for (Band band : bands) {
            drawBand(svg, band, x, y);
        }
        for (Series s : series) {
            drawSeries(svg, s, x, y);
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n",
                LEFT, TOP, RIGHT_OF_PLOT - LEFT, BOTTOM_OF_PLOT - TOP));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\">%s</text>%n",
                (LEFT + RIGHT_OF_PLOT) / 2, HEIGHT - 22, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 18 %d)\">%s</text>%n",
                (TOP + BOTTOM_OF_PLOT) / 2, (TOP + BOTTOM_OF_PLOT) / 2, escape(yLabel)));
        drawLegend(svg);
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The data range of one axis, widened to whole ticks; null when no point can be drawn. */
    private record Axis(boolean log, double low, double high, double[] ticks) {

        double fraction(double value) {
            return log ? (Math.log10(value) - Math.log10(low)) / (Math.log10(high) - Math.log10(low)) : (value - low) / (high - low);
        }
    }

    private Axis axis(boolean horizontal) {
        boolean log = horizontal ? xLog : yLog;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (drawable(s.x[i], xLog) && drawable(s.y[i], yLog)) {
                    double v = horizontal ? s.x[i] : s.y[i];
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        for (Band b : bands) {
            for (int i = 0; i < b.x.length; i++) {
                if (drawable(b.x[i], xLog) && drawable(b.low[i], yLog) && drawable(b.high[i], yLog)) {
                    min = Math.min(min, horizontal ? b.x[i] : b.low[i]);
                    max = Math.max(max, horizontal ? b.x[i] : b.high[i]);
                }
            }
        }
        if (min > max) {
            return null;
        }
        return log ? logAxis(min, max) : linearAxis(min, max);
    }

    private static Axis logAxis(double min, double max) {
        int lowDecade = (int) Math.floor(Math.log10(min) + 1e-12);
        int highDecade = (int) Math.ceil(Math.log10(max) - 1e-12);
        if (highDecade <= lowDecade) {
            highDecade = lowDecade + 1;
        }
        int stride = Math.max(1, (highDecade - lowDecade + 7) / 8);
        List<Double> ticks = new ArrayList<>();
        for (int k = lowDecade; k <= highDecade; k += stride) {
            ticks.add(Math.pow(10, k));
            if (highDecade - lowDecade <= 2) {
                for (int m : new int[] {2, 5}) {
                    if (k < highDecade) {
                        ticks.add(m * Math.pow(10, k));
                    }
                }
            }
        }
        return new Axis(true, Math.pow(10, lowDecade), Math.pow(10, highDecade), ticks.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    private static Axis linearAxis(double min, double max) {
        if (min == max) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double rough = (max - min) / 6;
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = magnitude;
        for (double multiple : new double[] {1, 2, 2.5, 5, 10}) {
            step = multiple * magnitude;
            if (step >= rough) {
                break;
            }
        }
        double low = Math.floor(min / step + 1e-9) * step;
        double high = Math.ceil(max / step - 1e-9) * step;
        int count = (int) Math.round((high - low) / step) + 1;
        double[] ticks = new double[count];
        for (int i = 0; i < count; i++) {
            ticks[i] = low + i * step;
            if (Math.abs(ticks[i]) < step * 1e-9) {
                ticks[i] = 0;
            }
        }
        return new Axis(false, low, high, ticks);
    }

    private static boolean drawable(double value, boolean log) {
        return Double.isFinite(value) && (!log || value > 0);
    }

    private static double px(Axis x, double value) {
        return LEFT + x.fraction(value) * (RIGHT_OF_PLOT - LEFT);
    }

    private static double py(Axis y, double value) {
        return BOTTOM_OF_PLOT - y.fraction(value) * (BOTTOM_OF_PLOT - TOP);
    }

    private void drawGridAndTicks(StringBuilder svg, Axis x, Axis y) {
        for (double t : x.ticks) {
            double p = px(x, t);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#e3e3e3\"/>%n", p, TOP, p, BOTTOM_OF_PLOT));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"black\"/>%n", p, BOTTOM_OF_PLOT, p, BOTTOM_OF_PLOT + 5));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", p, BOTTOM_OF_PLOT + 19,
                    tickLabel(t, x)));
        }
        for (double t : y.ticks) {
            double p = py(y, t);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#e3e3e3\"/>%n", LEFT, p, RIGHT_OF_PLOT, p));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"black\"/>%n", LEFT - 5, p, LEFT, p));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%s</text>%n", LEFT - 8, p + 4, tickLabel(t, y)));
        }
    }

    /** Tick text: powers of ten as 1e-k beyond three digits; linear ticks with as many decimals as the step needs. */
    static String tickLabel(double value, boolean log, double step) {
        if (value == 0) {
            return "0";
        }
        if (log) {
            double exponent = Math.floor(Math.log10(value) + 1e-9);
            double mantissa = value / Math.pow(10, exponent);
            if (Math.abs(exponent) >= 4) {
                return (Math.abs(mantissa - 1) < 1e-9 ? "1" : String.format(Locale.ROOT, "%.0f", mantissa)) + "e" + (int) exponent;
            }
            return plain(value);
        }
        double magnitude = Math.max(Math.abs(value), step);
        if (magnitude >= 1e5 || magnitude < 1e-3) {
            return String.format(Locale.ROOT, "%.3g", value);
        }
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        if (Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals))) > 1e-6) {
            decimals++; // a step of 2.5 × 10^k needs one decimal more
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String tickLabel(double value, Axis axis) {
        double step = axis.ticks.length > 1 ? axis.ticks[1] - axis.ticks[0] : 1;
        return tickLabel(value, axis.log, step);
    }

    private static String plain(double value) {
        String text = String.format(Locale.ROOT, "%.6f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    private void drawSeries(StringBuilder svg, Series s, Axis x, Axis y) {
        String color = PALETTE[s.color % PALETTE.length];
        if (s.style == Style.POINTS) {
            for (int i = 0; i < s.x.length; i++) {
                if (drawable(s.x[i], xLog) && drawable(s.y[i], yLog)) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3.5\" fill=\"%s\" fill-opacity=\"0.8\"/>%n",
                            px(x, s.x[i]), py(y, s.y[i]), color));
                }
            }
            return;
        }
        String stroke = switch (s.style) {
            case THIN -> "stroke-width=\"0.9\" stroke-opacity=\"0.55\"";
            case DASHED -> "stroke-width=\"1.8\" stroke-dasharray=\"6 4\"";
            default -> "stroke-width=\"2.2\"";
        };
        StringBuilder points = new StringBuilder();
        int run = 0;
        for (int i = 0; i <= s.x.length; i++) {
            boolean ok = i < s.x.length && drawable(s.x[i], xLog) && drawable(s.y[i], yLog);
            if (ok) {
                points.append(String.format(Locale.ROOT, "%.2f,%.2f ", px(x, s.x[i]), py(y, s.y[i])));
                run++;
            } else if (run > 0) {
                if (run == 1) { // a lone point between gaps: a dot, so it is not lost
                    String[] xy = points.toString().strip().split(",");
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"2\" fill=\"%s\"/>%n", xy[0], xy[1], color));
                } else {
                    svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" %s stroke-linejoin=\"round\" points=\"%s\"/>%n",
                            color, stroke, points.toString().strip()));
                }
                points.setLength(0);
                run = 0;
            }
        }
    }

    private void drawBand(StringBuilder svg, Band b, Axis x, Axis y) {
        StringBuilder upper = new StringBuilder();
        StringBuilder lower = new StringBuilder();
        for (int i = 0; i < b.x.length; i++) {
            if (drawable(b.x[i], xLog) && drawable(b.low[i], yLog) && drawable(b.high[i], yLog)) {
                upper.append(String.format(Locale.ROOT, "%.2f,%.2f ", px(x, b.x[i]), py(y, b.high[i])));
                lower.insert(0, String.format(Locale.ROOT, "%.2f,%.2f ", px(x, b.x[i]), py(y, b.low[i])));
            }
        }
        if (upper.isEmpty()) {
            return;
        }
        svg.append(String.format(Locale.ROOT, "<polygon fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\" points=\"%s\"/>%n",
                PALETTE[b.color % PALETTE.length], (upper.toString() + lower).strip()));
    }

    private void drawLegend(StringBuilder svg) {
        Map<String, Series> entries = new LinkedHashMap<>();
        for (Series s : series) {
            if (s.label != null && !s.label.isEmpty()) {
                entries.putIfAbsent(s.label, s);
            }
        }
        for (Band b : bands) {
            if (b.label != null && !b.label.isEmpty() && !entries.containsKey(b.label)) {
                entries.put(b.label, new Series(b.label, new double[0], new double[0], b.color, Style.LINE));
            }
        }
        int row = 0;
        for (Map.Entry<String, Series> entry : entries.entrySet()) {
            Style style = entry.getValue().style;
            int y = TOP + 10 + 20 * row++;
            String color = PALETTE[entry.getValue().color % PALETTE.length];
            if (style == Style.POINTS) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"3.5\" fill=\"%s\"/>%n", RIGHT_OF_PLOT + 26, y, color));
            } else {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.2\"%s/>%n",
                        RIGHT_OF_PLOT + 14, y, RIGHT_OF_PLOT + 38, y, color, style == Style.DASHED ? " stroke-dasharray=\"6 4\"" : ""));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", RIGHT_OF_PLOT + 44, y + 4, escape(entry.getKey())));
        }
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
