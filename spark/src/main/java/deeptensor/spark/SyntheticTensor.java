package deeptensor.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A synthetic recommender-like tensor (users × items × time, say) for tests and measurements,
 * generated in the job itself: a CP model of rank {@code rank} with i.i.d. Gaussian factors scaled
 * so that its entries have RMS about 1, observed at {@code entries} distinct positions drawn
 * uniformly without replacement, plus Gaussian noise of standard deviation {@code noise}.
 *
 * <p>Entry {@code k} (0 ≤ k &lt; entries) is at position {@code π(k)} for a seeded pseudo-random
 * permutation {@code π} of all positions (a four-round Feistel network with cycle walking), so the
 * positions are distinct by construction and any range of {@code k} can be generated on its own:
 * the same entries come out on the driver ({@link #fill}) and in any Spark partitioning
 * ({@link #dataset}). Everything is a function of the seed.
 */
public record SyntheticTensor(int[] dims, int rank, long entries, double noise, long seed) implements Serializable {

    /** Checks the sizes. */
    public SyntheticTensor {
        dims = dims.clone();
        long cells = 1;
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("dimensions must be positive");
            }
            cells = Math.multiplyExact(cells, d);
        }
        if (entries < 1 || entries > cells) {
            throw new IllegalArgumentException(entries + " entries of a tensor of " + cells + " cells");
        }
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be positive");
        }
    }

    /** The number of cells of the tensor. */
    public long cells() {
        long cells = 1;
        for (int d : dims) {
            cells *= d;
        }
        return cells;
    }

    /** The true factors {@code U^n} ({@code d_n × R} row-major), scaled so that entries have RMS about 1. */
    public double[][] factors() {
        double[][] factors = new double[dims.length][];
        double factorScale = Math.pow(rank, -0.5 / dims.length);
        for (int n = 0; n < dims.length; n++) {
            factors[n] = new double[dims[n] * rank];
            for (int e = 0; e < factors[n].length; e++) {
                factors[n][e] = factorScale * gaussian(Packing.mix(seed ^ 0x5DEECE66DL) + n * 0x9E3779B97F4A7C15L, e);
            }
        }
        return factors;
    }

    /** The row-major offset of entry {@code k}. */
    public long offset(long k) {
        long cells = cells();
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(cells - 1));
        if (bits % 2 == 1) {
            bits++;
        }
        int half = bits / 2;
        long mask = (1L << half) - 1;
        long x = k;
        do {
            long left = x >>> half, right = x & mask;
            for (int round = 0; round < 4; round++) {
                long next = left ^ (Packing.mix(right + (seed + round) * 0xD1B54A32D192ED03L) & mask);
                left = right;
                right = next;
            }
            x = (left << half) | right;
        } while (x >= cells);
        return x;
    }

    /** The true value at {@code index}. */
    static double cp(double[][] factors, int[] index, int rank) {
        double sum = 0;
        for (int r = 0; r < rank; r++) {
            double p = 1;
            for (int n = 0; n < index.length; n++) {
                p *= factors[n][index[n] * rank + r];
            }
            sum += p;
        }
        return sum;
    }

    /** Entries {@code from} to {@code to − 1}: indexes into {@code flat} (row-major, order N) and values. */
    public void fill(long from, long to, double[][] factors, int[] flat, double[] values) {
        int order = dims.length;
        int[] index = new int[order];
        for (long k = from; k < to; k++) {
            int e = (int) (k - from);
            long offset = offset(k);
            long rest = offset;
            for (int n = order - 1; n >= 0; n--) {
                index[n] = (int) (rest % dims[n]);
                rest /= dims[n];
            }
            System.arraycopy(index, 0, flat, e * order, order);
            values[e] = cp(factors, index, rank) + noise * gaussian(seed * 31 + 7, offset);
        }
    }

    /** The schema of {@link #dataset}: {@code i0 … i_{N−1}} (int) and {@code value} (double). */
    public StructType schema() {
        List<StructField> fields = new ArrayList<>();
        for (int n = 0; n < dims.length; n++) {
            fields.add(DataTypes.createStructField("i" + n, DataTypes.IntegerType, false));
        }
        fields.add(DataTypes.createStructField("value", DataTypes.DoubleType, false));
        return DataTypes.createStructType(fields);
    }

    /** The observed entries as a Dataset of {@code partitions} partitions, generated on the executors. */
    public Dataset<Row> dataset(SparkSession spark, int partitions) {
        SyntheticTensor self = this;
        return spark.range(0, entries, 1, partitions).mapPartitions(
                (org.apache.spark.api.java.function.MapPartitionsFunction<Long, Row>) ks -> self.rows(ks),
                Encoders.row(schema()));
    }

    private Iterator<Row> rows(Iterator<Long> ks) {
        double[][] factors = factors();
        int order = dims.length;
        int[] flat = new int[order];
        double[] value = new double[1];
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return ks.hasNext();
            }

            @Override
            public Row next() {
                if (!ks.hasNext()) {
                    throw new NoSuchElementException();
                }
                long k = ks.next();
                fill(k, k + 1, factors, flat, value);
                Object[] cells = new Object[order + 1];
                for (int n = 0; n < order; n++) {
                    cells[n] = flat[n];
                }
                cells[order] = value[0];
                return RowFactory.create(cells);
            }
        };
    }

    /** A standard normal number from a stream and a key (Box–Muller on two hashed uniforms). */
    static double gaussian(long stream, long key) {
        long a = Packing.mix(stream ^ Packing.mix(key));
        long b = Packing.mix(a + 0x9E3779B97F4A7C15L);
        double u1 = ((a >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        double u2 = (b >>> 11) * 0x1.0p-53;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyntheticTensor t && java.util.Arrays.equals(dims, t.dims) && rank == t.rank && entries == t.entries
                && Double.compare(noise, t.noise) == 0 && seed == t.seed;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(dims) * 31 + Long.hashCode(entries + seed);
    }

    @Override
    public String toString() {
        return "SyntheticTensor" + java.util.Arrays.toString(dims) + " rank " + rank + ", " + entries + " entries, noise " + noise;
    }
}
