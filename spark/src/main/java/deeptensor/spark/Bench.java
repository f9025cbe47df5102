package deeptensor.spark;

import deeptensor.internal.model.Models;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import deeptensor.model.CP;
import deeptensor.internal.model.Model;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.OffHeapMemory;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import deeptensor.internal.train.Optimizer;
import deeptensor.internal.train.Trainer;
import deeptensor.internal.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The measurements of docs/spark.md: a synthetic recommender-like CP tensor ({@link SyntheticTensor},
 * generated in the job), one full-batch training step timed on the local path (the library's
 * {@code Trainer} on one JVM) and on Spark, and Spark MLlib's ALS on the matrix unfolding
 * {@code users × (items·time)} of the same entries as the baseline.
 *
 * <pre>
 * bench --mode local|spark|als --dims 200000x10000x50 --rank 10 --entries 1000000 [--steps 6]
 *       [--partitions 2] [--master local[2]] [--csv FILE] [--seed 1] [--noise 0.1]
 *       spark, for held-out error: [--validation 0.1 --lr 1e-2 --init-scale 0.1]
 *       als: [--als-iterations 5] [--als-reg 0.05]
 * bench --mode variants --dims 10000x1000x50 --rank 10 --entries 1e6 [--budget 60] [--lrs 1e-2,3e-2]
 *       [--variants full,mb0.3,mb0.1,local5] [--init-scale 0.1] [--validation 0.1] [--csv FILE]
 * </pre>
 * {@code variants}: full batch against mini-batch ({@code mbF}: fraction F) and local SGD
 * ({@code localS}: S local steps per round) in one Spark session, each variant at each learning rate
 * for the same wall-time budget from the same seed, split and initialization; one CSV line per check
 * (variant, learning rate, step, seconds since the loop started, training and held-out RMSE), and a
 * summary on standard output: per variant, the learning rate with the lowest held-out RMSE at the
 * end of the budget, and the best held-out RMSE reached by a quarter, half and all of the budget.
 * Each run appends one CSV line: mode, entries, partitions, median and mean step seconds (the first
 * step left out), preparation seconds, heap MB, off-heap MB and Spark-cached MB while training,
 * training and held-out RMSE, and a note.
 */
final class Bench {

    static final String HEADER = "mode,entries,partitions,median_step_s,mean_step_s,prepare_s,heap_mb,offheap_mb,cached_mb,train_rmse,"
            + "heldout_rmse,note";

    private Bench() {
    }

    static void run(Map<String, String> options) throws IOException {
        int[] dims = Main.ints(options.getOrDefault("dims", "200000x10000x50"));
        int rank = Integer.parseInt(options.getOrDefault("rank", "10"));
        long entries = (long) Double.parseDouble(options.getOrDefault("entries", "1e6"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "6"));
        long seed = Long.parseLong(options.getOrDefault("seed", "1"));
        double noise = Double.parseDouble(options.getOrDefault("noise", "0.1"));
        SyntheticTensor tensor = new SyntheticTensor(dims, rank, entries, noise, seed);
        String mode = Main.required(options, "mode");
        if (mode.equals("variants")) {
            variants(tensor, options);
            return;
        }
        String line = switch (mode) {
            case "local" -> local(tensor, steps, options);
            case "spark" -> spark(tensor, steps, options);
            case "als" -> als(tensor, options);
            default -> throw new IllegalArgumentException("--mode must be local, spark or als");
        };
        System.out.println(HEADER);
        System.out.println(line);
        if (options.containsKey("csv")) {
            Path csv = Path.of(options.get("csv"));
            if (!Files.exists(csv)) {
                Files.writeString(csv, HEADER + "\n");
            }
            Files.writeString(csv, line + "\n", StandardOpenOption.APPEND);
        }
    }

    private static double heapMb() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return (runtime.totalMemory() - runtime.freeMemory()) / 1048576.0;
    }

    private static String local(SyntheticTensor tensor, int steps, Map<String, String> options) {
        long start = System.nanoTime();
        int m = Math.toIntExact(tensor.entries());
        int order = tensor.dims().length;
        int[] flat = new int[Math.multiplyExact(m, order)];
        double[] values = new double[m];
        double[][] factors = tensor.factors();
        // Generated in parallel chunks (the same entries as on Spark: entry k is a function of k).
        int chunks = 64;
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
            long from = (long) m * c / chunks, to = (long) m * (c + 1) / chunks;
            int[] f = new int[(int) (to - from) * order];
            double[] v = new double[(int) (to - from)];
            tensor.fill(from, to, factors, f, v);
            System.arraycopy(f, 0, flat, (int) from * order, f.length);
            System.arraycopy(v, 0, values, (int) from, v.length);
        });
        Shape shape = Shape.of(tensor.dims());
        double scale = rms(values);
        for (int e = 0; e < m; e++) {
            values[e] /= scale;
        }
        double heapMb;
        double[] offHeapMb = {0};
        List<Double> times = new ArrayList<>();
        double prepare;
        TrainingResult result;
        try (Coordinates at = Coordinates.of(shape, flat); Tensor y = Tensor.of(values, m);
             Model model = Models.build(CP.shallow().rank(tensor.rank()), shape)) {
            Initializer.endToEndWithRms(model, Double.parseDouble(options.getOrDefault("init-scale", "1e-8"))).initialize(model, 1);
            prepare = (System.nanoTime() - start) * 1e-9;
            heapMb = heapMb();
            double[] last = {0};
            Trainer trainer = new Trainer().optimizer(Optimizer.adam(Double.parseDouble(options.getOrDefault("lr", "3e-3"))))
                    .maxSteps(steps).checkEvery(Integer.MAX_VALUE).listener(1, p -> {
                        times.add(p.elapsedSeconds() - last[0]);
                        last[0] = p.elapsedSeconds();
                        if (p.step() == 2) {
                            offHeapMb[0] = OffHeapMemory.inUse() / 1048576.0;
                        }
                        System.err.printf(Locale.ROOT, "local step %d: %.3f s%n", p.step(), times.getLast());
                    });
            result = trainer.fit(model, at, y);
        }
        double[] t = times.stream().mapToDouble(Double::doubleValue).toArray();
        return String.format(Locale.ROOT, "local,%d,1,%.4f,%.4f,%.1f,%.0f,%.0f,0,%.5f,,threads=%s kernels=%s", tensor.entries(),
                median(t), mean(t), prepare, heapMb, offHeapMb[0], Math.sqrt(result.trainLoss()) * scale,
                System.getProperty("deeptensor.threads", String.valueOf(Runtime.getRuntime().availableProcessors())),
                deeptensor.internal.kernel.KernelProvider.class.getSimpleName());
    }

    static double rms(double[] values) {
        double largest = 0;
        for (double v : values) {
            largest = Math.max(largest, Math.abs(v));
        }
        double sum = 0;
        for (double v : values) {
            sum += (v / largest) * (v / largest);
        }
        return largest * Math.sqrt(sum / values.length);
    }

    private static SparkSession session(Map<String, String> options) {
        SparkSession.Builder builder = SparkSession.builder().appName("deeptensor bench");
        if (options.containsKey("master")) {
            builder.master(options.get("master"));
        }
        if (options.containsKey("conf")) { // key=value;key=value
            for (String pair : options.get("conf").split(";")) {
                String[] kv = pair.split("=", 2);
                builder.config(kv[0].strip(), kv[1].strip());
            }
        }
        SparkSession spark = builder.config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    private static String spark(SyntheticTensor tensor, int steps, Map<String, String> options) {
        SparkSession spark = session(options);
        try {
            int partitions = Integer.parseInt(options.getOrDefault("partitions", String.valueOf(spark.sparkContext().defaultParallelism())));
            double validation = Double.parseDouble(options.getOrDefault("validation", "0"));
            double[] memory = new double[3];
            SparkCompletion completion = SparkCompletion.of(tensor.dataset(spark, partitions), tensor.dims())
                    .model(CP.shallow().rank(tensor.rank())).shuffle(false).validationFraction(validation)
                    .learningRate(Double.parseDouble(options.getOrDefault("lr", "3e-3")))
                    .initScale(Double.parseDouble(options.getOrDefault("init-scale", "1e-8")))
                    .checkEvery(Integer.parseInt(options.getOrDefault("check-every", "50"))).patience(0).maxSteps(steps).seed(1)
                    .listener(p -> {
                        if (p.step() == 2) {
                            memory[0] = heapMb();
                            memory[1] = OffHeapMemory.inUse() / 1048576.0;
                            memory[2] = Arrays.stream(spark.sparkContext().getRDDStorageInfo())
                                    .mapToDouble(info -> (info.memSize() + info.diskSize()) / 1048576.0).sum();
                        }
                        System.err.printf(Locale.ROOT, "spark step %d: %.3f s, loss %.6g%n", p.step(), p.seconds(), p.loss());
                    });
            try (SparkCompletionResult result = completion.fit()) {
                SparkReport report = result.report();
                System.err.println(report);
                report.history().forEach(c -> System.err.printf(Locale.ROOT, "check %d: train %.6g validation %.6g%n", c.step(),
                        c.trainLoss(), c.validationLoss()));
                double[] t = Arrays.copyOfRange(report.stepSeconds(), 1, report.stepSeconds().length);
                return String.format(Locale.ROOT, "spark,%d,%d,%.4f,%.4f,%.1f,%.0f,%.0f,%.0f,%.5f,%s,master=%s threads=%s",
                        tensor.entries(), report.partitions(), report.medianStepSeconds(), mean(t), report.prepareSeconds(), memory[0],
                        memory[1], memory[2], report.trainRmse(), Double.isNaN(report.validationRmse()) ? ""
                                : String.format(Locale.ROOT, "%.5f", report.validationRmse()),
                        spark.sparkContext().master(), System.getProperty("deeptensor.threads", "all"));
            }
        } finally {
            spark.stop();
        }
    }

    /**
     * ALS on the unfolding: user = i₀, item = i₁·d₂ + i₂, the held-out entries the ones a
     * {@link SparkCompletion} with {@code --validation} and seed 1 holds out (the same hash).
     */
    private static String als(SyntheticTensor tensor, Map<String, String> options) {
        SparkSession spark = session(options);
        try {
            int[] dims = tensor.dims();
            int partitions = Integer.parseInt(options.getOrDefault("partitions", String.valueOf(spark.sparkContext().defaultParallelism())));
            double fraction = Double.parseDouble(options.getOrDefault("validation", "0.1"));
            SplittableRandom seeds = new SplittableRandom(1);
            seeds.nextLong();
            long splitSeed = seeds.nextLong();
            UserDefinedFunction heldOut = udf((UDF1<Long, Boolean>) offset -> Packing.uniform(offset, splitSeed) < fraction,
                    DataTypes.BooleanType);
            Dataset<Row> unfolded = tensor.dataset(spark, partitions)
                    .withColumn("offset", col("i0").cast("long").multiply((long) dims[1] * dims[2])
                            .plus(col("i1").cast("long").multiply(dims[2])).plus(col("i2").cast("long")))
                    .select(col("i0").as("user"), col("i1").multiply(dims[2]).plus(col("i2")).as("item"), col("value").as("rating"),
                            heldOut.apply(col("offset")).as("held"));
            Dataset<Row> train = unfolded.filter(col("held").equalTo(lit(false))).drop("held").cache();
            Dataset<Row> test = unfolded.filter(col("held")).drop("held").cache();
            long start = System.nanoTime();
            long trainCount = train.count(), testCount = test.count();
            double prepare = (System.nanoTime() - start) * 1e-9;
            int rank = Integer.parseInt(options.getOrDefault("als-rank", String.valueOf(tensor.rank())));
            int iterations = Integer.parseInt(options.getOrDefault("als-iterations", "5"));
            double reg = Double.parseDouble(options.getOrDefault("als-reg", "0.05"));
            double[] seconds = new double[2];
            ALSModel model = null;
            int[] its = {1, iterations};
            for (int run = 0; run < 2; run++) {
                ALS als = new ALS().setRank(rank).setMaxIter(its[run]).setRegParam(reg).setUserCol("user").setItemCol("item")
                        .setRatingCol("rating").setColdStartStrategy("drop").setSeed(1).setNumBlocks(partitions);
                long t0 = System.nanoTime();
                model = als.fit(train);
                model.userFactors().count(); // the fit is lazy in parts: force the factors
                seconds[run] = (System.nanoTime() - t0) * 1e-9;
                System.err.printf(Locale.ROOT, "ALS %d iterations: %.2f s%n", its[run], seconds[run]);
            }
            double perIteration = (seconds[1] - seconds[0]) / (iterations - 1);
            RegressionEvaluator rmse = new RegressionEvaluator().setMetricName("rmse").setLabelCol("rating").setPredictionCol("prediction");
            double trainRmse = rmse.evaluate(model.transform(train));
            Dataset<Row> predicted = model.transform(test);
            long covered = predicted.count();
            double testRmse = rmse.evaluate(predicted);
            double heap = heapMb();
            return String.format(Locale.ROOT, "als,%d,%d,%.4f,%.4f,%.1f,%.0f,0,0,%.5f,%.5f,rank=%d reg=%s iterations=%d "
                            + "(%.1f s for %d) train=%d test=%d predicted=%d", tensor.entries(), partitions, perIteration, seconds[1] / iterations,
                    prepare, heap, trainRmse, testRmse, rank, reg, iterations, seconds[1], iterations, trainCount, testCount, covered);
        } finally {
            spark.stop();
        }
    }

    private static void variants(SyntheticTensor tensor, Map<String, String> options) throws IOException {
        SparkSession spark = session(options);
        double budget = Double.parseDouble(options.getOrDefault("budget", "60"));
        double[] rates = Arrays.stream(options.getOrDefault("lrs", "1e-2,3e-2").split(",")).mapToDouble(Double::parseDouble).toArray();
        String[] variants = options.getOrDefault("variants", "full,mb0.3,mb0.1,local5").split(",");
        double validation = Double.parseDouble(options.getOrDefault("validation", "0.1"));
        double initScale = Double.parseDouble(options.getOrDefault("init-scale", "0.1"));
        Path csv = options.containsKey("csv") ? Path.of(options.get("csv")) : null;
        String header = "variant,lr,step,seconds,train_rmse,heldout_rmse";
        if (csv != null && !Files.exists(csv)) {
            Files.writeString(csv, header + "\n");
        }
        List<String> summary = new ArrayList<>();
        try {
            int partitions = Integer.parseInt(options.getOrDefault("partitions", String.valueOf(spark.sparkContext().defaultParallelism())));
            Dataset<Row> observed = tensor.dataset(spark, partitions);
            for (String variant : variants) {
                double bestFinal = Double.POSITIVE_INFINITY;
                String bestLine = null;
                for (double rate : rates) {
                    SparkCompletion completion = SparkCompletion.of(observed, tensor.dims()).model(CP.shallow().rank(tensor.rank()))
                            .shuffle(false).validationFraction(validation).learningRate(rate).initScale(initScale).seed(1)
                            .patience(0).maxSteps(Long.MAX_VALUE / 4).maxTime(java.time.Duration.ofMillis((long) (budget * 1000)));
                    int checkEvery = 10;
                    if (variant.startsWith("mb")) {
                        double fraction = Double.parseDouble(variant.substring(2));
                        completion.miniBatch(fraction);
                        checkEvery = (int) Math.max(1, Math.round(5 / fraction)); // a full pass every ~5 steps' worth of entries
                    } else if (variant.startsWith("local")) {
                        int steps = Integer.parseInt(variant.substring(5));
                        completion.localSteps(steps);
                        checkEvery = steps * (10 / java.math.BigInteger.valueOf(10).gcd(java.math.BigInteger.valueOf(steps)).intValue());
                    } else if (!variant.equals("full")) {
                        throw new IllegalArgumentException("a variant is full, mbF or localS, got " + variant);
                    }
                    completion.checkEvery(checkEvery);
                    try (SparkCompletionResult result = completion.fit()) {
                        SparkReport report = result.report();
                        StringBuilder lines = new StringBuilder();
                        double[] bestBy = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
                        double best = Double.POSITIVE_INFINITY;
                        for (SparkReport.Check c : report.history()) {
                            double train = Math.sqrt(c.trainLoss()) * report.scale(), held = Math.sqrt(c.validationLoss()) * report.scale();
                            lines.append(String.format(Locale.ROOT, "%s,%g,%d,%.3f,%.5f,%.5f%n", variant, rate, c.step(), c.seconds(), train,
                                    held));
                            best = Math.min(best, held);
                            for (int q = 0; q < 3; q++) {
                                if (c.seconds() <= budget * (q + 1) / 4.0 || q == 2) {
                                    bestBy[q] = Math.min(bestBy[q], held);
                                }
                            }
                        }
                        if (csv != null) {
                            Files.writeString(csv, lines, StandardOpenOption.APPEND);
                        }
                        double perStep = report.fitSeconds() / Math.max(1, report.steps());
                        String line = String.format(Locale.ROOT, "%s lr %g: %d steps in %.1f s (%.4f s/step, checks every %d), "
                                        + "best held-out RMSE by %.0f s %.4f, by %.0f s %.4f, by %.0f s %.4f; final %.4f",
                                variant, rate, report.steps(), report.fitSeconds(), perStep, checkEvery, budget / 4, bestBy[0], budget / 2,
                                bestBy[1], budget, bestBy[2], report.validationRmse());
                        System.err.println(line);
                        if (best < bestFinal) {
                            bestFinal = best;
                            bestLine = line;
                        }
                    }
                }
                summary.add(bestLine);
            }
        } finally {
            spark.stop();
        }
        System.out.println("best learning rate per variant (lowest held-out RMSE within the budget):");
        summary.forEach(System.out::println);
    }

    static double median(double[] t) {
        double[] s = t.length > 1 ? Arrays.copyOfRange(t, 1, t.length) : t.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double mean(double[] t) {
        double[] s = t.length > 1 ? Arrays.copyOfRange(t, 1, t.length) : t;
        return Arrays.stream(s).average().orElse(Double.NaN);
    }

    /** A log-log SVG of median step time against entries, one line per mode. */
    static void plot(Path csv, Path svg) throws IOException {
        Map<String, TreeMap<Double, Double>> series = new TreeMap<>();
        for (String line : Files.readAllLines(csv)) {
            if (line.startsWith("mode") || line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",");
            if (cells[0].equals("als")) {
                continue;
            }
            series.computeIfAbsent(cells[0], k -> new TreeMap<>()).put(Double.parseDouble(cells[1]), Double.parseDouble(cells[3]));
        }
        double minX = Double.MAX_VALUE, maxX = 0, minY = Double.MAX_VALUE, maxY = 0;
        for (TreeMap<Double, Double> s : series.values()) {
            for (Map.Entry<Double, Double> e : s.entrySet()) {
                minX = Math.min(minX, e.getKey());
                maxX = Math.max(maxX, e.getKey());
                minY = Math.min(minY, e.getValue());
                maxY = Math.max(maxY, e.getValue());
            }
        }
        double x0 = Math.floor(Math.log10(minX)), x1 = Math.ceil(Math.log10(maxX));
        double y0 = Math.floor(Math.log10(minY)), y1 = Math.ceil(Math.log10(maxY));
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        if (y1 == y0) {
            y1 = y0 + 1;
        }
        int w = 640, h = 420, left = 70, right = 150, top = 30, bottom = 50;
        double pw = w - left - right, ph = h - top - bottom;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                + "font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\">Full-batch step, CP rank 10, synthetic 2e5×1e4×50 tensor</text>%n", left));
        for (double d = x0; d <= x1; d++) {
            double x = left + (d - x0) / (x1 - x0) * pw;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">1e%d</text>%n", x, top, x, top + ph, x, top + ph + 16, (int) d));
        }
        for (double d = y0; d <= y1; d++) {
            double y = top + ph - (d - y0) / (y1 - y0) * ph;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">1e%d s</text>%n", left, y, left + pw, y, left - 6, y + 4, (int) d));
        }
        out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">observed entries</text>%n", left + pw / 2, h - 10));
        out.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">"
                + "median seconds per step</text>%n", top + ph / 2, top + ph / 2));
        String[] colours = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
        int c = 0;
        for (Map.Entry<String, TreeMap<Double, Double>> s : series.entrySet()) {
            String colour = colours[c % colours.length];
            StringBuilder points = new StringBuilder();
            for (Map.Entry<Double, Double> e : s.getValue().entrySet()) {
                double x = left + (Math.log10(e.getKey()) - x0) / (x1 - x0) * pw;
                double y = top + ph - (Math.log10(e.getValue()) - y0) / (y1 - y0) * ph;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>%n", x, y, colour));
            }
            out.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    points.toString().strip(), colour));
            double ly = top + 20 + 20 * c;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", left + pw + 15, ly, left + pw + 40, ly, colour, left + pw + 46, ly + 4,
                    s.getKey().equals("spark") ? "Spark local[2]" : "local path"));
            c++;
        }
        // the slope-1 guide (time proportional to entries), from the lowest point, clipped to the plot
        double gx0 = Math.log10(minX), gy0 = Math.log10(minY);
        double gx1 = Math.min(x1, gx0 + (y1 - gy0)), gy1 = gy0 + (gx1 - gx0);
        out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>"
                        + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>"
                        + "<text x=\"%.1f\" y=\"%.1f\" fill=\"#666\">time ∝ entries</text>%n",
                left + (gx0 - x0) / (x1 - x0) * pw, top + ph - (gy0 - y0) / (y1 - y0) * ph,
                left + (gx1 - x0) / (x1 - x0) * pw, top + ph - (gy1 - y0) / (y1 - y0) * ph,
                left + pw + 15, top + 20.0 + 20 * c, left + pw + 40, top + 20.0 + 20 * c, left + pw + 46, top + 24.0 + 20 * c));
        out.append("</svg>\n");
        Files.writeString(svg, out);
    }
}
