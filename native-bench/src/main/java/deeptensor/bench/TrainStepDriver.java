package deeptensor.bench;

import deeptensor.internal.kernel.KernelProvider;
import deeptensor.internal.model.Batch;
import deeptensor.internal.model.Evaluation;
import deeptensor.internal.model.Model;
import deeptensor.internal.model.Models;
import deeptensor.internal.model.Parameters;
import deeptensor.internal.train.Initializer;
import deeptensor.internal.train.Optimizer;
import deeptensor.internal.train.OptimizerState;
import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.ModelSpec;
import deeptensor.model.Tucker;
import deeptensor.io.TensorFiles;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The deeptensor side of the training side-by-side against PyTorch ({@code train_side_by_side.sh}):
 * a long-lived process that reads one command per line on standard input and answers each with one
 * JSON line on standard output, so that the Python script can interleave its runs with PyTorch's
 * without paying a JVM start and a JIT warm-up per run.
 *
 * <p>A case is {@code MODEL N L FORM PATH}: {@code tucker} (full core N³) or {@code cp} (rank N),
 * an N×N×N tensor, factor chains of depth L in form {@code shared} (one chain
 * {@code F = M_L ⋯ M_1} per factor) or {@code column} (a chain per column, the library's default for
 * deep CP and Tucker), and the evaluation path {@code auto}, {@code dense} or {@code sampled}. Its
 * data: 20 % of the entries observed (distinct offsets drawn with seed 7, in increasing order),
 * targets N(0, 1) (seed 8), parameters from {@link Initializer#endToEndWithRms} with RMS 1 (seed 9),
 * so that the model's entries are of the same order as the targets; Adam (Keras form), learning rate
 * 5e-4.
 *
 * <p>Commands:
 * <ul>
 *   <li>{@code info}: the kernels the library chose, doubles per vector, the JVM.</li>
 *   <li>{@code check CASE DIR}: writes the case's coordinates ({@code coords.npy}, m × 3 indexes stored as float64),
 *       targets, parameters ({@code params.npy}, the flat vector), the block layout
 *       ({@code layout.json}), then the loss, the predictions, the gradient ({@code grad.npy}) and
 *       the parameters after one Adam step ({@code params1.npy}) as the library computes them.</li>
 *   <li>{@code time CASE WARMUP_S MIN_STEPS TIMED_S}: full-batch steps (loss and gradient, then the
 *       Adam update) until {@code WARMUP_S} seconds of thread CPU time, then timed steps until both
 *       {@code MIN_STEPS} steps and {@code TIMED_S} seconds; answers the thread CPU time of every timed
 *       step, of its loss-and-gradient part and its wall time, in nanoseconds, and the CPU time of the
 *       whole JVM and of the thread over the timed steps.</li>
 *   <li>{@code quit}.</li>
 * </ul>
 * Run with {@code --add-modules jdk.incubator.vector -Ddeeptensor.threads=1}: the step then runs
 * entirely on the calling thread, whose CPU time {@link ThreadMXBean} reports.
 */
public final class TrainStepDriver {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The whole JVM's CPU time, to show that the step ran on one thread (JIT and GC threads aside). */
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private TrainStepDriver() {
    }

    /** One configuration and everything a step needs, closed after the command. */
    private static final class Case implements AutoCloseable {
        final Model model;
        final Coordinates at;
        final Tensor targets;
        final Batch batch;
        final OptimizerState adam;
        final boolean autoDense;
        final boolean dense;

        Case(String kind, int n, int depth, String form, String path) {
            Shape shape = Shape.of(n, n, n);
            FactorForm factors = switch (form) {
                case "shared" -> depth == 1 ? FactorForm.direct() : FactorForm.sharedChain(depth);
                case "column" -> depth == 1 ? FactorForm.direct() : FactorForm.columnChains(depth);
                default -> throw new IllegalArgumentException("form " + form + " is not shared or column");
            };
            ModelSpec spec = switch (kind) {
                case "tucker" -> Tucker.deep(depth).factorForm(factors);
                case "cp" -> CP.deep(depth).rank(n).factorForm(factors);
                default -> throw new IllegalArgumentException("model " + kind + " is not tucker or cp");
            };
            at = Fixtures.observedEntries(shape, 0.2, 7);
            int count = at.count();
            targets = Tensor.gaussian(8, 1.0, count);
            model = Models.build(spec, shape);
            autoDense = model.usesDense(count);
            model.evaluation(Evaluation.valueOf(path.toUpperCase(Locale.ROOT)));
            dense = model.usesDense(count);
            Initializer.endToEndWithRms(model, 1.0).initialize(model, 9);
            batch = new Batch(at, targets);
            adam = OptimizerState.start(Optimizer.adam(5e-4), model.parameters().size());
        }

        double step() {
            double loss = model.lossAndGradient(batch);
            adam.step(model.parameters().values(), model.parameters().gradients());
            return loss;
        }

        @Override
        public void close() {
            adam.close();
            batch.close();
            model.close();
            targets.close();
            at.close();
        }
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] w = line.trim().split("\\s+");
            if (w[0].isEmpty()) {
                continue;
            }
            try {
                String answer = switch (w[0]) {
                    case "info" -> info();
                    case "check" -> check(w);
                    case "time" -> time(w);
                    case "quit" -> null;
                    default -> throw new IllegalArgumentException("unknown command " + w[0]);
                };
                if (answer == null) {
                    break;
                }
                System.out.println(answer);
            } catch (RuntimeException | IOException failure) {
                System.out.println("{\"error\": \"" + String.valueOf(failure).replace("\\", "\\\\").replace("\"", "'") + "\"}");
            }
            System.out.flush();
        }
    }

    private static String info() {
        return String.format(Locale.ROOT, "{\"kernels\": \"%s\", \"kernel_details\": \"%s\", \"lanes\": %d, \"java\": \"%s\"}",
                KernelProvider.kernels().name(), KernelProvider.kernels(),
                jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length(),
                System.getProperty("java.vm.name") + " " + Runtime.version());
    }

    private static Case open(String[] w) {
        return new Case(w[1], Integer.parseInt(w[2]), Integer.parseInt(w[3]), w[4], w[5]);
    }

    private static String check(String[] w) throws IOException {
        Path dir = Path.of(w[6]);
        Files.createDirectories(dir);
        try (Case c = open(w)) {
            Parameters p = c.model.parameters();
            int m = c.at.count();
            try (Tensor coords = Tensor.zeros(m, 3)) { // indexes as doubles (exact below 2^53); the peer reads them as integers
                for (int e = 0; e < m; e++) {
                    for (int k = 0; k < 3; k++) {
                        coords.set(c.at.index(e, k), e, k);
                    }
                }
                TensorFiles.write(dir.resolve("coords.npy"), coords);
            }
            TensorFiles.write(dir.resolve("targets.npy"), c.targets);
            TensorFiles.write(dir.resolve("params.npy"), p.values());
            StringBuilder layout = new StringBuilder("[");
            for (Parameters.Block b : p.blocks()) {
                layout.append(layout.length() > 1 ? ", " : "").append(String.format(Locale.ROOT,
                        "{\"name\": \"%s\", \"dims\": %s, \"offset\": %d}", b.name(), java.util.Arrays.toString(b.dims()), b.offset()));
            }
            Files.writeString(dir.resolve("layout.json"), layout.append("]\n"));
            double loss = c.step();
            TensorFiles.write(dir.resolve("pred.npy"), c.batch.predictions());
            TensorFiles.write(dir.resolve("grad.npy"), p.gradients());
            TensorFiles.write(dir.resolve("params1.npy"), p.values());
            return String.format(Locale.ROOT, "{\"loss\": %.17g, \"dense\": %b, \"auto_dense\": %b, \"parameters\": %d, \"m\": %d}",
                    loss, c.dense, c.autoDense, p.size(), m);
        }
    }

    private static String time(String[] w) {
        double warmup = Double.parseDouble(w[6]);
        int minSteps = Integer.parseInt(w[7]);
        double timed = Double.parseDouble(w[8]);
        try (Case c = open(w)) {
            long start = THREADS.getCurrentThreadCpuTime();
            int warm = 0;
            while (warm < 2 || THREADS.getCurrentThreadCpuTime() - start < warmup * 1e9) {
                c.step();
                warm++;
            }
            List<long[]> steps = new ArrayList<>();
            long processStart = PROCESS.getProcessCpuTime(), threadStart = THREADS.getCurrentThreadCpuTime();
            long spent = 0;
            double sink = 0;
            while (steps.size() < Math.max(1, minSteps) || (spent < timed * 1e9 && steps.size() < 5000)) {
                long wall0 = System.nanoTime();
                long t0 = THREADS.getCurrentThreadCpuTime();
                sink += c.model.lossAndGradient(c.batch);
                long t1 = THREADS.getCurrentThreadCpuTime();
                c.adam.step(c.model.parameters().values(), c.model.parameters().gradients());
                long t2 = THREADS.getCurrentThreadCpuTime();
                long wall = System.nanoTime() - wall0;
                steps.add(new long[] {t2 - t0, t1 - t0, wall});
                spent += t2 - t0;
            }
            long processTotal = PROCESS.getProcessCpuTime() - processStart, threadTotal = THREADS.getCurrentThreadCpuTime() - threadStart;
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "{\"dense\": %b, \"auto_dense\": %b, \"warmup_steps\": %d, \"last_loss\": %.6g,"
                    + " \"process_total_ns\": %d, \"thread_total_ns\": %d", c.dense, c.autoDense, warm, sink / steps.size(),
                    processTotal, threadTotal));
            String[] names = {"step_ns", "grad_ns", "wall_ns"};
            for (int k = 0; k < names.length; k++) {
                out.append(", \"").append(names[k]).append("\": [");
                for (int s = 0; s < steps.size(); s++) {
                    out.append(s > 0 ? ", " : "").append(steps.get(s)[k]);
                }
                out.append(']');
            }
            return out.append('}').toString();
        }
    }
}
