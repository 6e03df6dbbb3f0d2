package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.machine.HealthState;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
import io.vigil.core.probe.HeartbeatFrame;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.EventRecorder.Timed;
import io.vigil.core.testing.TestChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults on our own side that must never turn into a verdict on a live peer (issue 13 and the stall part of issue
 * 10), through the real handler and wheel on a {@code MockTicker}: our loop stalling around the peer's last message
 * or across a verdict's deadline, data held unflushed while the channel is unwritable, reads paused where the
 * transport shows nothing of what arrives. Each test failed on the handler before these rules.
 */
class LocalFaultsTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long TICK = TimerWheels.config().tickNanos();
    /** 2 s idle, 1 s interval, 3 probes: a silent peer is declared dead 5 s after its last message. */
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();

    private TestChannel channel;
    private EventRecorder events;
    private KeepAliveHandler handler;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
            assertThat(TimerWheels.hasWheel(channel.eventLoop())).as("no timer left after close").isFalse();
        }
    }

    private void start() {
        handler = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL);
        channel = TestChannel.create(handler, HeartbeatResponder.handler());
        events = new EventRecorder(channel.ticker());
        channel.pipeline().addLast(events);
    }

    /** The loop runs on time: the clock moves one tick at a time and due tasks run at each step. */
    private void advanceTo(long nanos) {
        while (channel.now() < nanos) {
            channel.ticker().advance(Math.min(TICK, nanos - channel.now()), TimeUnit.NANOSECONDS);
            channel.runPendingTasks();
        }
    }

    /** The loop is stalled: the clock jumps and nothing runs until the caller says so. */
    private void stallUntil(long nanos) {
        channel.ticker().advance(nanos - channel.now(), TimeUnit.NANOSECONDS);
    }

    private long firstAt(Class<?> type) {
        for (Timed t : events.events()) {
            if (type.isInstance(t.what())) {
                return t.nanos();
            }
        }
        return -1;
    }

    private List<Long> pingIds() {
        List<Long> ids = new ArrayList<>();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            if (o instanceof HeartbeatFrame && ((HeartbeatFrame) o).isPing()) {
                ids.add(((HeartbeatFrame) o).id());
            }
        }
        return ids;
    }

    @Test
    void aMessageReadAfterOurLoopStalledIsStampedNoEarlierThanItsArrival() {
        // Issue 10, mechanism 3: the loop stalls from 1 s to 3 s; the peer's last message arrives at 2.9 s and is
        // read when the loop resumes at 3 s, with the cache still at 1 s. A stale stamp (1.02 s) would give a verdict
        // at 6.02 s, 1.9 s before the silence has lasted the budget; the verdict must wait for 2.9 + 5 = 7.9 s.
        start();
        advanceTo(1 * S);
        stallUntil(3 * S);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        advanceTo(12 * S);
        long verdictAt = firstAt(PeerDead.class);
        assertThat(verdictAt).as("verdict at %d ms", verdictAt / MS).isGreaterThanOrEqualTo(2_900 * MS + 5 * S)
                .isLessThanOrEqualTo(3 * S + 5 * S + 3 * TICK);
    }

    @Test
    void theEvidenceOfAVerdictAfterAStallBeforeTheReadCoversTheTrueSilence() {
        // As above: the message arrived at 2.9 s (any time in the stall, 1 .. 3 s, as far as the handler can know) and
        // was read when the loop resumed, its stamp raised to 3 s.
        evidenceCoversTheStall(false);
    }

    @Test
    void theEvidenceCoversTheStallAlsoWhenTheLoopTickedBeforeItReadTheMessage() {
        // The loop runs its timer before it reads: the stamp is fresh (3 s plus the margin), yet the message may have
        // waited in the socket since 1 s.
        evidenceCoversTheStall(true);
    }

    /** A stall from 1 s to 3 s with the last message read after it: the evidence's silence covers the true one. */
    private void evidenceCoversTheStall(boolean tickFirst) {
        start();
        advanceTo(1 * S);
        stallUntil(3 * S);
        if (tickFirst) {
            channel.runPendingTasks();
        }
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        advanceTo(12 * S);
        PeerDead dead = events.events(PeerDead.class).get(0);
        long verdictAt = firstAt(PeerDead.class);
        assertThat(dead.evidence().sinceLastInboundNanos()).as("lower bound: at most the silence since 3 s")
                .isLessThanOrEqualTo(verdictAt - 3 * S);
        assertThat(dead.evidence().silenceAtMost().toNanos()).as("upper bound, covering the whole stall")
                .isGreaterThanOrEqualTo(verdictAt - 1 * S);
    }

    @Test
    void aVerdictDueWhileOurLoopStalledWaitsForOneMoreProbeAndTheAnswerThatWasWaiting() {
        // Probes at 2, 3 and 4 s; the verdict is due at 5 s. The loop stalls from 4.5 s to 8 s (far past it), and the
        // tick runs before the loop gets to read the peer's answer, which has waited in the socket since 4.6 s.
        start();
        advanceTo(4_500 * MS);
        List<Long> ids = pingIds();
        assertThat(ids).containsExactly(2 * S, 3 * S, 4 * S);
        stallUntil(8 * S);
        channel.runPendingTasks();
        assertThat(events.events(PeerDead.class)).as("no verdict on time we could not observe").isEmpty();
        assertThat(events.events(ProbeSent.class)).hasSize(4);
        channel.writeInbound(HeartbeatFrame.pong(4 * S));
        assertThat(events.events(PeerAlive.class)).hasSize(1);
        assertThat(handler.state()).isEqualTo(HealthState.ACTIVE);
        advanceTo(9 * S);
        assertThat(events.events(PeerDead.class)).isEmpty();
    }

    @Test
    void aTrulySilentPeerIsStillCaughtWithinOneIntervalAfterTheStallEnds() {
        start();
        advanceTo(4_500 * MS);
        stallUntil(8 * S);
        channel.runPendingTasks();
        advanceTo(10 * S);
        long verdictAt = firstAt(PeerDead.class);
        assertThat(verdictAt).as("verdict at %d ms", verdictAt / MS).isBetween(8 * S, 8 * S + 1 * S + TICK);
        assertThat(events.events(PeerDead.class).get(0).reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
    }

    @Test
    void unwritableWithNothingFlushedIsNoWriteStallAndPutsOffProbing() {
        // 100 KiB written but not flushed: the channel is unwritable (high water mark 64 KiB), nothing is pending in
        // the socket's sense. The old rule said "0 bytes pending made no write progress for 0 ms" at about 8 s.
        start();
        channel.write(Unpooled.wrappedBuffer(new byte[100 * 1024]));
        assertThat(channel.isWritable()).isFalse();
        advanceTo(30 * S);
        assertThat(events.events(PeerDead.class)).isEmpty();
        assertThat(events.events(ProbeSent.class)).as("a probe would wait behind the held data").isEmpty();
        // Flushed and writable again: probing resumes, and a silent peer is judged as usual from then on.
        channel.flush();
        assertThat(channel.isWritable()).isTrue();
        advanceTo(40 * S);
        assertThat(events.events(ProbeSent.class)).isNotEmpty();
        assertThat(events.events(PeerDead.class)).hasSize(1);
    }

    @Test
    void pausedReadsWhereTheTransportShowsNothingCountNoSilence() {
        // The application turns reads off for 4.5 s (less than the 5 s budget); the peer's data waits in the socket
        // and is read when reads resume. Without a kernel view the silence while paused proves nothing.
        start();
        advanceTo(500 * MS);
        channel.config().setAutoRead(false);
        advanceTo(5 * S);
        channel.config().setAutoRead(true);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        advanceTo(6 * S);
        assertThat(events.events(PeerDead.class)).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }
}
