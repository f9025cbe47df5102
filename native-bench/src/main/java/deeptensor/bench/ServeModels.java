package deeptensor.bench;

import deeptensor.CompletionModel;
import deeptensor.model.Factorization;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The served models of the prediction benchmark, made the same way by {@link ServeBench} and by
 * the PyTorch side-by-side ({@code serve.sh}): seeded random factors of the model sizes in
 * docs/models.md and of a recommender-like shape, wrapped in a {@link CompletionModel}.
 *
 * <p>{@code main(dir)} writes, per case, the model file ({@code <case>.dtm}, the documented format
 * the Python side reads), a batch of coordinates ({@code <case>.idx.npy}, int32 m × N, 0-based)
 * and the library's predictions there ({@code <case>.pred.npy}), so that the peer can check it
 * computes the same values before it is timed.
 */
public final class ServeModels {

    private ServeModels() {
    }

    /** The model kinds, as the benchmark's {@code kind} parameter names them. */
    static final String[] KINDS = {"cp", "tucker", "tt"};
    /** The sizes, as the benchmark's {@code size} parameter names them. */
    static final String[] SIZES = {"paper", "recommender"};

    /**
     * {@code paper}: 25×25×25 at the default over-parameterized sizes of docs/models.md (CP rank
     * Π dₙ / max dₙ = 625, the full 25³ Tucker core, tensor-train ranks 25); {@code recommender}:
     * 10⁴ × 10³ × 10² at rank 32 (CP 32, Tucker core 32³, tensor-train ranks 32).
     */
    static Shape shape(String size) {
        return switch (size) {
            case "paper" -> Shape.of(25, 25, 25);
            case "recommender" -> Shape.of(10_000, 1_000, 100);
            default -> throw new IllegalArgumentException("unknown size " + size + " (paper or recommender)");
        };
    }

    static Factorization.Kind kind(String kind) {
        return switch (kind) {
            case "cp" -> Factorization.Kind.CP;
            case "tucker" -> Factorization.Kind.TUCKER;
            case "tt" -> Factorization.Kind.TENSOR_TRAIN;
            default -> throw new IllegalArgumentException("unknown kind " + kind + " (cp, tucker or tt)");
        };
    }

    static int[] ranks(String kind, String size) {
        int r = size.equals("paper") ? 25 : 32;
        return switch (kind) {
            case "cp" -> new int[] {size.equals("paper") ? 625 : 32};
            case "tucker" -> new int[] {r, r, r};
            case "tt" -> new int[] {1, r, r, 1};
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    }

    /** The model of this case: Gaussian values scaled so that entries are of order one. */
    static CompletionModel model(String kind, String size) {
        Shape shape = shape(size);
        int[] ranks = ranks(kind, size);
        Factorization.Kind k = kind(kind);
        long count = Factorization.valueCount(k, shape, ranks);
        double std = Math.pow(ranks[ranks.length == 1 ? 0 : 1], -0.5);
        try (Tensor values = Tensor.gaussian(seed(kind, size), std, Math.toIntExact(count))) {
            return CompletionModel.of(Factorization.of(k, shape, ranks, values));
        }
    }

    /** {@code count} uniformly random 0-based indexes into {@code shape}, flat (entry-major). */
    static int[] randomIndexes(Shape shape, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int order = shape.order();
        int[] flat = new int[count * order];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = random.nextInt(shape.dim(i % order));
        }
        return flat;
    }

    static long seed(String kind, String size) {
        return 31L * kind.hashCode() + size.hashCode();
    }

    /** Writes every case's model, 4 096 coordinates and the library's predictions there into {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "serve-models");
        Files.createDirectories(dir);
        int count = 4096;
        for (String size : SIZES) {
            for (String kind : KINDS) {
                String name = kind + "-" + size;
                try (CompletionModel model = model(kind, size)) {
                    model.save(dir.resolve(name + ".dtm"));
                    int[] flat = randomIndexes(model.shape(), count, 7);
                    try (Coordinates at = Coordinates.of(model.shape(), flat); Tensor out = Tensor.zeros(count)) {
                        model.predict(at, out);
                        double[] indexes = new double[flat.length];
                        for (int i = 0; i < flat.length; i++) {
                            indexes[i] = flat[i];
                        }
                        try (Tensor table = Tensor.of(indexes, count, model.shape().order())) {
                            Npy.write(dir.resolve(name + ".idx.npy"), table);
                        }
                        Npy.write(dir.resolve(name + ".pred.npy"), out);
                    }
                }
            }
        }
        StringBuilder cases = new StringBuilder("[\n");
        for (String size : SIZES) {
            for (String kind : KINDS) {
                cases.append(cases.length() > 2 ? ",\n" : "").append(describe(kind, size));
            }
        }
        Files.writeString(dir.resolve("cases.json"), cases.append("\n]\n"));
        Files.writeString(dir.resolve("kernels.txt"), deeptensor.kernel.KernelProvider.kernels().name() + "\n");
        System.out.println("wrote " + SIZES.length * KINDS.length + " models and cases.json to " + dir);
    }

    /**
     * What one prediction of this case must read and compute, for the bound of docs/performance.md,
     * as a JSON object: {@code rows_per_entry} rows of {@code row_doubles} contiguous values each,
     * drawn from a working set of {@code working_set_bytes} (the factors, or for Tucker the cached
     * partial product and the one factor it is dotted with), and {@code flops_per_entry}
     * (multiply-adds count two).
     */
    static String describe(String kind, String size) {
        Shape shape = shape(size);
        int[] ranks = ranks(kind, size);
        double rows, rowDoubles, workingSet, flops;
        switch (kind) {
            case "cp" -> {
                rows = shape.order();
                rowDoubles = ranks[0];
                workingSet = 8.0 * Factorization.valueCount(Factorization.Kind.CP, shape, ranks);
                flops = (double) shape.order() * ranks[0]; // N−2 products, then a dot: N·R flops
            }
            case "tucker" -> {
                int best = 0;
                double smallest = Double.MAX_VALUE;
                for (int m = 0; m < shape.order(); m++) {
                    double cells = (double) shape.size() / shape.dim(m) * ranks[m];
                    if (cells < smallest) {
                        smallest = cells;
                        best = m;
                    }
                }
                rows = 2;
                rowDoubles = ranks[best];
                workingSet = 8.0 * (smallest + (double) shape.dim(best) * ranks[best]);
                flops = 2.0 * ranks[best];
            }
            case "tt" -> {
                double values = 0;
                flops = 0;
                for (int k = 0; k < shape.order(); k++) {
                    values += (double) ranks[k] * ranks[k + 1];
                    flops += 2.0 * ranks[k] * ranks[k + 1];
                }
                rowDoubles = ranks[1];
                rows = values / rowDoubles;
                workingSet = 8.0 * Factorization.valueCount(Factorization.Kind.TENSOR_TRAIN, shape, ranks);
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return String.format(java.util.Locale.ROOT,
                "  {\"case\": \"%s-%s\", \"rows_per_entry\": %.4f, \"row_doubles\": %d, \"working_set_bytes\": %.0f, \"flops_per_entry\": %.0f}",
                kind, size, rows, (int) rowDoubles, workingSet, flops);
    }
}
