package deeptensor.internal.model;

import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random shapes, observation sets and parameters for the model tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** A random shape of the given order with every mode in {@code [lo, hi]}. */
    static Shape shape(SplittableRandom random, int order, int lo, int hi) {
        int[] dims = new int[order];
        for (int n = 0; n < order; n++) {
            dims[n] = random.nextInt(lo, hi + 1);
        }
        return Shape.of(dims);
    }

    /** {@code m} distinct random coordinates (uniform without replacement). */
    static Coordinates coordinates(SplittableRandom random, Shape shape, int m) {
        long size = shape.size();
        if (m > size) {
            throw new IllegalArgumentException(m + " entries do not fit in " + shape);
        }
        List<Long> all = new ArrayList<>();
        for (long i = 0; i < size; i++) {
            all.add(i);
        }
        long[] offsets = new long[m];
        for (int e = 0; e < m; e++) {
            int pick = random.nextInt(e, (int) size);
            Long chosen = all.get(pick);
            all.set(pick, all.get(e));
            all.set(e, chosen);
            offsets[e] = chosen;
        }
        return Coordinates.ofOffsets(shape, offsets);
    }

    /** A vector of {@code m} standard normal values. */
    static Tensor gaussian(SplittableRandom random, int m, double std) {
        Tensor t = Tensor.zeros(m);
        for (int e = 0; e < m; e++) {
            t.setFlat(e, std * random.nextGaussian());
        }
        return t;
    }

    /** Fills every parameter with N(0, std²). */
    static void randomize(Model model, SplittableRandom random, double std) {
        Tensor values = model.parameters().values();
        for (int i = 0; i < values.size(); i++) {
            values.setFlat(i, std * random.nextGaussian());
        }
    }

    /** The specs of every model × form at {@code depth}: direct at depth 1, shared and column chains above. */
    static List<ModelSpec> specs(int depth) {
        List<FactorForm> forms = depth == 1
                ? List.of(FactorForm.direct())
                : List.of(FactorForm.sharedChain(depth), FactorForm.columnChains(depth));
        List<ModelSpec> specs = new ArrayList<>();
        for (FactorForm form : forms) {
            specs.add(CP.shallow().factorForm(form).rank(3));
            specs.add(Tucker.shallow().factorForm(form));
            specs.add(TensorTrain.shallow().factorForm(form));
        }
        return specs;
    }
}
