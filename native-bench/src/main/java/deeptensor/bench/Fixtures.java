package deeptensor.bench;

import deeptensor.internal.kernel.KernelProvider;
import deeptensor.internal.kernel.Kernels;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Shared set-up for the benchmarks: the kernels under test and seeded inputs that are closed at tear-down. */
final class Fixtures implements AutoCloseable {

    private final List<AutoCloseable> owned = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(20261127L);

    /**
     * {@code simd} (the implementation the library picks, which must be the Vector API one here) or
     * {@code scalar}, with the given thread count for the SIMD kernels.
     */
    static Kernels kernels(String impl, int threads) {
        System.setProperty("deeptensor.threads", Integer.toString(threads));
        if (impl.equals("scalar")) {
            return Kernels.scalar();
        }
        Kernels kernels = KernelProvider.kernels();
        if (!kernels.name().startsWith("panama")) {
            throw new IllegalStateException("the SIMD kernels are not in use (got " + kernels.name()
                    + "): run with --add-modules jdk.incubator.vector on a CPU with 256-bit vectors");
        }
        return kernels;
    }

    /** Mode sizes from text such as {@code 128x128x128}. */
    static int[] dims(String text) {
        String[] parts = text.split("x");
        int[] dims = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Integer.parseInt(parts[i].trim());
        }
        return dims;
    }

    /**
     * A share {@code fraction} of the entries of {@code shape}, distinct, drawn with {@code seed} and
     * listed in increasing offset order: the observed entries of the training benchmarks.
     */
    static Coordinates observedEntries(Shape shape, double fraction, long seed) {
        int count = (int) Math.round(fraction * shape.size());
        long[] offsets = new SplittableRandom(seed).longs(0, shape.size()).distinct().limit(count).sorted().toArray();
        return Coordinates.ofOffsets(shape, offsets);
    }

    Tensor gaussian(int... dims) {
        return keep(Tensor.gaussian(random.nextLong(), 1.0, dims));
    }

    Tensor zeros(int... dims) {
        return keep(Tensor.zeros(dims));
    }

    Tensor[] factors(int[] rows, int... cols) {
        Tensor[] factors = new Tensor[rows.length];
        for (int n = 0; n < rows.length; n++) {
            factors[n] = gaussian(rows[n], cols.length == 1 ? cols[0] : cols[n]);
        }
        return factors;
    }

    /** {@code count} distinct-ish uniformly random coordinates into {@code dims}. */
    Coordinates coordinates(int[] dims, int count) {
        int[] flat = new int[count * dims.length];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = random.nextInt(dims[i % dims.length]);
        }
        return keep(Coordinates.of(Shape.of(dims), flat));
    }

    <T extends AutoCloseable> T keep(T resource) {
        owned.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        owned.clear();
    }
}
