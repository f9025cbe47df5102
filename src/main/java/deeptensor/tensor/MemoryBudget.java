package deeptensor.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the off-heap bytes the library holds and refuses an allocation that would pass the limit,
 * before any memory is touched, so that a hostile or mistaken shape gives a clear message instead
 * of an {@link OutOfMemoryError}, a crash of the JVM or a long swap storm.
 *
 * <p>Memory allocated through an {@link java.lang.foreign.Arena} is not counted by the JVM against
 * {@code -XX:MaxDirectMemorySize} (only direct byte buffers are), so the library counts its own:
 * every {@link Tensor} and {@link Coordinates} reserves its bytes here when it is made and returns
 * them when it is closed. The limit is {@code -XX:MaxDirectMemorySize} when it is given on the
 * command line, else the machine's physical memory. Cost: one atomic add per allocation and per
 * close; nothing on the paths that read or write elements.
 */
final class MemoryBudget {

    private static final Limit LIMIT = Limit.detect();
    private static final AtomicLong IN_USE = new AtomicLong();

    private MemoryBudget() {
    }

    /** Where the limit comes from, for messages. */
    record Limit(long bytes, String source) {
        static Limit detect() {
            long physical = physicalMemoryBytes();
            long explicit = explicitMaxDirectMemory();
            if (explicit > 0) {
                return new Limit(explicit, "-XX:MaxDirectMemorySize");
            }
            if (physical < Long.MAX_VALUE) {
                return new Limit(physical, "this machine's physical memory");
            }
            return new Limit(Long.MAX_VALUE, "no limit known");
        }
    }

    static long limitBytes() {
        return LIMIT.bytes();
    }

    static String limitSource() {
        return LIMIT.source();
    }

    static long inUse() {
        return IN_USE.get();
    }

    /**
     * Reserves {@code bytes} for {@code what} (a description for the message), or refuses with an
     * {@link IllegalArgumentException} saying how much is needed, held and allowed.
     */
    static void reserve(long bytes, String what) {
        long limit = LIMIT.bytes();
        while (true) {
            long held = IN_USE.get();
            if (bytes > limit - held) {
                throw new IllegalArgumentException(what + " needs " + OffHeapMemory.format(bytes) + ", but the limit of off-heap memory is "
                        + OffHeapMemory.format(limit) + " (" + LIMIT.source() + ")"
                        + (held > 0 ? " and the library already holds " + OffHeapMemory.format(held) + " of it" : "")
                        + (LIMIT.source().startsWith("-XX") ? "; raise -XX:MaxDirectMemorySize or use smaller data" : "; use smaller data"));
            }
            if (IN_USE.compareAndSet(held, held + bytes)) {
                return;
            }
        }
    }

    static void release(long bytes) {
        IN_USE.addAndGet(-bytes);
    }

    /** The byte size of a tensor of this shape, reserved against the limit. */
    static long reserveTensor(Shape shape) {
        long bytes = shape.size() * Double.BYTES; // cannot overflow: Shape caps size at MAX_ELEMENTS
        reserve(bytes, "a tensor of shape " + shape);
        return bytes;
    }

    private static long explicitMaxDirectMemory() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean diagnostics = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (diagnostics != null) {
                com.sun.management.VMOption option = diagnostics.getVMOption("MaxDirectMemorySize");
                if (option.getOrigin() != com.sun.management.VMOption.Origin.DEFAULT) {
                    return Long.parseLong(option.getValue());
                }
            }
        } catch (LinkageError | RuntimeException unavailable) {
            // jdk.management is optional: then only the physical memory bounds allocations.
        }
        return 0;
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
