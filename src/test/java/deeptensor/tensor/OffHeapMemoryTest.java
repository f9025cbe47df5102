package deeptensor.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The library counts its off-heap bytes and applies {@code -XX:MaxDirectMemorySize} to them (the
 * JVM applies that flag only to direct buffers, not to arena-allocated segments).
 */
class OffHeapMemoryTest {

    @Test
    void everyAllocationIsCountedUntilItIsClosed() {
        long before = OffHeapMemory.inUse();
        Tensor tensor = Tensor.zeros(10, 7);
        assertEquals(before + 10 * 7 * Double.BYTES, OffHeapMemory.inUse());
        Tensor view = tensor.slice(2);
        view.close();
        assertEquals(before + 10 * 7 * Double.BYTES, OffHeapMemory.inUse(), "closing a view releases nothing");
        Coordinates at = Coordinates.of(Shape.of(4, 5), new int[] {0, 1, 3, 4, 2, 2});
        assertEquals(before + 10 * 7 * Double.BYTES + 6 * Integer.BYTES, OffHeapMemory.inUse());
        tensor.close();
        tensor.close();
        at.close();
        at.close();
        assertEquals(before, OffHeapMemory.inUse(), "closing twice releases once");
        assertEquals(Math.max(0, OffHeapMemory.limit() - before), OffHeapMemory.available());
    }

    @Test
    void bytesAreFormattedForPeople() {
        assertEquals("999 B", OffHeapMemory.format(999));
        assertEquals("1.00 kB", OffHeapMemory.format(1000));
        assertEquals("67.1 MB", OffHeapMemory.format(64L << 20));
        assertEquals("216 MB", OffHeapMemory.format(216_000_000L));
        assertEquals("unlimited", OffHeapMemory.format(Long.MAX_VALUE));
    }

    @Test
    void aRefusedAllocationHoldsNothing() {
        long before = OffHeapMemory.inUse();
        long limit = OffHeapMemory.limit();
        org.junit.jupiter.api.Assumptions.assumeTrue(limit < Long.MAX_VALUE / 2, "no memory limit is known here");
        int rows = (int) Math.min(Integer.MAX_VALUE, limit / Double.BYTES / (1 << 16) + 1);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(rows, 1 << 16));
        assertTrue(refused.getMessage().startsWith("a tensor of shape " + Shape.of(rows, 1 << 16) + " needs "), refused.getMessage());
        assertEquals(before, OffHeapMemory.inUse());
    }

    /** Run in a JVM of its own with a small {@code MaxDirectMemorySize}: prints what it was allowed. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("limit " + OffHeapMemory.limit() + " from " + OffHeapMemory.limitSource());
            try (Tensor fits = Tensor.zeros(1 << 20, 6)) { // 48 MiB of the 64
                System.out.println("allocated " + fits.size() * Double.BYTES);
                try (Tensor more = Tensor.zeros(1 << 20, 3)) { // 24 MiB more: over the limit
                    System.out.println("allocated past the limit " + more.size());
                } catch (IllegalArgumentException refused) {
                    System.out.println("refused: " + refused.getMessage());
                }
            }
            try (Tensor again = Tensor.zeros(1 << 20, 7)) { // 56 MiB fits once the first is closed
                System.out.println("allocated after close " + again.size() * Double.BYTES);
            }
        }
    }

    @Test
    void maxDirectMemorySizeBoundsTheLibrary() throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxDirectMemorySize=64m", "-cp", System.getProperty("java.class.path"), Probe.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), output);
        List<String> lines = output.lines().filter(line -> !line.startsWith("WARNING")).toList();
        assertEquals("limit " + (64L << 20) + " from -XX:MaxDirectMemorySize", lines.get(0), output);
        assertEquals("allocated " + (48L << 20), lines.get(1), output);
        assertEquals("refused: a tensor of shape " + Shape.of(1 << 20, 3) + " needs 25.2 MB, but the limit of off-heap memory is 67.1 MB"
                + " (-XX:MaxDirectMemorySize) and the library already holds 50.3 MB of it; raise -XX:MaxDirectMemorySize or use smaller data",
                lines.get(2), output);
        assertEquals("allocated after close " + (56L << 20), lines.get(3), output);
    }
}
