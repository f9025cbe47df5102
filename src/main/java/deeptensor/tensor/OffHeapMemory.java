package deeptensor.tensor;

/**
 * The off-heap memory the library holds, and its limit. Every {@link Tensor} and
 * {@link Coordinates} lives off the Java heap; the library counts those bytes itself and refuses an
 * allocation that would pass the limit with an {@link IllegalArgumentException} (before touching
 * memory) instead of failing inside the allocator.
 *
 * <p>The limit is {@code -XX:MaxDirectMemorySize} when the JVM was started with it, else the
 * machine's physical memory. (The JVM itself applies {@code MaxDirectMemorySize} only to direct
 * byte buffers, not to the memory segments the library uses; the library applies it to its own
 * allocations so that one flag bounds both.) Small per-thread scratch buffers of the SIMD kernels
 * (a few hundred kilobytes per thread) are not counted.
 *
 * <p>Thread-safe; every method is a read of one or two counters.
 */
public final class OffHeapMemory {

    private OffHeapMemory() {
    }

    /** Bytes held now by open tensors and coordinates, across all threads. */
    public static long inUse() {
        return MemoryBudget.inUse();
    }

    /** The most the library will hold at once, in bytes ({@link Long#MAX_VALUE} if unknown). */
    public static long limit() {
        return MemoryBudget.limitBytes();
    }

    /** Bytes that can still be allocated before the limit: {@code limit() - inUse()}, never negative. */
    public static long available() {
        return Math.max(0, limit() - inUse());
    }

    /** Where {@link #limit()} comes from: {@code "-XX:MaxDirectMemorySize"} or "this machine's physical memory". */
    public static String limitSource() {
        return MemoryBudget.limitSource();
    }

    /** A byte count for people: {@code 512 B}, {@code 3.4 MB}, {@code 1.25 GB} (powers of 1000). */
    public static String format(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "unlimited";
        }
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return (value >= 100 ? String.format("%.0f", value) : value >= 10 ? String.format("%.1f", value) : String.format("%.2f", value)) + " " + units[unit];
    }
}
