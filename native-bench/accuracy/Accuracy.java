import deeptensor.Completion;
import deeptensor.CompletionResult;
import deeptensor.io.TensorFile;
import deeptensor.io.TensorFiles;
import deeptensor.model.Tucker;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The accuracy table: for each data set and mask, the default completion's relative error on the
 * missing entries next to mean and main-effects imputation, and the time it took.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp target/deeptensor.jar native-bench/accuracy/Accuracy.java \
 *      DATA_DIR MASK_DIR [set[:limit] ...] [--seeds 0,1,2] [--model auto|tucker1|tucker2]</pre>
 * DATA_DIR holds {@code <set>/<set>.npy}; MASK_DIR holds {@code <set>_p90_s<seed>_mask.npy} (True = observed).
 * A set written {@code digits:200} uses the first 200 slices along mode 0.
 */
public final class Accuracy {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]), masks = Path.of(args[1]);
        List<String> sets = new ArrayList<>();
        int[] seeds = {0, 1, 2};
        String model = "auto";
        boolean verbose = false;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--model" -> model = args[++i];
                case "--verbose" -> verbose = true;
                default -> sets.add(args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "%-16s %4s %10s %10s %10s %8s %8s %6s  %s%n", "set", "seed", "default", "mean", "main-eff", "seconds", "cpu-s", "iters", "kept");
        for (String set : sets) {
            String name = set.contains(":") ? set.substring(0, set.indexOf(':')) : set;
            int limit = set.contains(":") ? Integer.parseInt(set.substring(set.indexOf(':') + 1)) : 0;
            List<Double> errors = new ArrayList<>();
            for (int seed : seeds) {
                Path maskFile = masks.resolve(name + "_p90_s" + seed + "_mask.npy");
                try (TensorFile.Dense x = (TensorFile.Dense) TensorFiles.read(data.resolve(name).resolve(name + ".npy"));
                     TensorFile.Dense m = (TensorFile.Dense) TensorFiles.read(maskFile)) {
                    Tensor truth = limit > 0 ? x.tensor().slice(0, limit) : x.tensor();
                    Tensor mask = m.tensor();
                    try (Observations observed = Observations.fromDense(truth, mask)) {
                        Completion completion = Completion.of(observed).seed(seed);
                        if (verbose) {
                            long[] last = {0};
                            completion.progress(p -> {
                                long now = System.nanoTime();
                                if (now - last[0] > 5_000_000_000L) {
                                    last[0] = now;
                                    System.err.printf(Locale.ROOT, "  %6.1f s %5.1f %% %s (best validation %.4f)%n", p.elapsedSeconds(),
                                            100 * p.fractionDone(), p.stage(), p.validationError());
                                }
                            });
                        }
                        if (!model.equals("auto")) {
                            completion.model(model.equals("tucker1") ? Tucker.shallow() : Tucker.deep(2));
                        }
                        long start = System.nanoTime();
                        long cpuStart = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
                        try (CompletionResult result = completion.fit()) {
                            double seconds = (System.nanoTime() - start) * 1e-9;
                            double cpu = (((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() - cpuStart) * 1e-9;
                            double err = missingError(truth, mask, result.completed());
                            double mean = meanError(truth, mask);
                            double effects = mainEffectsError(truth, mask);
                            String kept = result.report().candidates().stream().filter(c -> c.kept()).map(c -> c.name()).findFirst().orElse("?");
                            System.out.printf(Locale.ROOT, "%-16s %4d %10.4f %10.4f %10.4f %8.1f %8.1f %6d  %s%n", set, seed, err, mean, effects, seconds, cpu, result.report().steps(), kept);
                            if (verbose) {
                                System.out.println(result.report());
                            }
                            errors.add(err);
                        }
                    }
                }
            }
            errors.sort(null);
            System.out.printf(Locale.ROOT, "%-16s median %.4f%n", set, errors.get(errors.size() / 2));
        }
    }

    static double missingError(Tensor truth, Tensor mask, Tensor completed) {
        double num = 0, den = 0;
        for (long i = 0; i < truth.size(); i++) {
            if (mask.getFlat(i) == 0) {
                double d = completed.getFlat(i) - truth.getFlat(i);
                num += d * d;
                den += truth.getFlat(i) * truth.getFlat(i);
            }
        }
        return Math.sqrt(num / den);
    }

    /** Additive main effects μ + Σₙ aₙ[iₙ] by plain least squares (backfitting), error on the missing entries. */
    static double mainEffectsError(Tensor truth, Tensor mask) {
        Shape shape = truth.shape();
        int order = shape.order();
        double[][] a = new double[order][];
        double[][] sums = new double[order][];
        long[][] counts = new long[order][];
        for (int n = 0; n < order; n++) {
            a[n] = new double[shape.dim(n)];
            sums[n] = new double[shape.dim(n)];
            counts[n] = new long[shape.dim(n)];
        }
        double mu = 0;
        long observed = 0;
        int[] index = new int[order];
        for (long i = 0; i < truth.size(); i++, next(index, shape)) {
            if (mask.getFlat(i) != 0) {
                mu += truth.getFlat(i);
                observed++;
                for (int n = 0; n < order; n++) {
                    counts[n][index[n]]++;
                }
            }
        }
        mu /= observed;
        for (int sweep = 0; sweep < 100; sweep++) {
            for (int n = 0; n < order; n++) {
                java.util.Arrays.fill(sums[n], 0);
                java.util.Arrays.fill(index, 0);
                for (long i = 0; i < truth.size(); i++, next(index, shape)) {
                    if (mask.getFlat(i) != 0) {
                        double rest = truth.getFlat(i) - mu;
                        for (int k = 0; k < order; k++) {
                            if (k != n) {
                                rest -= a[k][index[k]];
                            }
                        }
                        sums[n][index[n]] += rest;
                    }
                }
                for (int j = 0; j < shape.dim(n); j++) {
                    a[n][j] = counts[n][j] > 0 ? sums[n][j] / counts[n][j] : 0;
                }
            }
        }
        double num = 0, den = 0;
        java.util.Arrays.fill(index, 0);
        for (long i = 0; i < truth.size(); i++, next(index, shape)) {
            if (mask.getFlat(i) == 0) {
                double p = mu;
                for (int n = 0; n < order; n++) {
                    p += a[n][index[n]];
                }
                num += (p - truth.getFlat(i)) * (p - truth.getFlat(i));
                den += truth.getFlat(i) * truth.getFlat(i);
            }
        }
        return Math.sqrt(num / den);
    }

    private static void next(int[] index, Shape shape) {
        for (int n = index.length - 1; n >= 0; n--) {
            if (++index[n] < shape.dim(n)) {
                return;
            }
            index[n] = 0;
        }
    }

    static double meanError(Tensor truth, Tensor mask) {
        double sum = 0;
        long count = 0;
        for (long i = 0; i < truth.size(); i++) {
            if (mask.getFlat(i) != 0) {
                sum += truth.getFlat(i);
                count++;
            }
        }
        double mean = sum / count, num = 0, den = 0;
        for (long i = 0; i < truth.size(); i++) {
            if (mask.getFlat(i) == 0) {
                num += (mean - truth.getFlat(i)) * (mean - truth.getFlat(i));
                den += truth.getFlat(i) * truth.getFlat(i);
            }
        }
        return Math.sqrt(num / den);
    }
}
