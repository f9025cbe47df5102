package deeptensor.internal.kernel.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Scratch memory owned by one thread and reused by every kernel call on that thread: packed GEMM
 * panels and the small intermediates of the sampled evaluations.
 *
 * <p>Why per thread and reused: a fresh page costs far more than the arithmetic of a small kernel
 * call (first touch is slow on this kind of machine), so buffers are sized on first need, grow
 * geometrically when a larger call comes, and are never released while the thread lives. They are
 * off-heap (automatic arena, freed by the garbage collector with the thread) so the hot loops see
 * one kind of segment only. In steady state a call allocates nothing.
 */
final class Workspace {

    /** Buffer slots; each kernel documents which ones it uses, so nested uses never collide. */
    static final int PACK_B = 0;
    static final int SCRATCH_1 = 1;
    static final int SCRATCH_2 = 2;
    static final int SCRATCH_3 = 3;
    static final int SCRATCH_4 = 4;
    static final int TILE = 5;
    private static final int SLOTS = 6;

    private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(Workspace::new);

    private final MemorySegment[] buffers = new MemorySegment[SLOTS];

    private Workspace() {
    }

    /** The workspace of the calling thread. */
    static Workspace current() {
        return CURRENT.get();
    }

    /**
     * A 64-byte-aligned buffer of at least {@code doubles} elements in {@code slot}. Its content is
     * whatever the last user left: callers initialise what they read.
     */
    MemorySegment get(int slot, long doubles) {
        long bytes = Math.max(1, doubles) * Double.BYTES;
        MemorySegment buffer = buffers[slot];
        if (buffer == null || buffer.byteSize() < bytes) {
            long grown = Math.max(bytes, buffer == null ? 0 : buffer.byteSize() + buffer.byteSize() / 2);
            buffer = Arena.ofAuto().allocate(grown, 64);
            buffers[slot] = buffer;
        }
        return buffer;
    }
}
