package deeptensor.tensor;

/**
 * Refuses allocations the machine cannot hold before any memory is touched, so that a hostile or
 * mistaken shape gives a clear message instead of an {@link OutOfMemoryError} or a long swap storm.
 */
final class MemoryBudget {

    private static final long PHYSICAL_BYTES = physicalMemoryBytes();

    private MemoryBudget() {
    }

    /** The byte size of a tensor of this shape, after checking it can be allocated here. */
    static long checkAllocatable(Shape shape) {
        long bytes = shape.size() * Double.BYTES; // cannot overflow: Shape caps size at MAX_ELEMENTS
        if (bytes > PHYSICAL_BYTES) {
            throw new IllegalArgumentException("a tensor of shape " + shape + " needs " + bytes
                    + " bytes, more than this machine's " + PHYSICAL_BYTES + " bytes of memory");
        }
        return bytes;
    }

    private static long physicalMemoryBytes() {
        try {
            java.lang.management.OperatingSystemMXBean bean =
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (bean instanceof com.sun.management.OperatingSystemMXBean platform) {
                long total = platform.getTotalMemorySize();
                if (total > 0) {
                    return total;
                }
            }
        } catch (LinkageError | RuntimeException unavailable) {
            // jdk.management is optional: fall back to the allocator's own refusal.
        }
        return Long.MAX_VALUE;
    }
}
