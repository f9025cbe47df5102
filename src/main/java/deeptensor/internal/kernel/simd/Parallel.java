package deeptensor.internal.kernel.simd;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Splits a kernel into independent chunks and runs them on the calling thread plus up to
 * {@code threads - 1} helper threads.
 *
 * <p>Chunks are claimed from a shared counter, so the caller keeps working when a helper is slow
 * to start or its core is busy (the second vCPU here is shared): the result never depends on which
 * thread ran which chunk, because chunks write disjoint outputs and each is computed in the same
 * order as on one thread. Kernels decide by a size threshold whether to split at all; a kernel
 * called from a helper thread never splits again (no nested waits, no deadlock).
 *
 * <p>Helpers are daemon threads from one cached pool shared by all kernel instances; idle ones
 * exit after a minute. Splitting allocates a few small objects (counter, latch, tasks) per call;
 * the single-threaded path allocates nothing.
 */
final class Parallel {

    private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
        Thread thread = new Helper(task);
        thread.setDaemon(true);
        return thread;
    });

    private static final class Helper extends Thread {
        Helper(Runnable task) {
            super(task, "deeptensor-kernel");
        }
    }

    private final int threads;
    private final double threshold;

    /** Up to {@code threads} threads for work of at least {@code threshold} flops ({@link #SPLIT_THRESHOLD} by default). */
    Parallel(int threads, double threshold) {
        if (threads < 1) {
            throw new IllegalArgumentException("kernel threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.threshold = threshold;
    }

    /** Most threads a kernel may use (1 = single-threaded). */
    int threads() {
        return threads;
    }

    /** Whether work of this many flops (or element operations) should be split at all. */
    boolean worthSplitting(double work) {
        return threads > 1 && work >= threshold && !(Thread.currentThread() instanceof Helper);
    }

    /**
     * Work below which splitting loses: waking a helper costs tens of microseconds, about a
     * million flops at the single-core rate.
     */
    static final double SPLIT_THRESHOLD = 4e6;

    /** Runs {@code body} for chunks {@code 0..chunks-1}, spread over the threads. */
    void forEach(int chunks, IntConsumer body) {
        int helpers = Math.min(threads, chunks) - 1;
        if (helpers <= 0 || Thread.currentThread() instanceof Helper) {
            for (int c = 0; c < chunks; c++) {
                body.accept(c);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(helpers);
        Runnable claim = () -> {
            try {
                for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                    body.accept(c);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                next.set(chunks);
            }
        };
        for (int h = 0; h < helpers; h++) {
            POOL.execute(() -> {
                try {
                    claim.run();
                } finally {
                    done.countDown();
                }
            });
        }
        claim.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        if (t != null) {
            throw new IllegalStateException("kernel chunk failed", t);
        }
    }
}
