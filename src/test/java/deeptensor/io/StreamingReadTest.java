package deeptensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code .npy} array larger than the Java heap is read: proof that the data is streamed into
 * off-heap memory without a heap copy of the whole array. The read runs in a child JVM with a
 * small heap.
 */
class StreamingReadTest {

    private static final int ROWS = 3000;
    private static final int COLS = 4000; // 12 M elements: 48 MB as >f4 on disk, 96 MB as doubles

    @TempDir
    Path dir;

    /**
     * Child JVM entry point. With one argument: reads the file and prints the sum of element value
     * × (offset mod 7). With "observations" second: tries to read the file as observations, which
     * needs more heap than the child has, and prints the refusal.
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 1) {
            try (var observations = TensorFiles.readObservations(Path.of(args[0]), SparseOptions.defaults())) {
                System.out.println("unexpectedly read " + observations);
            } catch (FormatException refused) {
                System.out.println("refused " + refused.getMessage());
            }
            return;
        }
        try (Tensor tensor = Npy.read(Path.of(args[0]))) {
            double sum = 0;
            for (long k = 0; k < tensor.size(); k++) {
                sum += tensor.getFlat(k) * (k % 7);
            }
            System.out.println("max heap " + Runtime.getRuntime().maxMemory() + " sum " + sum);
        }
    }

    /** Row-major element k holds k mod 1000 (exact in float); the file stores it column-major, big-endian. */
    private void writeFortranFile(Path file) throws IOException {
        String header = NpyBytes.header(1, ">f4", true, ROWS, COLS);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(NpyBytes.raw(1, header, new byte[0]));
            ByteBuffer column = ByteBuffer.allocate(ROWS * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
            for (int j = 0; j < COLS; j++) {
                column.clear();
                for (int i = 0; i < ROWS; i++) {
                    column.putFloat(((long) i * COLS + j) % 1000);
                }
                out.write(column.array());
            }
        }
    }

    private static String runChild(String... args) throws Exception {
        String launcher = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(launcher, "-Xmx24m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StreamingReadTest.class.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        child.waitFor(300, TimeUnit.SECONDS);
        assertEquals(0, child.exitValue(), output);
        return output.strip();
    }

    @Test
    void observationsNeedingMoreHeapThanThereIsAreRefusedWithAMessage() throws Exception {
        Path file = dir.resolve("large.npy");
        writeFortranFile(file);
        String output = runChild(file.toString(), "observations"); // 12 M entries stage 192 MB on a 24 MB heap
        assertEquals(true, output.startsWith("refused " + file + ": ") && output.contains("-Xmx"), output);
    }

    @Test
    void anArrayLargerThanTheHeapIsReadIntoOffHeapMemory() throws Exception {
        Path file = dir.resolve("large.npy");
        writeFortranFile(file);
        double expected = 0;
        for (long k = 0; k < (long) ROWS * COLS; k++) {
            expected += (k % 1000) * (k % 7);
        }
        String output = runChild(file.toString());
        String[] words = output.strip().split(" ");
        long heap = Long.parseLong(words[2]);
        assertEquals(true, heap < (long) ROWS * COLS * Double.BYTES / 2, "the child's heap (" + heap
                + " bytes) must be far smaller than the array");
        assertEquals(expected, Double.parseDouble(words[4]), output);
    }
}
