package deeptensor.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Turns one partition of rows {@code (i₀ … i_{N−1}, value, offset)} into an {@link EntryBlock}:
 * checks every index against the shape, refuses missing or non-finite values and (when the rows are
 * sorted by offset) entries observed twice, as the local path does, and puts each entry in the validation part
 * when a hash of its position and the split seed falls below the validation fraction — a choice
 * that depends on the entry alone, not on how the data is partitioned or ordered.
 */
final class Packing {

    private Packing() {
    }

    static Iterator<EntryBlock> pack(int partition, Iterator<Row> rows, int[] dims, double validationFraction, long splitSeed,
                                     boolean sorted) {
        int order = dims.length;
        Ints trainIdx = new Ints(), validationIdx = new Ints();
        Doubles trainVal = new Doubles(), validationVal = new Doubles();
        long previous = -1;
        int[] index = new int[order];
        while (rows.hasNext()) {
            Row row = rows.next();
            for (int n = 0; n <= order; n++) {
                if (row.isNullAt(n)) {
                    throw new IllegalArgumentException("an observed entry has no " + (n < order ? "index in mode " + n : "value")
                            + ": " + row);
                }
            }
            for (int n = 0; n < order; n++) {
                long i = row.getLong(n);
                if (i < 0 || i >= dims[n]) {
                    throw new IndexOutOfBoundsException("observed entry " + row.mkString("(", ", ", ")") + ": index " + i
                            + " is outside mode " + n + " of size " + dims[n] + " (shape " + Arrays.toString(dims)
                            + "; indexes count from the index base)");
                }
                index[n] = (int) i;
            }
            double value = row.getDouble(order);
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("observed value at " + Arrays.toString(index) + " is " + value
                        + "; observed values must be finite (leave missing entries out)");
            }
            long offset = row.getLong(order + 1);
            if (sorted && offset == previous) {
                throw new IllegalArgumentException("the entry " + Arrays.toString(index) + " is observed twice; each entry may be observed once");
            }
            previous = offset;
            boolean validation = validationFraction > 0 && uniform(offset, splitSeed) < validationFraction;
            (validation ? validationIdx : trainIdx).add(index);
            (validation ? validationVal : trainVal).add(value);
        }
        return List.of(new EntryBlock(partition, trainIdx.toArray(), trainVal.toArray(), validationIdx.toArray(),
                validationVal.toArray())).iterator();
    }

    /** A uniform number in [0, 1) from an entry's offset and a seed (SplitMix64's finalizer, twice). */
    static double uniform(long offset, long seed) {
        long z = mix(mix(seed) ^ offset);
        return (z >>> 11) * 0x1.0p-53;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static final class Ints {
        int[] a = new int[1024];
        int n;

        void add(int[] values) {
            if (n + values.length > a.length) {
                a = Arrays.copyOf(a, Math.max(n + values.length, (int) Math.min(Integer.MAX_VALUE - 8, a.length * 2L)));
            }
            System.arraycopy(values, 0, a, n, values.length);
            n += values.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    private static final class Doubles {
        double[] a = new double[1024];
        int n;

        void add(double value) {
            if (n == a.length) {
                a = Arrays.copyOf(a, (int) Math.min(Integer.MAX_VALUE - 8, a.length * 2L));
            }
            a[n++] = value;
        }

        double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
