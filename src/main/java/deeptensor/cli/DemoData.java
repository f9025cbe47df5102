package deeptensor.cli;

import deeptensor.io.TensorFiles;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;

/**
 * The demo's data: the bundled astronaut photograph (128×128×3, 8-bit, scaled here to [0, 1]) and a
 * seeded random choice of the entries left observed.
 */
final class DemoData {

    /** The bundled image; provenance in {@code astronaut128.README.md} beside it. */
    static final String IMAGE = "/deeptensor/data/astronaut128.npy";

    private DemoData() {
    }

    /** The bundled image as a tensor with values in [0, 1]. */
    static Tensor image() throws IOException {
        Path copy = Files.createTempFile("deeptensor-astronaut", ".npy");
        try {
            try (InputStream in = DemoData.class.getResourceAsStream(IMAGE)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled image " + IMAGE + " is missing from the jar");
                }
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            Tensor pixels = TensorFiles.readTensor(copy);
            for (long i = 0; i < pixels.size(); i++) {
                pixels.setFlat(i, pixels.getFlat(i) / 255.0);
            }
            return pixels;
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /**
     * Which entries stay observed: exactly {@code round(fraction × size)} of them, chosen uniformly
     * without replacement with the seed (a partial Fisher–Yates shuffle).
     */
    static boolean[] mask(Shape shape, double fraction, long seed) {
        int size = Math.toIntExact(shape.size());
        int keep = (int) Math.round(fraction * size);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] observed = new boolean[size];
        for (int i = 0; i < keep; i++) {
            int j = i + random.nextInt(size - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
            observed[order[i]] = true;
        }
        return observed;
    }

    /** The entries of {@code truth} where {@code observed} is true, in row-major order. */
    static Observations observe(Tensor truth, boolean[] observed) {
        Shape shape = truth.shape();
        int order = shape.order();
        int count = 0;
        for (boolean seen : observed) {
            count += seen ? 1 : 0;
        }
        int[] indexes = new int[count * order];
        double[] values = new double[count];
        int[] index = new int[order];
        int entry = 0;
        for (int i = 0; i < observed.length; i++) {
            if (observed[i]) {
                shape.index(i, index);
                System.arraycopy(index, 0, indexes, entry * order, order);
                values[entry++] = truth.getFlat(i);
            }
        }
        return Observations.of(shape, indexes, values);
    }
}
