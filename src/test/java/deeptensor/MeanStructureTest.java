package deeptensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MeanStructureTest {

    /** Every entry of a shape observed, with the given value function. */
    private static Tensor fill(Shape shape, java.util.function.ToDoubleFunction<int[]> f) {
        Tensor t = Tensor.zeros(shape.size() > Integer.MAX_VALUE ? 0 : (int) shape.size());
        int[] index = new int[shape.order()];
        for (long o = 0; o < shape.size(); o++) {
            t.setFlat(o, f.applyAsDouble(index));
            for (int n = index.length - 1; n >= 0 && ++index[n] == shape.dim(n); n--) {
                index[n] = 0;
            }
        }
        return t;
    }

    @Test
    void mainEffectsReproduceAdditiveDataUpToTheirShrinkage() {
        // Fully observed additive data: each effect is estimated from count entries (at least
        // 40·30 = 1200) with one pseudo-observation pulling it to 0, so each of the three is off by
        // about |effect|/(count + 1) ≤ 1/1201.
        Shape shape = Shape.of(30, 40, 50);
        SplittableRandom random = new SplittableRandom(3);
        double[] a = random.doubles(30, -1, 1).toArray(), b = random.doubles(40, -1, 1).toArray(), c = random.doubles(50, -1, 1).toArray();
        try (Coordinates at = Coordinates.ofOffsets(shape, java.util.stream.LongStream.range(0, shape.size()).toArray());
             Tensor y = fill(shape, i -> 5 + a[i[0]] + b[i[1]] + c[i[2]]);
             Tensor completed = Tensor.zeros(shape)) {
            MeanStructure effects = MeanStructure.mainEffects(at, y);
            effects.addTo(completed);
            for (long o = 0; o < y.size(); o++) {
                assertEquals(y.getFlat(o), completed.getFlat(o), 3.0 / 1201, "entry " + o);
            }
        }
    }

    @Test
    void fibreMeansAreTheMeansAlongTheModeShrunkTowardTheGlobalMean() {
        Shape shape = Shape.of(6, 3, 2);
        try (Coordinates at = Coordinates.ofOffsets(shape, java.util.stream.LongStream.range(0, shape.size()).toArray());
             Tensor y = fill(shape, i -> i[0] + 10 * i[1] + 100 * i[2])) {
            MeanStructure global = MeanStructure.globalMean(at, y);
            MeanStructure fibres = MeanStructure.fibreMeans(at, y, 0, global);
            double mu = ((MeanStructure.Global) global).mean;
            for (int e = 0; e < at.count(); e++) {
                int j = at.index(e, 1), k = at.index(e, 2);
                double fibreMean = 2.5 + 10 * j + 100 * k; // mean of i over 0..5
                double expected = mu + 6 * (fibreMean - mu) / (6 + MeanStructure.SHRINKAGE);
                assertEquals(expected, fibres.at(at, e), 1e-12);
            }
        }
    }
}
