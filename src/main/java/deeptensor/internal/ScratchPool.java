package deeptensor.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * A lock-free pool of reusable scratch objects for code that many threads call at once (serving
 * predictions). Unlike a concurrent queue it allocates nothing to borrow or return: the pool is a
 * fixed array of slots, and an object moves in and out of a slot by compare-and-set. When every
 * slot is empty a borrower gets {@code null} and makes its own; when every slot is full a returned
 * object is handed back to the caller to close. So at most {@code slots} objects are kept, and in
 * steady state (no more concurrent borrowers than slots) nothing is made or closed.
 *
 * <p>Public only so that the library's packages can share it: {@code deeptensor.internal} is not
 * exported.
 */
public final class ScratchPool<T> {

    private final AtomicReferenceArray<T> slots;

    /** A pool of {@code 2 × available processors} slots (at least 8). */
    public ScratchPool() {
        this(Math.max(8, 2 * Runtime.getRuntime().availableProcessors()));
    }

    public ScratchPool(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("a pool needs at least one slot, got " + slots);
        }
        this.slots = new AtomicReferenceArray<>(slots);
    }

    /** An object from the pool, or null when the pool is empty. Allocates nothing. */
    public T borrow() {
        for (int i = 0; i < slots.length(); i++) {
            T held = slots.get(i);
            if (held != null && slots.compareAndSet(i, held, null)) {
                return held;
            }
        }
        return null;
    }

    /**
     * Puts {@code object} back; returns true if the pool kept it, false if every slot was full (the
     * caller then still owns it and should close it). Allocates nothing.
     */
    public boolean giveBack(T object) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, object)) {
                return true;
            }
        }
        return false;
    }

    /** Empties the pool, handing each object to {@code release} (for example to close it). */
    public void drain(Consumer<? super T> release) {
        for (int i = 0; i < slots.length(); i++) {
            T held = slots.getAndSet(i, null);
            if (held != null) {
                release.accept(held);
            }
        }
    }
}
