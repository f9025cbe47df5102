package deeptensor.spark;

import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The job to give {@code spark-submit --class deeptensor.spark.Main}:
 *
 * <pre>
 * complete --input PATH [--format parquet|csv] --shape D1xD2x… [--index-columns a,b,c] [--value-column v]
 *          [--index-base 0|1] --model cp|tucker|tt [--rank R | --ranks r1,r2,…] [--depth L]
 *          [--lr X] [--init-scale S] [--steps N] [--seed S] [--validation F]
 *          [--patience P] [--check-every K] [--partitions P] [--save-model FILE.dtm]
 *          [--predict ENTRIES --output OUT.parquet] [--report FILE]
 *          [--checkpoint FILE [--checkpoint-every N]] [--resume FILE] [--mini-batch F | --local-steps S]
 * bench    see {@link Bench}: a synthetic tensor generated in the job, local path, Spark or ALS
 * plot     --csv FILE --svg FILE: per-step time against entries
 * </pre>
 * CSV input needs a header line; its index columns count from {@code --index-base} (default 0).
 * Bad input (options, files, a checkpoint of another model) ends the job with a one-line message on
 * standard error and exit status 2.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            System.out.println("usage: complete … | bench … | plot … (see the class comment of deeptensor.spark.Main or docs/spark.md)");
            return;
        }
        try {
            Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
            switch (args[0]) {
                case "complete" -> complete(options);
                case "bench" -> Bench.run(options);
                case "plot" -> Bench.plot(Path.of(required(options, "csv")), Path.of(required(options, "svg")));
                default -> throw new IllegalArgumentException("unknown command " + args[0] + ": complete, bench or plot");
            }
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException bad) {
            System.err.println("deeptensor-spark " + args[0] + ": " + bad.getMessage());
            System.exit(2);
        }
    }

    static Map<String, String> options(String[] words) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < words.length; i++) {
            if (!words[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an option, got " + words[i]);
            }
            String key = words[i].substring(2);
            String value = i + 1 < words.length && !words[i + 1].startsWith("--") ? words[++i] : "true";
            options.put(key, value);
        }
        return options;
    }

    static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }

    static int[] ints(String text) {
        return Arrays.stream(text.split("[x,]")).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
    }

    static ModelSpec model(Map<String, String> options) {
        String kind = options.getOrDefault("model", "cp");
        int depth = Integer.parseInt(options.getOrDefault("depth", "1"));
        return switch (kind) {
            case "cp" -> {
                CP cp = depth > 1 ? CP.deep(depth) : CP.shallow();
                yield options.containsKey("rank") ? cp.rank(Integer.parseInt(options.get("rank"))) : cp;
            }
            case "tucker" -> {
                Tucker tucker = depth > 1 ? Tucker.deep(depth) : Tucker.shallow();
                yield options.containsKey("ranks") ? tucker.ranks(ints(options.get("ranks"))) : tucker;
            }
            case "tt" -> {
                TensorTrain tt = depth > 1 ? TensorTrain.deep(depth) : TensorTrain.shallow().factorForm(FactorForm.direct());
                yield options.containsKey("ranks") ? tt.ranks(ints(options.get("ranks"))) : tt;
            }
            default -> throw new IllegalArgumentException("--model must be cp, tucker or tt, got " + kind);
        };
    }

    static double learningRate(Map<String, String> options) {
        return Double.parseDouble(options.getOrDefault("lr", "3e-3"));
    }

    static Dataset<Row> read(SparkSession spark, String path, String format) {
        String f = format != null ? format : path.toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "parquet";
        return f.equals("csv")
                ? spark.read().option("header", "true").option("inferSchema", "true").csv(path)
                : spark.read().parquet(path);
    }

    private static void complete(Map<String, String> options) throws Exception {
        SparkSession spark = SparkSession.builder().appName("deeptensor complete").getOrCreate();
        try {
            Dataset<Row> observed = read(spark, required(options, "input"), options.get("format"));
            int[] shape = ints(required(options, "shape"));
            SparkCompletion completion = SparkCompletion.of(observed, shape).model(model(options)).learningRate(learningRate(options))
                    .seed(Long.parseLong(options.getOrDefault("seed", "0")))
                    .maxSteps(Long.parseLong(options.getOrDefault("steps", "10000")))
                    .validationFraction(Double.parseDouble(options.getOrDefault("validation", "0.1")))
                    .patience(Integer.parseInt(options.getOrDefault("patience", "40")))
                    .checkEvery(Integer.parseInt(options.getOrDefault("check-every", "50")))
                    .initScale(Double.parseDouble(options.getOrDefault("init-scale", "1e-8")))
                    .indexBase(Long.parseLong(options.getOrDefault("index-base", "0")));
            if (options.containsKey("index-columns")) {
                completion.indexColumns(options.get("index-columns").split(","));
            }
            if (options.containsKey("value-column")) {
                completion.valueColumn(options.get("value-column"));
            }
            if (options.containsKey("partitions")) {
                completion.partitions(Integer.parseInt(options.get("partitions")));
            }
            if (options.containsKey("checkpoint")) {
                completion.checkpoint(Path.of(options.get("checkpoint")), Long.parseLong(options.getOrDefault("checkpoint-every", "0")));
            } else if (options.containsKey("checkpoint-every")) {
                throw new IllegalArgumentException("--checkpoint-every needs --checkpoint FILE");
            }
            if (options.containsKey("resume")) {
                completion.resumeFrom(Path.of(options.get("resume")));
            }
            if (options.containsKey("mini-batch")) {
                completion.miniBatch(Double.parseDouble(options.get("mini-batch")));
            }
            if (options.containsKey("local-steps")) {
                completion.localSteps(Integer.parseInt(options.get("local-steps")));
            }
            completion.listener(p -> {
                if (p.step() % 50 == 0) {
                    System.err.printf(Locale.ROOT, "step %d: loss %.6g (%.3f s)%n", p.step(), p.loss(), p.seconds());
                }
            });
            try (SparkCompletionResult result = completion.fit()) {
                System.err.println(result.report());
                if (options.containsKey("save-model")) {
                    result.model().save(Path.of(options.get("save-model")));
                }
                if (options.containsKey("predict")) {
                    Dataset<Row> wanted = read(spark, options.get("predict"), options.get("format"));
                    String[] columns = options.containsKey("index-columns") ? options.get("index-columns").split(",") : null;
                    SparkCompletion.predict(result.model(), wanted, columns, Long.parseLong(options.getOrDefault("index-base", "0")),
                            "prediction").write().parquet(required(options, "output"));
                }
                if (options.containsKey("report")) {
                    Files.writeString(Path.of(options.get("report")), result.report().toString() + System.lineSeparator());
                }
            }
        } finally {
            spark.stop();
        }
    }
}
