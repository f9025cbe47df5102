package deeptensor.bench;

import deeptensor.CompletionModel;
import deeptensor.internal.model.Factorization;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.io.TensorFiles;
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
            try (Factorization factors = Factorization.of(k, shape, ranks, values)) {
                Tensor[] blocks = factors.blocks();
                return switch (factors.kind()) {
                    case CP -> CompletionModel.ofCp(blocks);
                    case TUCKER -> CompletionModel.ofTucker(factors.core(), blocks);
                    case TENSOR_TRAIN -> CompletionModel.ofTensorTrain(blocks);
                };
            }
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
                            TensorFiles.write(dir.resolve(name + ".idx.npy"), table);
                        }
                        TensorFiles.write(dir.resolve(name + ".pred.npy"), out);
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
        Files.writeString(dir.resolve("kernels.txt"), deeptensor.internal.kernel.KernelProvider.kernels().name() + "\n");
        System.out.println("wrote " + SIZES.length * KINDS.length + " models and cases.json to " + dir);
    }

    /**
     * What one prediction of this case must read and compute, for the bound of docs/performance.md,
     * as a JSON object: {@code flops_per_entry} (multiply-adds count two) and {@code parts}, one
     * access per table the prediction reads — {@code kib} the table's size, {@code block} rows of
     * {@code row} doubles whose starts lie {@code stride} doubles apart — which {@link GatherBench}
     * times one by one. CP reads a row of each factor; Tucker (served from the cached partial
     * product of the mode {@code m} that makes it smallest) a row of {@code U^m} and a row of the
     * partial product; a tensor train the slice {@code G_k[:, i_k, :]} of each core.
     */
    static String describe(String kind, String size) {
        Shape shape = shape(size);
        int[] ranks = ranks(kind, size);
        int order = shape.order();
        java.util.List<String> parts = new java.util.ArrayList<>();
        double flops = 0;
        switch (kind) {
            case "cp" -> {
                for (int n = 0; n < order; n++) {
                    parts.add(part((long) shape.dim(n) * ranks[0], ranks[0], 1, ranks[0]));
                }
                flops = (double) order * ranks[0]; // N−2 products, then a dot: N·R flops
            }
            case "tucker" -> {
                int best = 0;
                long smallest = Long.MAX_VALUE;
                for (int m = 0; m < order; m++) {
                    long cells = shape.size() / shape.dim(m) * ranks[m];
                    if (cells < smallest) {
                        smallest = cells;
                        best = m;
                    }
                }
                parts.add(part((long) shape.dim(best) * ranks[best], ranks[best], 1, ranks[best]));
                parts.add(part(smallest, ranks[best], 1, ranks[best]));
                flops = 2.0 * ranks[best];
            }
            case "tt" -> {
                for (int k = 0; k < order; k++) {
                    long values = (long) ranks[k] * shape.dim(k) * ranks[k + 1];
                    parts.add(part(values, ranks[k + 1], ranks[k], (long) shape.dim(k) * ranks[k + 1]));
                    flops += 2.0 * ranks[k] * ranks[k + 1];
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return String.format(java.util.Locale.ROOT, "  {\"case\": \"%s-%s\", \"flops_per_entry\": %.0f, \"parts\": [%s]}",
                kind, size, flops, String.join(", ", parts));
    }

    private static String part(long values, int row, int block, long stride) {
        return String.format(java.util.Locale.ROOT, "{\"kib\": %d, \"row\": %d, \"block\": %d, \"stride\": %d}",
                Math.max(1, Math.round(values * 8.0 / 1024)), row, block, stride);
    }
}
