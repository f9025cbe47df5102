package deeptensor.io;

import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The entries of a sparse text file as they are read: 0-based coordinates, values and the line each
 * came from (for messages). Grows geometrically, but refuses to grow past what {@link Observations}
 * can index or what the Java heap can hold, so a huge file fails with a message instead of an
 * {@link OutOfMemoryError}. Then applies the duplicate policy and builds the observations.
 */
final class EntryTable {

    /** Longest heap {@code int[]} the JVM allocates reliably. */
    private static final long MAX_INDEXES = Integer.MAX_VALUE - 8;

    private final Path file;
    private final int order;
    private final int indexBase;
    private int count;
    private int[] indexes;
    private double[] values;
    private long[] lines;
    private final int[] largest;
    private final long[] largestLine;

    EntryTable(Path file, int order, int indexBase) {
        this.file = file;
        this.order = order;
        this.indexBase = indexBase;
        int capacity = 64;
        this.indexes = new int[capacity * order];
        this.values = new double[capacity];
        this.lines = new long[capacity];
        this.largest = new int[order];
        this.largestLine = new long[order];
        Arrays.fill(largest, -1);
    }

    int order() {
        return order;
    }

    /** Adds one entry; {@code index} holds {@link #order()} 0-based coordinates. */
    void add(int[] index, double value, long line) throws FormatException {
        if (count == values.length) {
            grow(line);
        }
        System.arraycopy(index, 0, indexes, count * order, order);
        for (int mode = 0; mode < order; mode++) {
            if (index[mode] > largest[mode]) {
                largest[mode] = index[mode];
                largestLine[mode] = line;
            }
        }
        values[count] = value;
        lines[count] = line;
        count++;
    }

    private void grow(long line) throws FormatException {
        long maxEntries = MAX_INDEXES / order;
        if (count >= maxEntries) {
            throw FormatException.atLine(file, line, "the file has more than " + maxEntries + " entries of order "
                    + order + ", more than coordinates can index");
        }
        long capacity = Math.min(maxEntries, 2L * values.length);
        // Old and new arrays coexist while copying, and building the observations needs about as much again.
        long bytes = capacity * (Integer.BYTES * (long) order + Double.BYTES + Long.BYTES);
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (2 * bytes > free) {
            throw FormatException.atLine(file, line, "the file has more than " + count + " entries, more than the Java heap ("
                    + runtime.maxMemory() / (1 << 20) + " MiB at most) can hold while reading; give the JVM more memory (-Xmx)");
        }
        indexes = Arrays.copyOf(indexes, (int) capacity * order);
        values = Arrays.copyOf(values, (int) capacity);
        lines = Arrays.copyOf(lines, (int) capacity);
    }

    /**
     * The observations, after inferring or checking the shape and applying the duplicate policy.
     * Entries keep file order (a merged duplicate sits where its first occurrence was).
     *
     * @param lastLine the file's last line, named when the file holds no entry
     */
    Observations build(Optional<Shape> given, Duplicates policy, long lastLine) throws FormatException {
        if (count == 0) {
            throw FormatException.atLine(file, Math.max(1, lastLine),
                    "the file ends without a single entry (only blank lines, comments or a header)");
        }
        Shape shape = given.isPresent() ? given.get() : inferShape();
        long[] keys = new long[count];
        for (int entry = 0; entry < count; entry++) {
            long key = 0;
            for (int mode = 0; mode < order; mode++) {
                key += indexes[entry * order + mode] * shape.stride(mode);
            }
            keys[entry] = key;
        }
        int[] sorted = StableSort.byKey(keys);
        boolean[] dropped = new boolean[count];
        int kept = count;
        long firstRepeatLine = Long.MAX_VALUE;
        int firstRepeat = -1;
        int firstOfRepeat = -1;
        for (int start = 0; start < count; ) {
            int end = start + 1;
            while (end < count && keys[sorted[end]] == keys[sorted[start]]) {
                end++;
            }
            if (end - start > 1) {
                int first = sorted[start]; // stable: group members are in file order
                if (policy == Duplicates.ERROR) {
                    if (lines[sorted[start + 1]] < firstRepeatLine) {
                        firstRepeatLine = lines[sorted[start + 1]];
                        firstRepeat = sorted[start + 1];
                        firstOfRepeat = first;
                    }
                } else {
                    double merged = policy == Duplicates.SUM ? 0.0 : values[sorted[end - 1]];
                    for (int k = start; k < end; k++) {
                        if (policy == Duplicates.SUM) {
                            merged += values[sorted[k]];
                        }
                        if (k > start) {
                            dropped[sorted[k]] = true;
                            kept--;
                        }
                    }
                    if (!Double.isFinite(merged)) {
                        throw FormatException.atLine(file, lines[sorted[end - 1]], "the sum of the " + (end - start)
                                + " entries at " + coordinateText(first) + " overflows to " + merged);
                    }
                    values[first] = merged;
                }
            }
            start = end;
        }
        if (firstRepeat >= 0) {
            throw FormatException.atLine(file, firstRepeatLine, "entry " + coordinateText(firstRepeat)
                    + " repeats line " + lines[firstOfRepeat] + "; duplicates are refused unless a policy (sum, last-wins) is chosen");
        }
        int[] flat = new int[kept * order];
        double[] keptValues = new double[kept];
        int next = 0;
        for (int entry = 0; entry < count; entry++) {
            if (!dropped[entry]) {
                System.arraycopy(indexes, entry * order, flat, next * order, order);
                keptValues[next++] = values[entry];
            }
        }
        return Observations.of(shape, flat, keptValues);
    }

    private Shape inferShape() throws FormatException {
        int[] dims = new int[order];
        int widest = 0;
        for (int mode = 0; mode < order; mode++) {
            dims[mode] = largest[mode] + 1; // the reader keeps every index below Integer.MAX_VALUE
            if (dims[mode] > dims[widest]) {
                widest = mode;
            }
        }
        try {
            return Shape.of(dims);
        } catch (IllegalArgumentException overflow) {
            throw FormatException.atLine(file, largestLine[widest], "the inferred shape is too large: "
                    + overflow.getMessage(), overflow);
        }
    }

    /** An entry's coordinates as the file writes them (in the file's index base). */
    private String coordinateText(int entry) {
        StringBuilder text = new StringBuilder("(");
        for (int mode = 0; mode < order; mode++) {
            text.append(mode == 0 ? "" : ", ").append((long) indexes[entry * order + mode] + indexBase);
        }
        return text.append(')').toString();
    }
}
