package io.vigil.core.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ticks handed over to NIO loops by a {@link TickDriver} thread instead of scheduled on them: they happen, a stalled
 * loop gets one tick task and sees the stall in its clock, and a loop that shuts down, refuses or drops a tick lets
 * the timer go or gets the tick again. Real event loops and the real clock; every wait is bounded.
 */
@Timeout(30)
class TickDriverTest {

    private static final long MS = 1_000_000L;

    /** One NIO loop per test, shut down after it. */
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void shutDownTheLoop() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    /** An entry of no channel that records when it expired. */
    static final class Recorded extends TimerEntry {
        final CountDownLatch expired = new CountDownLatch(1);
        final AtomicLong expiredAt = new AtomicLong(Long.MIN_VALUE);

        @Override
        protected void onTimerExpired(long now) {
            expiredAt.set(now);
            expired.countDown();
        }
    }

    /** Arms {@code entry} on {@code loop}'s timer, {@code inNanos} from now; returns the timer. */
    private static LoopTimer arm(EventLoop loop, Recorded entry, long inNanos) throws Exception {
        return loop.submit(() -> {
            LoopTimer timer = TimerWheels.forExecutor(loop);
            entry.deadline = timer.preciseNow() + inNanos;
            timer.schedule(entry);
            return timer;
        }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void onlyNioLoopsOnTheSystemTickerHaveTheirTicksHandedOver() throws Exception {
        MultiThreadIoEventLoopGroup local = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        EmbeddedChannel embedded = new EmbeddedChannel();
        try {
            assertThat(LoopTimer.handsOverTicks(group.next())).isTrue();
            assertThat(LoopTimer.handsOverTicks(local.next())).isFalse();
            assertThat(LoopTimer.handsOverTicks(embedded.eventLoop())).isFalse();
        } finally {
            embedded.finishAndReleaseAll();
            local.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTimerOnAnNioLoopExpiresOnTimeWithHandedOverTicksAndLetsGoOnceEmpty() throws Exception {
        EventLoop loop = group.next();
        Recorded entry = new Recorded();
        LoopTimer timer = arm(loop, entry, 30 * MS);
        TickDriver.Ticket ticket = loop.submit(timer::ticket).get(5, TimeUnit.SECONDS);
        assertThat(timer.handsOverTicks()).isTrue();
        assertThat(ticket).isNotNull();

        assertThat(entry.expired.await(5, TimeUnit.SECONDS)).as("expired").isTrue();
        assertThat(entry.expiredAt.get() - entry.deadline).as("never early").isGreaterThanOrEqualTo(0);
        // The wheel is empty after the expiring tick: the ticket is dropped and the registry forgets the loop.
        assertThat(loop.submit(() -> timer.isTicking() || timer.ticket() != null).get(5, TimeUnit.SECONDS))
                .isFalse();
        assertThat(TickDriver.SHARED.holds(ticket)).isFalse();
        assertThat(TimerWheels.hasWheel(loop)).isFalse();
    }

    @Test
    void aStalledNioLoopGetsOneTickTaskNotOnePerPeriodAndItsClockSeesTheStall() throws Exception {
        EventLoop loop = group.next();
        Recorded entry = new Recorded();
        LoopTimer timer = arm(loop, entry, TimeUnit.HOURS.toNanos(1));

        // The loop is busy for 200 ms (20 ticks) without returning to its queue: a stall.
        long[] stalled = loop.submit(() -> {
            long stamp = timer.stamp();
            long end = System.nanoTime() + 200 * MS;
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            return new long[] {stamp, loop instanceof SingleThreadEventExecutor s
                    ? s.pendingTasks() : -1};
        }).get(5, TimeUnit.SECONDS);
        long stamp = stalled[0];
        assertThat(stalled[1]).as("tick tasks queued during the stall").isBetween(0L, 1L);

        // The next tick finds the cached clock 200 ms stale: every stamp handed out before it is bounded by
        // the time that tick read, not by the stale stamp.
        long bound = stamp;
        for (int i = 0; i < 500 && bound == stamp; i++) {
            bound = loop.submit(() -> timer.upperBound(stamp)).get(5, TimeUnit.SECONDS);
            if (bound == stamp) {
                Thread.sleep(10); // bounded: waits for the loop's next tick
            }
        }
        assertThat(bound - stamp).as("stall seen by the clock, ns").isGreaterThanOrEqualTo(150 * MS);
        loop.submit(() -> timer.cancel(entry)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anNioLoopShuttingDownWithEntriesLetsTheTimerGoAndTheDriverDropsItsTicket() throws Exception {
        EventLoop loop = group.next();
        Recorded entry = new Recorded();
        LoopTimer timer = arm(loop, entry, TimeUnit.HOURS.toNanos(1));
        TickDriver.Ticket ticket = loop.submit(timer::ticket).get(5, TimeUnit.SECONDS);
        assertThat(TickDriver.SHARED.holds(ticket)).isTrue();

        assertThat(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(timer.size()).as("nobody cancelled the entry").isEqualTo(1);
        assertThat(timer.isTicking()).isFalse();
        assertThat(TickDriver.SHARED.holds(ticket)).isFalse();
        assertThat(TimerWheels.hasWheel(loop)).as("registry forgot the dead loop").isFalse();
    }

    @Test
    void aLoopThatRefusesTheTickLosesItsTicket() throws Exception {
        TickDriver driver = new TickDriver("test-tick-driver-refused", 1_000 * MS);
        DefaultEventExecutor executor = new DefaultEventExecutor();
        try {
            assertThat(executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch refused = new CountDownLatch(1);
            AtomicInteger ticks = new AtomicInteger();
            TickDriver.Ticket ticket = new TickDriver.Ticket(executor, MS, t -> ticks.incrementAndGet(),
                    refused::countDown);
            driver.start(ticket);

            assertThat(refused.await(5, TimeUnit.SECONDS)).as("told of the refusal").isTrue();
            assertThat(driver.holds(ticket)).isFalse();
            assertThat(ticks.get()).isZero();
        } finally {
            driver.shutdown();
        }
    }

    @Test
    void aTickTaskAcceptedButNeverRunIsHandedOverAgainAfterTheLostTime() throws Exception {
        TickDriver driver = new TickDriver("test-tick-driver-lost", 20 * MS);
        try {
            // Accepts every task; drops the first three without running them, runs the rest on the caller.
            AtomicInteger handedOver = new AtomicInteger();
            Executor dropsThree = task -> {
                if (handedOver.incrementAndGet() > 3) {
                    task.run();
                }
            };
            CountDownLatch ticked = new CountDownLatch(1);
            long start = System.nanoTime();
            TickDriver.Ticket ticket = new TickDriver.Ticket(dropsThree, MS, t -> ticked.countDown(), () -> { });
            driver.start(ticket);

            assertThat(ticked.await(5, TimeUnit.SECONDS)).as("ticked in the end").isTrue();
            // Each dropped task held the next hand-over back for the lost time, not for one period.
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(3 * 20 * MS);
            assertThat(handedOver.get()).isGreaterThanOrEqualTo(4);
            driver.stop(ticket);
        } finally {
            driver.shutdown();
        }
    }
}
