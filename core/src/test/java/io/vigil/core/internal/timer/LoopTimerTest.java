package io.vigil.core.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.vigil.core.internal.timer.TimerWheelTest.Probe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop driver: the tick task runs only while the wheel holds entries, the cached clock moves at ticks, and the
 * registry holds a timer only while it ticks. Time is a {@link MockTicker} driving an {@link EmbeddedChannel}'s loop.
 */
class LoopTimerTest {

    private static final long MS = 1_000_000L;
    private static final long TICK = 10 * MS;

    private final List<long[]> log = new ArrayList<>();
    private final MockTicker t = Ticker.newMockTicker();
    private final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(t).build();

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aWheelOnAnEventLoopTicksOnlyWhileItHoldsEntriesAndIsThenForgotten() {
        LoopTimer wheel = TimerWheels.forExecutor(channel.eventLoop());
        assertThat(TimerWheels.forExecutor(channel.eventLoop())).isSameAs(wheel);
        assertThat(wheel.isTicking()).isFalse();
        Probe a = new Probe(1, log);
        a.at(t.nanoTime() + 35 * MS);
        wheel.schedule(a);
        assertThat(wheel.isTicking()).isTrue();
        assertThat(TimerWheels.hasWheel(channel.eventLoop())).isTrue();
        t.advance(30, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(a.expiredAt).isEqualTo(-1);
        assertThat(wheel.now()).isEqualTo(30 * MS);
        assertThat(wheel.stamp()).isEqualTo(30 * MS + 2 * TICK);
        t.advance(10, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(a.expiredAt).isEqualTo(40 * MS);
        // Empty now: the tick stopped and the loop no longer has a wheel.
        assertThat(wheel.isTicking()).isFalse();
        assertThat(TimerWheels.hasWheel(channel.eventLoop())).isFalse();
        assertThat(channel.hasPendingTasks()).isFalse();
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(-1);
    }

    @Test
    void cancellingTheLastEntryStopsTheTickAtOnce() {
        LoopTimer wheel = TimerWheels.forExecutor(channel.eventLoop());
        Probe a = new Probe(1, log);
        a.at(1_000 * MS);
        wheel.schedule(a);
        wheel.cancel(a);
        assertThat(wheel.isTicking()).isFalse();
        assertThat(TimerWheels.hasWheel(channel.eventLoop())).isFalse();
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(-1);
        // Used again, it registers itself again.
        wheel.schedule(a);
        assertThat(TimerWheels.hasWheel(channel.eventLoop())).isTrue();
        wheel.cancel(a);
    }

    @Test
    void anEmptyTimerSleepsAndTheFirstScheduleWakesItWithTheWheelCaughtUp() {
        ConcurrentMap<EventExecutor, LoopTimer> registry = new ConcurrentHashMap<>();
        LoopTimer timer = new LoopTimer(channel.eventLoop(), TimerWheelConfig.fromSystemProperties()
                .withTick(Duration.ofMillis(10)), registry);
        assertThat(timer.isTicking()).isFalse();
        assertThat(registry).isEmpty();
        // Asleep for an hour: no task ran, the cached clock stood still.
        t.advance(1, TimeUnit.HOURS);
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(-1);
        assertThat(timer.now()).isZero();
        Probe a = new Probe(1, log);
        a.at(t.nanoTime() + 15 * MS);
        timer.schedule(a);
        // Waking read the clock (and caught the empty wheel up to it); the entry fires at its own tick, not before.
        assertThat(timer.isTicking()).isTrue();
        assertThat(registry).containsEntry(channel.eventLoop(), timer);
        assertThat(timer.now()).isEqualTo(3_600_000 * MS);
        assertThat(timer.stamp()).isEqualTo(3_600_000 * MS + timer.stampMarginNanos());
        t.advance(10, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(a.expiredAt).isEqualTo(-1);
        t.advance(10, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(a.expiredAt).isEqualTo(3_600_000 * MS + 20 * MS);
        assertThat(timer.isTicking()).isFalse();
        assertThat(registry).isEmpty();
        assertThat(timer.expiredTotal()).isEqualTo(1);
    }

    @Test
    void theCachedClockMovesAtTicksAndAtPreciseNowOnly() {
        LoopTimer timer = TimerWheels.forExecutor(channel.eventLoop());
        Probe a = new Probe(1, log);
        a.at(1_000 * MS);
        timer.schedule(a);
        t.advance(5, TimeUnit.MILLISECONDS);
        assertThat(timer.now()).isZero();
        assertThat(timer.stamp()).isEqualTo(2 * TICK);
        assertThat(timer.preciseNow()).isEqualTo(5 * MS);
        assertThat(timer.now()).isEqualTo(5 * MS);
        assertThat(timer.stamp()).isEqualTo(5 * MS + 2 * TICK);
        t.advance(5, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(timer.now()).isEqualTo(TICK);
        assertThat(timer.tickNanos()).isEqualTo(TICK);
        timer.cancel(a);
    }

    @Test
    void aCallbackMayCancelAndReArmWhileTheWheelIsMomentarilyEmpty() {
        LoopTimer timer = TimerWheels.forExecutor(channel.eventLoop());
        Probe armed = new Probe(1, log);
        Probe idle = new Probe(2, log);
        armed.at(100 * MS);
        timer.schedule(armed);
        // While the only entry expires the wheel is empty; a callback's cancel of an unarmed entry is a no-op
        // (it does not put the timer to sleep in the middle of its own tick), and its re-arm keeps it ticking.
        armed.onExpire = () -> {
            timer.cancel(idle);
            armed.at(200 * MS);
            timer.schedule(armed);
        };
        t.advance(100, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(armed.expiredAt).isEqualTo(100 * MS);
        assertThat(timer.isTicking()).isTrue();
        armed.onExpire = () -> { };
        t.advance(100, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(armed.expiredAt).isEqualTo(200 * MS);
        assertThat(timer.isTicking()).isFalse();
    }
}
