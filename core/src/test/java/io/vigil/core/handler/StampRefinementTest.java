package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.event.PeerDead;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
import io.vigil.core.policy.KernelHz;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.TestChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Without the kernel's receipt (an in-memory channel, like NIO: no {@code TCP_INFO}), the last arrival is the read
 * path's stamp, which runs up to two ticks late; one clock read at the end of each read batch makes it tight, so the
 * verdict comes at most one tick after {@code arrival + budget} instead of up to three.
 */
class StampRefinementTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long TICK = TimerWheels.config().tickNanos();

    @ParameterizedTest(name = "arrival {0} ms into a tick")
    @ValueSource(longs = {1, 3, 7, 9})
    void theVerdictCountsFromTheReadBatchsClockReadNotFromTheCachedStamp(long intoTick) {
        KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(Duration.ofSeconds(2))
                .interval(Duration.ofSeconds(1)).probes(3).build();
        KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP,
                KernelClock.NOMINAL).probeJitter(0);
        TestChannel channel = TestChannel.create(handler);
        EventRecorder events = new EventRecorder(channel.ticker());
        channel.pipeline().addLast(events);
        try {
            advanceTo(channel, S);
            channel.ticker().advance(intoTick * MS, TimeUnit.NANOSECONDS); // between two ticks: the cache is stale
            long arrival = channel.now();
            channel.writeInbound("the last message"); // channelRead, then channelReadComplete
            advanceTo(channel, arrival + 7 * S);
            assertThat(events.events(PeerDead.class)).hasSize(1);
            long verdictAt = events.events().stream().filter(t -> t.what() instanceof PeerDead).findFirst()
                    .orElseThrow().nanos();
            assertThat(verdictAt - arrival).as("budget 5 s, one tick of timer lateness at most")
                    .isBetween(5 * S, 5 * S + TICK);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @ParameterizedTest(name = "arrival {0} ms into a tick")
    @ValueSource(longs = {1, 5, 9})
    void onTheKernelsGridTheFirstProbeIsNotPushedToTheNextGranularityByTheStampsMargin(long intoTick) {
        // idle 3 s = 750 jiffies at HZ 250: the first probe sits on the 64-jiffy (256 ms) level
        KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(Duration.ofSeconds(3))
                .interval(Duration.ofSeconds(1)).probes(1).build();
        KernelClock grid = KernelClock.of(KernelHz.of(250), 0);
        for (long start = 0; start < 256 * MS; start += 16 * MS) {
            KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP,
                    grid).probeJitter(0);
            TestChannel channel = TestChannel.create(handler);
            EventRecorder events = new EventRecorder(channel.ticker());
            channel.pipeline().addLast(events);
            try {
                advanceTo(channel, S + start);
                channel.ticker().advance(intoTick * MS, TimeUnit.NANOSECONDS);
                long arrival = channel.now();
                channel.writeInbound("the last message");
                advanceTo(channel, arrival + 6 * S);
                long verdictAt = events.events().stream().filter(t -> t.what() instanceof PeerDead).findFirst()
                        .orElseThrow().nanos();
                // tcp_keepalive_timer for a receipt in the arrival's jiffy r: armed at connection (jiffy c) for
                // c + idle; there, r is younger than idle: lazy re-arm for r + idle; probe; verdict an interval on
                long c = grid.jiffyAt(0);
                long r = grid.jiffyAt(arrival);
                long armed = grid.fireJiffy(c + 750, 750);
                long firstProbe = grid.fireJiffy(r + 750, r + 750 - armed - 1);
                long kernelVerdict = grid.startNanos(grid.fireJiffy(firstProbe + 250, 250 - 1));
                assertThat(verdictAt).as("arrival at %d ms", arrival / MS)
                        .isBetween(kernelVerdict, kernelVerdict + 2 * TICK); // the wheel's tick, and this test's steps
            } finally {
                channel.finishAndReleaseAll();
            }
        }
    }

    private static void advanceTo(TestChannel channel, long nanos) {
        while (channel.now() < nanos && channel.isOpen()) {
            channel.ticker().advance(Math.min(TICK, nanos - channel.now()), TimeUnit.NANOSECONDS);
            channel.runPendingTasks();
        }
    }
}
