package deeptensor.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into "stop the fit early and keep what it found". The JVM runs
 * its shutdown hooks on those signals; the hook installed here interrupts the thread that created
 * the guard, but only while that thread is fitting (an interrupt during a file write would make
 * the write fail), and then waits until the command closes the guard — its files written — so that
 * the JVM does not halt in the middle of a write. Once the hook returns the JVM exits with
 * 128 + the signal number: 130 for SIGINT, 143 for SIGTERM.
 *
 * <p>A fit that is interrupted stops at its next step and returns the best state so far
 * ({@link deeptensor.train.StopReason#INTERRUPTED}); the command then writes it as usual.
 */
final class ShutdownGuard implements AutoCloseable {

    private static volatile boolean shutdownStarted;

    private final Thread worker;
    private final Thread hook;
    private final CountDownLatch released = new CountDownLatch(1);
    private boolean fitting;
    private boolean signalled;

    private ShutdownGuard(Thread worker) {
        this.worker = worker;
        this.hook = new Thread(this::onShutdown, "deeptensor-shutdown");
    }

    /** Guards the calling thread until {@link #close()}. */
    static ShutdownGuard install() {
        ShutdownGuard guard = new ShutdownGuard(Thread.currentThread());
        try {
            Runtime.getRuntime().addShutdownHook(guard.hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            guard.signalled = true;
            shutdownStarted = true;
        }
        return guard;
    }

    /** Whether the JVM's shutdown has started (then {@code main} must return rather than call {@code System.exit}). */
    static boolean shutdownStarted() {
        return shutdownStarted;
    }

    /**
     * Marks the start of the fit: from now on a signal interrupts it.
     *
     * @return false if a signal already came (the fit should not start)
     */
    synchronized boolean fitStarting() {
        if (signalled) {
            return false;
        }
        fitting = true;
        return true;
    }

    /**
     * Marks the end of the fit: no interrupt is delivered after this returns, and one that was
     * delivered is cleared (channels refuse to write on an interrupted thread).
     */
    synchronized void fitEnded() {
        fitting = false;
        Thread.interrupted();
    }

    /** Whether SIGINT or SIGTERM (or another shutdown) came while the guard was installed. */
    synchronized boolean signalled() {
        return signalled;
    }

    private void onShutdown() {
        synchronized (this) {
            signalled = true;
            shutdownStarted = true;
            if (fitting) {
                worker.interrupt();
            }
        }
        boolean interrupted = false;
        while (true) {
            try {
                released.await();
                break;
            } catch (InterruptedException again) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets a waiting shutdown proceed and removes the hook. */
    @Override
    public void close() {
        released.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run; it has been released above
        }
    }
}
