package deeptensor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScratchPoolTest {

    @Test
    void keepsAtMostItsSlotsAndHandsEachObjectBackOnce() {
        ScratchPool<Object> pool = new ScratchPool<>(2);
        assertNull(pool.borrow(), "an empty pool has nothing to lend");
        Object a = new Object(), b = new Object(), c = new Object();
        assertTrue(pool.giveBack(a));
        assertTrue(pool.giveBack(b));
        assertFalse(pool.giveBack(c), "a full pool leaves the object with the caller");
        Set<Object> lent = new HashSet<>();
        lent.add(pool.borrow());
        lent.add(pool.borrow());
        assertEquals(Set.of(a, b), lent);
        assertNull(pool.borrow());
        pool.giveBack(c);
        List<Object> drained = new ArrayList<>();
        pool.drain(drained::add);
        assertEquals(List.of(c), drained);
        assertNull(pool.borrow());
        assertThrows(IllegalArgumentException.class, () -> new ScratchPool<>(0));
    }

    /** Many threads borrowing and returning never hold the same object at once. */
    @Test
    void noObjectIsLentToTwoThreadsAtOnce() throws Exception {
        ScratchPool<AtomicBoolean> pool = new ScratchPool<>(3);
        AtomicInteger made = new AtomicInteger();
        AtomicInteger clashes = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                work.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        AtomicBoolean held = pool.borrow();
                        if (held == null) {
                            held = new AtomicBoolean();
                            made.incrementAndGet();
                        }
                        if (!held.compareAndSet(false, true)) {
                            clashes.incrementAndGet();
                        }
                        Thread.onSpinWait();
                        held.set(false);
                        pool.giveBack(held);
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        assertEquals(0, clashes.get(), "an object was lent twice at once");
        assertTrue(made.get() >= 1);
        AtomicInteger left = new AtomicInteger();
        pool.drain(x -> left.incrementAndGet());
        assertTrue(left.get() <= 3, "the pool keeps at most its slots");
        assertSame(null, pool.borrow());
    }
}
