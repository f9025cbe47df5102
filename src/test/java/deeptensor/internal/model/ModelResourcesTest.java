package deeptensor.internal.model;

import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import static deeptensor.internal.model.FactorLinksTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What a model, its factors, its parameters and a batch own is released by {@code close()}, after
 * sampled and dense use alike (every tensor reachable from the model's fields, found by reflection);
 * what they do not own stays open; and the arguments of the entry points are checked with their messages.
 */
class ModelResourcesTest {

    /** Every tensor reachable from {@code root} through fields of this package's classes and arrays. */
    private static List<Tensor> tensors(Object root) throws IllegalAccessException {
        List<Tensor> found = new ArrayList<>();
        collect(root, found, new IdentityHashMap<>());
        return found;
    }

    private static void collect(Object object, List<Tensor> found, Map<Object, Boolean> seen) throws IllegalAccessException {
        if (object == null || seen.put(object, Boolean.TRUE) != null) {
            return;
        }
        if (object instanceof Tensor t) {
            found.add(t);
            return;
        }
        if (object instanceof Object[] array) {
            for (Object element : array) {
                collect(element, found, seen);
            }
            return;
        }
        if (object instanceof List<?> list) {
            for (Object element : list) {
                collect(element, found, seen);
            }
            return;
        }
        Class<?> type = object.getClass();
        if (!type.getPackageName().equals("deeptensor.internal.model") || type.isEnum()) {
            return;
        }
        for (Class<?> c = type; c != null && c.getPackageName().equals("deeptensor.internal.model"); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                field.setAccessible(true);
                collect(field.get(object), found, seen);
            }
        }
    }

    @Test
    void closeReleasesEveryBufferAfterSampledAndDenseUse() throws IllegalAccessException {
        Shape shape = Shape.of(3, 2, 4);
        for (int depth = 1; depth <= 3; depth++) {
            for (ModelSpec spec : Fixtures.specs(depth)) {
                for (Evaluation evaluation : new Evaluation[] {null, Evaluation.SAMPLED, Evaluation.DENSE}) {
                    SplittableRandom random = new SplittableRandom(depth);
                    Model model = Models.build(spec, shape);
                    Coordinates at = Fixtures.coordinates(random, shape, 7);
                    Tensor targets = Fixtures.gaussian(random, 7, 1.0);
                    Batch batch = new Batch(at, targets);
                    String what = spec + ", " + (evaluation == null ? "never used" : evaluation);
                    if (evaluation != null) {
                        Fixtures.randomize(model, random, 0.5);
                        model.evaluation(evaluation).lossAndGradient(batch);
                    }
                    List<Tensor> owned = tensors(model);
                    owned.add(batch.predictions());
                    owned.add(batch.residual());
                    int expectedAtLeast = 2 + 2 + model.factors().size() * 2;
                    assertTrue(owned.size() >= expectedAtLeast, what + ": found only " + owned.size() + " buffers");
                    for (Tensor t : owned) {
                        assertTrue(t.isOpen(), what + ": a buffer is closed before close()");
                    }
                    model.close();
                    batch.close();
                    for (int i = 0; i < owned.size(); i++) {
                        assertFalse(owned.get(i).isOpen(), what + ": buffer " + i + " of shape " + owned.get(i).shape()
                                + " is still open after close()");
                    }
                    assertTrue(at.count() == 7 && targets.isOpen(), "a batch does not own its coordinates and targets");
                    at.close();
                    targets.close();
                }
            }
        }
    }

    @Test
    void parametersAreFlatNamedBlocksAndCloseTogether() {
        Parameters.Builder builder = Parameters.builder();
        assertEquals(0, builder.add("a", 2, 3));
        assertEquals(1, builder.add("b", 4));
        assertEquals(2, builder.add("c", 1, 2, 2));
        Parameters parameters = builder.build();
        assertEquals(6 + 4 + 4, parameters.size());
        assertEquals(14, parameters.values().size());
        assertEquals(14, parameters.gradients().size());
        long offset = 0;
        for (int b = 0; b < 3; b++) {
            Parameters.Block block = parameters.blocks().get(b);
            assertEquals(offset, block.offset(), block + ": blocks follow each other");
            assertEquals(Shape.of(block.dims()).size(), block.size());
            assertEquals(Shape.of(block.dims()), parameters.value(b).shape());
            assertEquals(Shape.of(block.dims()), parameters.gradient(b).shape());
            for (int j = 0; j < block.size(); j++) {
                parameters.value(b).setFlat(j, 100 * b + j);
                parameters.gradient(b).setFlat(j, -(100 * b + j));
                assertEquals(100 * b + j, parameters.values().getFlat(offset + j), block + " is a view of the flat values");
                assertEquals(-(100 * b + j), parameters.gradients().getFlat(offset + j), block + " is a view of the flat gradients");
            }
            offset += block.size();
        }
        assertEquals("b" + Shape.of(4), parameters.blocks().get(1).toString());
        assertThrows(UnsupportedOperationException.class, () -> parameters.blocks().clear());
        parameters.close();
        assertFalse(parameters.values().isOpen());
        assertFalse(parameters.gradients().isOpen());
        assertFalse(parameters.value(2).isOpen());
    }

    @Test
    void tooManyParametersAreRefusedBeforeAnythingIsAllocated() {
        Parameters.Builder builder = Parameters.builder();
        builder.add("small", 10);
        builder.add("huge", 50_000, 50_000);
        assertMessage(IllegalArgumentException.class, "a model with 2500000010 parameters is too large (at most " + Integer.MAX_VALUE
                + "); lower the ranks or the chain width", builder::build);
    }

    @Test
    void entryPointsCheckTheirArguments() {
        Shape shape = Shape.of(3, 4);
        try (CpModel cp = Models.build(CP.shallow().rank(2), shape);
             Tensor wrong = Tensor.zeros(4, 3);
             Coordinates elsewhere = Coordinates.of(Shape.of(4, 3), new int[] {0, 0});
             Tensor value = Tensor.zeros(1)) {
            assertMessage(IllegalArgumentException.class, "cannot reconstruct a model of shape 3×4 into a tensor of shape 4×3",
                    () -> cp.reconstruct(wrong));
            assertMessage(IllegalArgumentException.class, "coordinates into shape 4×3 cannot be used with a model of shape 3×4",
                    () -> cp.evaluate(elsewhere, value));
            assertMessage(IllegalArgumentException.class, "component norms of a rank-2 CP model need an array of 2, got 3",
                    () -> cp.componentNorms(new double[3]));
            assertMessage(IllegalArgumentException.class, "component norms of a rank-2 CP model need an array of 2, got 1",
                    () -> cp.componentNorms(new double[1]));
            assertSame(cp, cp.evaluation(Evaluation.DENSE), "evaluation() returns the model for chaining");
            assertThrows(UnsupportedOperationException.class, () -> cp.factors().set(0, null));
        }
        // package-level builders check the shape themselves
        assertMessage(IllegalArgumentException.class, "a CP model needs a tensor of order at least 2, got shape 7",
                () -> CpModel.create(Shape.of(7), 1, FactorForm.direct()));
        assertMessage(IllegalArgumentException.class, "a Tucker model needs a tensor of order at least 2, got shape 7",
                () -> TuckerModel.create(Shape.of(7), new int[] {1}, FactorForm.direct()));
        assertMessage(IllegalArgumentException.class, "a tensor-train model needs a tensor of order at least 2, got shape 7",
                () -> Models.build(TensorTrain.shallow().ranks(1, 1), Shape.of(7)));
        assertMessage(IllegalArgumentException.class, "a tensor-train model cannot fit shape 3×0: mode 1 is empty",
                () -> Models.build(TensorTrain.shallow().ranks(1, 1, 1), Shape.of(3, 0)));
        // an all-empty shape: the default CP rank would divide by zero
        assertMessage(IllegalArgumentException.class, "a CP model cannot fit shape 0×0: mode 0 is empty",
                () -> Models.build(CP.shallow(), Shape.of(0, 0)));
    }

    @Test
    void batchesCheckTheirTargetsAndCount() {
        Shape shape = Shape.of(3, 4);
        try (Coordinates two = Coordinates.of(shape, new int[] {0, 0, 2, 3});
             Coordinates none = Coordinates.of(shape, new int[0]);
             Tensor three = Tensor.zeros(3);
             Tensor matrix = Tensor.zeros(2, 1);
             Tensor empty = Tensor.zeros(0);
             Tensor targets = Tensor.of(new double[] {1, 2}, 2)) {
            assertMessage(IllegalArgumentException.class, "a batch of 2 coordinates needs a vector of 2 target values, got shape 3",
                    () -> new Batch(two, three));
            assertMessage(IllegalArgumentException.class, "a batch of 2 coordinates needs a vector of 2 target values, got shape 2×1",
                    () -> new Batch(two, matrix));
            assertMessage(IllegalArgumentException.class, "a batch needs at least one observed entry (coordinates into 3×4)",
                    () -> new Batch(none, empty));
            try (Batch batch = new Batch(two, targets)) {
                assertEquals(2, batch.size());
                assertSame(two, batch.coordinates());
                assertSame(targets, batch.targets());
                assertEquals(Shape.of(2), batch.predictions().shape());
                assertEquals(Shape.of(2), batch.residual().shape());
                assertFalse(batch.predictions().segment().asOverlappingSlice(batch.residual().segment()).isPresent());
            }
        }
    }
}
