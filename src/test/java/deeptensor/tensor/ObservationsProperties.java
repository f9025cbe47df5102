package deeptensor.tensor;

import deeptensor.internal.train.Split;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import deeptensor.testing.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ObservationsProperties {

    /** A random tensor of order 1..4 (sizes 1..6) with about {@code missing} of its entries NaN. */
    static Tensor randomDense(long seed, double missing) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] dims = new int[1 + random.nextInt(4)];
        for (int mode = 0; mode < dims.length; mode++) {
            dims[mode] = 1 + random.nextInt(6);
        }
        Tensor dense = Tensor.gaussian(seed, 1.0, dims);
        for (long i = 0; i < dense.size(); i++) {
            if (random.nextDouble() < missing) {
                dense.setFlat(i, Double.NaN);
            }
        }
        return dense;
    }

    @Test
    void fromDenseThenToDenseIsTheIdentity() {
        Properties.qt(200).forAll(longs().all(), doubles().between(0, 1)).checkAssert((seed, missing) -> {
            try (Tensor dense = randomDense(seed, missing);
                    Observations observed = Observations.fromDense(dense);
                    Tensor back = observed.toDense()) {
                assertArrayEquals(dense.toArray(), back.toArray()); // assertArrayEquals treats NaN as equal to NaN
                long present = Arrays.stream(dense.toArray()).filter(v -> !Double.isNaN(v)).count();
                assertEquals(present, observed.count());
                assertEquals((double) present / dense.size(), observed.fraction());
            }
        });
    }

    @Test
    void maskedConstructionAgreesWithNaNConstruction() {
        Properties.qt(200).forAll(longs().all()).checkAssert((seed) -> {
            try (Tensor withNaN = randomDense(seed, 0.4);
                    Observations byNaN = Observations.fromDense(withNaN);
                    Tensor mask = byNaN.mask();
                    Tensor filled = Tensor.zeros(withNaN.shape())) {
                for (long i = 0; i < filled.size(); i++) {
                    filled.setFlat(i, Double.isNaN(withNaN.getFlat(i)) ? 123.0 : withNaN.getFlat(i));
                }
                try (Observations byMask = Observations.fromDense(filled, mask)) {
                    assertArrayEquals(ObservationsTest.offsets(byNaN), ObservationsTest.offsets(byMask));
                    assertArrayEquals(byNaN.values().toArray(), byMask.values().toArray());
                }
            }
        });
    }

    @Test
    void splitPartitionsTheEntriesKeepingOrderAndValues() {
        Properties.qt(200).forAll(longs().all(), doubles().between(0, 0.999), integers().between(0, 5)).checkAssert((seed, fraction, missingTenths) -> {
            try (Tensor dense = randomDense(seed, missingTenths / 10.0);
                    Observations all = Observations.fromDense(dense)) {
                long held = fraction > 0 ? Math.max(1, Math.round(fraction * all.count())) : 0;
                if (all.count() - held < 1) {
                    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Split.of(all, fraction, seed),
                            "a split that leaves nothing to train on is refused");
                    return;
                }
                try (Split split = Split.of(all, fraction, seed)) {
                Observations train = split.train();
                Observations validation = split.validation();
                assertEquals(held, validation.count());
                assertEquals(all.count(), train.count() + validation.count());
                long[] merged = new long[all.count()];
                long[] trainOffsets = ObservationsTest.offsets(train);
                long[] validationOffsets = ObservationsTest.offsets(validation);
                System.arraycopy(trainOffsets, 0, merged, 0, trainOffsets.length);
                System.arraycopy(validationOffsets, 0, merged, trainOffsets.length, validationOffsets.length);
                Arrays.sort(merged);
                assertArrayEquals(ObservationsTest.offsets(all), merged, "disjoint, and together the whole");
                assertTrue(isIncreasing(trainOffsets) && isIncreasing(validationOffsets), "original order kept");
                for (Observations part : new Observations[] {train, validation}) {
                    for (int i = 0; i < part.count(); i++) {
                        assertEquals(dense.getFlat(part.offset(i)), part.value(i));
                    }
                }
                }
            }
        });
    }

    private static boolean isIncreasing(long[] values) {
        for (int i = 1; i < values.length; i++) {
            if (values[i] <= values[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
