package io.vigil.core.internal.timer;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One daemon thread that starts the tick task of {@link LoopTimer}s on NIO event loops with
 * {@link Executor#execute}, instead of a task scheduled on the loop. Internal use only.
 *
 * <p>Why: Netty's {@code NioIoHandler} rounds its select timeout to whole milliseconds and, once the next scheduled
 * task is less than half a millisecond away, polls with {@code selectNow} until it is due. A loop woken by traffic
 * in that half millisecond spins through it, so a task scheduled every 10 ms costs a busy loop up to 5 % of a core
 * (measured: 2.1 µs of loop CPU per request at 20,000 requests/s, see BENCHMARKS.md). A task handed over with
 * {@code execute} has no deadline on the loop: the loop is woken once (a selector wake-up) and runs it. Epoll and
 * io_uring wait with nanosecond timeouts and keep the scheduled task.
 *
 * <p>Each loop's tick has a {@link Ticket}: its period, and a flag that is set while its tick task waits in the
 * loop's queue, so a stalled loop gets one tick task, not one per missed period (a loop that comes back late sees
 * the gap in its clock as a stall, as it does with a scheduled tick). A task the loop accepted but never ran (a
 * custom rejection policy dropped it) is handed over again after {@code lostAfterNanos}. A loop that refuses the task
 * (terminated) loses its ticket and is told through {@link Ticket#onRefused}.
 *
 * <p><b>Thread safety:</b> thread-safe. {@link #start} and {@link #stop} may be called from any thread; the tick
 * tasks run on their loops.
 *
 * @since 0.1
 */
final class TickDriver {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(TickDriver.class);

    /** The driver of every NIO loop of this class loader: one thread, started at the first NIO tick. */
    static final TickDriver SHARED = new TickDriver("vigil-tick-driver", 1_000_000_000L);

    private final String threadName;
    private final long lostAfterNanos;
    private final Set<Ticket> tickets = ConcurrentHashMap.newKeySet();
    private final Object startLock = new Object();
    private volatile @Nullable Thread thread;
    private volatile boolean stopped;

    /**
     * Creates a driver; its thread starts at the first {@link #start}.
     *
     * @param threadName the name of its daemon thread
     * @param lostAfterNanos how long a handed-over tick task may stay unrun before it is handed over again, ns
     */
    TickDriver(String threadName, long lostAfterNanos) {
        this.threadName = threadName;
        this.lostAfterNanos = lostAfterNanos;
    }

    /**
     * One loop's tick as the driver sees it. Made for each stretch of ticking: a timer that sleeps and wakes again
     * gets a new one, so the driver's bookkeeping of an old one never touches the new one.
     */
    static final class Ticket {
        final Executor executor;
        final long periodNanos;
        /** What the driver hands over: marks the ticket run, then ticks. */
        final Runnable task = this::runTick;
        private final Consumer<Ticket> onTick;
        final Runnable onRefused;
        /** Set by the driver when it hands the tick task over; cleared by the task when it runs. */
        final AtomicBoolean queued = new AtomicBoolean();
        /** The driver thread's own: the next time the tick is due, and when the waiting task was handed over. */
        long nextDue;
        long queuedAt;

        /**
         * Creates a ticket; its first tick is due one period from now.
         *
         * @param executor the loop that runs the tick
         * @param periodNanos the tick, ns
         * @param onTick the tick, run on the loop with this ticket
         * @param onRefused called on the driver thread when the loop refuses the task (it is terminated)
         */
        Ticket(Executor executor, long periodNanos, Consumer<Ticket> onTick, Runnable onRefused) {
            this.executor = executor;
            this.periodNanos = periodNanos;
            this.onTick = onTick;
            this.onRefused = onRefused;
            this.nextDue = System.nanoTime() + periodNanos;
        }

        private void runTick() {
            queued.set(false); // from here on the next period may hand over another
            onTick.accept(this);
        }
    }

    /**
     * Starts handing over {@code ticket}'s tick task every period, the first one period after the ticket was made.
     *
     * @param ticket a ticket not yet started
     */
    void start(Ticket ticket) {
        tickets.add(ticket);
        Thread t = thread;
        if (t == null) {
            synchronized (startLock) {
                t = thread;
                if (t == null) {
                    t = new Thread(this::run, threadName);
                    t.setDaemon(true);
                    thread = t;
                    t.start();
                }
            }
        }
        LockSupport.unpark(t);
    }

    /**
     * Stops handing over {@code ticket}'s tick task; a task already handed over still runs.
     *
     * @param ticket the ticket
     */
    void stop(Ticket ticket) {
        tickets.remove(ticket);
    }

    /**
     * Tells whether the driver holds {@code ticket}.
     *
     * @param ticket the ticket
     * @return true between {@link #start} and {@link #stop} (or its refusal)
     */
    boolean holds(Ticket ticket) {
        return tickets.contains(ticket);
    }

    /** Stops the thread (tests' own drivers only; the shared one runs as long as the class loader). */
    void shutdown() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void run() {
        while (!stopped) {
            long now = System.nanoTime();
            long wait = Long.MAX_VALUE;
            for (Ticket ticket : tickets) {
                try {
                    long late = now - ticket.nextDue;
                    if (late >= 0) {
                        handOver(ticket, now);
                        // The next due time after now, on the ticket's own grid: missed periods are skipped.
                        ticket.nextDue += ticket.periodNanos * (1 + late / ticket.periodNanos);
                    }
                    wait = Math.min(wait, ticket.nextDue - now);
                } catch (Throwable t) {
                    // Never let one loop's failure stop the ticks of the others.
                    logger.warn("Handing a Vigil tick to {} failed.", ticket.executor, t);
                }
            }
            if (wait == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, wait);
            }
            Thread.interrupted(); // an interrupt only wakes the thread early
        }
    }

    private void handOver(Ticket ticket, long now) {
        if (!ticket.queued.compareAndSet(false, true)) {
            if (now - ticket.queuedAt < lostAfterNanos) {
                return; // the loop has not run the last one yet: it is stalled or busy; one is enough
            }
            // Accepted long ago and never run: taken as lost, handed over again.
        }
        ticket.queuedAt = now;
        if (ticket.executor instanceof EventExecutor loop && loop.isTerminated()) {
            refuse(ticket);
            return;
        }
        try {
            ticket.executor.execute(ticket.task);
        } catch (RejectedExecutionException e) {
            refuse(ticket);
        }
    }

    private void refuse(Ticket ticket) {
        tickets.remove(ticket);
        ticket.onRefused.run();
    }
}
