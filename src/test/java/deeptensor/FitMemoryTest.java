package deeptensor;

import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.internal.model.Batch;
import deeptensor.model.CP;
import deeptensor.internal.model.Evaluation;
import deeptensor.internal.model.Model;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.OffHeapMemory;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fit's memory estimate against what is really allocated (the library's own count is the
 * oracle), and the refusal of a fit that cannot fit, in a JVM with a small -XX:MaxDirectMemorySize.
 */
class FitMemoryTest {

    private static Coordinates randomEntries(Shape shape, int m, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        java.util.LinkedHashSet<Long> offsets = new java.util.LinkedHashSet<>();
        while (offsets.size() < m) {
            offsets.add(random.nextLong(shape.size()));
        }
        int[] flat = new int[m * shape.order()];
        int e = 0;
        for (long offset : offsets) {
            long rest = offset;
            for (int n = shape.order() - 1; n >= 0; n--) {
                flat[e * shape.order() + n] = (int) (rest % shape.dim(n));
                rest /= shape.dim(n);
            }
            e++;
        }
        return Coordinates.of(shape, flat);
    }

    /** The buffers a model announces are exactly what training and reconstruction allocate (then nothing more). */
    @Test
    void bufferBytesAreWhatTheFirstGradientAndReconstructionAllocate() {
        Shape shape = Shape.of(9, 7, 5);
        List<Model> models = List.of(
                Models.build(Tucker.shallow().ranks(3, 4, 2), shape).evaluation(Evaluation.DENSE),
                Models.build(Tucker.shallow().ranks(3, 4, 2), shape).evaluation(Evaluation.SAMPLED),
                Models.build(Tucker.deep(2).ranks(5, 5, 5), shape).evaluation(Evaluation.DENSE),
                Models.build(CP.shallow().rank(3), shape).evaluation(Evaluation.DENSE),
                Models.build(CP.shallow().rank(3), shape).evaluation(Evaluation.SAMPLED),
                Models.build(TensorTrain.shallow().ranks(1, 3, 2, 1), shape).evaluation(Evaluation.DENSE),
                Models.build(TensorTrain.shallow().ranks(1, 3, 2, 1), shape).evaluation(Evaluation.SAMPLED),
                Models.build(TensorTrain.shallow().ranks(1, 3, 4, 2, 1), Shape.of(3, 4, 5, 2)).evaluation(Evaluation.DENSE));
        for (Model model : models) {
            try (model; Coordinates at = randomEntries(model.shape(), 40, 3); Tensor targets = Tensor.gaussian(4, 1.0, 40);
                 Batch batch = new Batch(at, targets)) {
                Initializer.gaussian(0.3).initialize(model, 1);
                long before = OffHeapMemory.inUse();
                model.lossAndGradient(batch);
                try (Tensor whole = Tensor.zeros(model.shape())) {
                    model.reconstruct(whole);
                    model.lossAndGradient(batch);
                }
                long allocated = OffHeapMemory.inUse() - before;
                assertEquals(allocated, model.bufferBytes(40), model.describe() + ", dense " + model.usesDense(40));
            }
        }
    }

    @Test
    void theDefaultEstimateCountsTheFullTensorTwice() {
        Shape shape = Shape.of(40, 30, 20);
        FitMemory memory = FitMemory.ofDefault(shape, 1000);
        assertTrue(memory.bytes() >= 2 * shape.size() * Double.BYTES + 1000L * 8 * Double.BYTES, Long.toString(memory.bytes()));
    }

    /** Run with a small MaxDirectMemorySize: a default fit and an explicit dense fit that cannot fit. */
    public static final class Probe {
        public static void main(String[] args) {
            Shape shape = Shape.of(200, 200, 100); // 32 MB per full tensor
            try (Coordinates at = randomEntries(shape, 2000, 1); Tensor values = Tensor.gaussian(2, 1.0, 2000)) {
                try {
                    Completion.of(at, values).fit().close();
                    System.out.println("default: fitted");
                } catch (IllegalArgumentException refused) {
                    System.out.println("default: " + refused.getMessage());
                }
                try {
                    Completion.of(at, values).model(Tucker.shallow().ranks(50, 50, 50)).maxSteps(1).fit().close();
                    System.out.println("tucker: fitted");
                } catch (IllegalArgumentException refused) {
                    System.out.println("tucker: " + refused.getMessage());
                }
            }
            System.out.println("held after: " + OffHeapMemory.inUse());
        }
    }

    @Test
    void aFitThatCannotFitIsRefusedAtOnceWithTheEstimate() throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxDirectMemorySize=48m", "-cp", System.getProperty("java.class.path"), Probe.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), output);
        List<String> lines = output.lines().filter(line -> line.startsWith("default:") || line.startsWith("tucker:") || line.startsWith("held")).toList();
        assertEquals(3, lines.size(), output);
        String prefix = "completing a tensor of shape " + Shape.of(200, 200, 100) + " needs about ";
        assertTrue(lines.get(0).startsWith("default: " + prefix), output);
        assertTrue(lines.get(0).contains("the completed tensor 32.0 MB, one fit of the average 32.0 MB")
                && lines.get(0).contains("limit 50.3 MB, -XX:MaxDirectMemorySize") && lines.get(0).endsWith("or complete a smaller tensor"), output);
        assertTrue(lines.get(1).startsWith("tucker: " + prefix), output);
        assertTrue(lines.get(1).contains("the model's buffers") && lines.get(1).endsWith("raise -XX:MaxDirectMemorySize"), output);
        assertEquals("held after: 0", lines.get(2), "a refused fit holds nothing: " + output);
    }
}
