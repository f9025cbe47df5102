package deeptensor.bench;

import deeptensor.CompletionModel;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Prediction throughput of a loaded {@link CompletionModel}: one model shared by every benchmark
 * thread (run with {@code -t 1} and {@code -t 2}), each thread asking for batches of random entries
 * from its own pool of requests (at least 2¹⁶ entries, so the batches do not repeat each other in
 * cache). The score is batch calls per second; predictions per second are that times
 * {@code batch}. The kernels run single-threaded ({@code -Ddeeptensor.threads=1}): the server's
 * threads are the parallelism, as they would be behind a request queue.
 *
 * <ul>
 *   <li>{@link #predictBatch}: {@code predict(Coordinates, Tensor)} on {@code batch} entries at once, the
 *       sampled kernels' path.</li>
 *   <li>{@link #predictEach}: the same entries asked one at a time through {@code predict(int...)}, the
 *       plain-loop path of a caller that has one index in hand.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Ddeeptensor.threads=1"})
public class ServeBench {

    /** {@code cp}, {@code tucker} or {@code tt}. */
    @Param({"cp", "tucker", "tt"})
    public String kind;

    /** {@code paper} (25³ at the default over-parameterized sizes) or {@code recommender} (10⁴×10³×10², rank 32). */
    @Param({"paper", "recommender"})
    public String size;

    /** Entries per call. */
    @Param({"1", "64", "4096"})
    public int batch;

    private CompletionModel model;

    @Setup(Level.Trial)
    public void load() {
        model = ServeModels.model(kind, size);
    }

    @TearDown(Level.Trial)
    public void close() {
        model.close();
    }

    /** One thread's requests: a ring of batches and one output vector. */
    @State(Scope.Thread)
    public static class Requests {
        Coordinates[] batches;
        int[][] entries;
        Tensor out;
        int next;

        @Setup(Level.Trial)
        public void make(ServeBench bench, ThreadParams thread) {
            Shape shape = bench.model.shape();
            int batch = bench.batch;
            int calls = Math.max(1, (1 << 16) / batch);
            batches = new Coordinates[calls];
            int[] all = ServeModels.randomIndexes(shape, calls * batch, 1000 + thread.getThreadIndex());
            int order = shape.order();
            entries = new int[calls * batch][];
            for (int e = 0; e < entries.length; e++) {
                entries[e] = java.util.Arrays.copyOfRange(all, e * order, e * order + order);
            }
            for (int c = 0; c < calls; c++) {
                batches[c] = Coordinates.of(shape, java.util.Arrays.copyOfRange(all, c * batch * order, (c + 1) * batch * order));
            }
            out = Tensor.zeros(batch);
        }

        @TearDown(Level.Trial)
        public void close() {
            for (Coordinates c : batches) {
                c.close();
            }
            out.close();
        }

        int advance() {
            int call = next;
            next = call + 1 == batches.length ? 0 : call + 1;
            return call;
        }
    }

    @Benchmark
    public double predictBatch(Requests requests) {
        model.predict(requests.batches[requests.advance()], requests.out);
        return requests.out.getFlat(0);
    }

    @Benchmark
    public double predictEach(Requests requests) {
        int first = requests.advance() * batch;
        double sum = 0;
        for (int e = first; e < first + batch; e++) {
            sum += model.predict(requests.entries[e]);
        }
        return sum;
    }
}
