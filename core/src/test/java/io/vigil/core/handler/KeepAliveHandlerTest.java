package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.DeadPeerException;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.PeerIdle;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.ProbeFailed;
import io.vigil.core.event.ProtocolViolation;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.event.ProbeSetupException;
import io.vigil.core.machine.HealthState;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
import io.vigil.core.policy.KernelHz;
import io.vigil.core.policy.KernelKeepAlive;
import io.vigil.core.policy.KernelSchedule;
import io.vigil.core.policy.ProofOfLife;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatFrame;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.EventRecorder.Timed;
import io.vigil.core.testing.TestChannel;
import io.vigil.core.internal.timer.TimerWheels;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every row of the transition table in KEEPALIVE-SPEC.md, through the real handler, wheel and pipeline, with time
 * driven by a {@code MockTicker} in 10 ms steps (the wheel's tick). Times asserted are exact: deadlines fire at the
 * first tick at or after them. Inbound traffic is stamped with the loop clock plus two ticks (20 ms), and, on this
 * in-memory channel without the kernel's receipt, the stamp is tightened to the clock read at the end of its read
 * batch: here the exact time of the write.
 */
class KeepAliveHandlerTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long TICK = TimerWheels.config().tickNanos();

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

    private void start(KeepAlivePolicy policy, HealthRecorder recorder) {
        handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, recorder, KernelClock.NOMINAL);
        startWith(handler, HeartbeatResponder.handler());
    }

    private void start(KeepAlivePolicy policy) {
        start(policy, HealthRecorder.NOOP);
    }

    /**
     * Starts a pipeline. The handler under test fires the {@link DeadPeerException} on a verdict (off by default;
     * {@link VerdictDeliveryTest} covers the default), so that these tests can assert its message.
     */
    private void startWith(ChannelHandler... handlers) {
        if (handler != null) {
            handler.exceptionOnVerdict(true);
        }
        channel = TestChannel.create(handlers);
        events = new EventRecorder(channel.ticker());
        channel.pipeline().addLast(events);
    }

    /** Moves the clock to {@code nanos} one tick at a time, running the loop's due tasks at each step. */
    private void advanceTo(long nanos) {
        while (channel.now() < nanos) {
            channel.ticker().advance(Math.min(TICK, nanos - channel.now()), TimeUnit.NANOSECONDS);
            channel.runPendingTasks();
        }
    }

    private List<Object> eventsAt(long nanos) {
        List<Object> out = new ArrayList<>();
        for (Timed t : events.events()) {
            if (t.nanos() == nanos) {
                out.add(t.what());
            }
        }
        return out;
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

    /**
     * The handler's default grid is the kernel's: on a {@link KernelClock} (HZ 250, jiffy 0 at the ticker's 0) every
     * probe and the verdict come at the kernel's expiry for a connection armed and last heard from at 0
     * ({@link KernelSchedule#expiryJiffiesArmedAt}: 2.016, 3.040, 4.064 and 5.088 s for 2 s / 1 s / 3 probes), at the
     * first timer tick at or after it; the evidence states the silence with the stamp margin as its uncertainty
     * (an embedded channel has no kernel receipt time).
     */
    @Test
    void onTheKernelsGridASilentPeerIsProbedAndDeclaredDeadWhereTheKernelWould() {
        KernelHz hz = KernelHz.of(250);
        handler = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.of(hz, 0));
        startWith(handler, HeartbeatResponder.handler());
        assertThat(channel.ticker().initialNanoTime()).as("jiffy 0 starts at the ticker's 0").isZero();
        KernelSchedule s = KernelSchedule.of(new KernelKeepAlive(2, 1, 3, 5000), hz);
        long[] expiries = new long[4];
        for (int k = 0; k < 4; k++) {
            expiries[k] = hz.toNanos(s.expiryJiffiesArmedAt(k, 0, 0));
        }
        assertThat(expiries).containsExactly(2_016 * MS, 3_040 * MS, 4_064 * MS, 5_088 * MS);
        assertThat(s.verdictExpiryArmedAt(0, 0)).isEqualTo(3);
        advanceTo(6 * S);
        List<Timed> seen = events.events();
        assertThat(seen).extracting(Timed::what).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1), ProbeSent.of(2),
                ProbeSent.of(3), seen.get(4).what());
        long[] at = {seen.get(1).nanos(), seen.get(2).nanos(), seen.get(3).nanos(), seen.get(4).nanos()};
        for (int k = 0; k < 4; k++) {
            assertThat(at[k]).as("expiry %d", k).isBetween(expiries[k], expiries[k] + TICK);
        }
        PeerDead dead = (PeerDead) seen.get(4).what();
        assertThat(dead.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
        assertThat(dead.evidence().sinceLastInbound()).isEqualTo(Duration.ofNanos(at[3]));
        assertThat(dead.evidence().silenceUncertaintyNanos()).isEqualTo(2 * TICK);
        channel.readOutbound();
        pingIds();
    }

    @Test
    void rows1And9To11ASilentPeerIsProbedThenDeclaredDeadAndClosedAbortively() {
        start(POLICY);
        assertThat(handler.state()).isEqualTo(HealthState.ACTIVE);
        assertThat(handler.isTimerArmed()).isTrue();
        advanceTo(1_990 * MS);
        assertThat(events.events()).isEmpty();
        advanceTo(6 * S);
        assertThat(eventsAt(2 * S)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
        assertThat(eventsAt(3 * S)).containsExactly(ProbeSent.of(2));
        assertThat(eventsAt(4 * S)).containsExactly(ProbeSent.of(3));
        List<Object> verdict = eventsAt(5 * S);
        assertThat(verdict).hasSize(1);
        PeerDead dead = (PeerDead) verdict.get(0);
        assertThat(dead.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
        assertThat(dead.evidence().sinceLastInbound()).isEqualTo(Duration.ofSeconds(5));
        assertThat(dead.evidence().probesOut()).isEqualTo(3);
        assertThat(dead.evidence().pendingBytes()).isZero();
        assertThat(dead.evidence().kernel()).isNull();
        assertThat(events.events()).hasSize(5);
        assertThat(pingIds()).containsExactly(2 * S, 3 * S, 4 * S);

        assertThat(events.exceptions()).hasSize(1);
        Timed caught = events.exceptions().get(0);
        assertThat(caught.nanos()).isEqualTo(5 * S);
        DeadPeerException e = (DeadPeerException) caught.what();
        assertThat(e.verdict()).isSameAs(dead);
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("peer dead: 3 probes unanswered, no inbound for 5 s >= limit 5 s"
                + " (idle 2 s + 3 × interval 1 s, user timeout 5 s)");
        assertThat(channel.isOpen()).isFalse();
        assertThat(handler.state()).isEqualTo(HealthState.CLOSED);
        assertThat(handler.isTimerArmed()).isFalse();
    }

    @Test
    void row2CloseCancelsTheTimerAndReleasesTheLoopsWheel() {
        start(POLICY);
        advanceTo(2 * S);
        assertThat(handler.state()).isEqualTo(HealthState.PROBING);
        channel.close();
        assertThat(handler.state()).isEqualTo(HealthState.CLOSED);
        assertThat(handler.isTimerArmed()).isFalse();
        assertThat(TimerWheels.hasWheel(channel.eventLoop())).isFalse();
        advanceTo(10 * S);
        assertThat(eventsAt(3 * S)).isEmpty();
    }

    @Test
    void row2HandlerRemovalCancelsTheTimer() {
        start(POLICY);
        advanceTo(1 * S);
        channel.pipeline().remove(handler);
        assertThat(handler.isTimerArmed()).isFalse();
        assertThat(TimerWheels.hasWheel(channel.eventLoop())).isFalse();
        advanceTo(10 * S);
        assertThat(events.events()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void row3AnyInboundMessageProvesLifeResetsTheProbesAndPassesOn() {
        start(POLICY);
        advanceTo(2_500 * MS);
        ByteBuf data = Unpooled.copiedBuffer(new byte[] {1, 2, 3});
        channel.writeInbound(data);
        assertThat(events.messagesRead()).isEqualTo(1);
        assertThat(data.refCnt()).isZero(); // passed on unchanged to the end of the pipeline, which released it
        assertThat(eventsAt(2_500 * MS)).containsExactly(new PeerAlive(1, PeerAlive.UNKNOWN_RTT));
        assertThat(handler.state()).isEqualTo(HealthState.ACTIVE);
        // The 3 s tick sees 0.5 s of silence (the read batch's clock read: 2.5 s) and re-arms at 2.5 + 2 = 4.5 s.
        advanceTo(6 * S);
        assertThat(eventsAt(3 * S)).isEmpty();
        assertThat(eventsAt(2_500 * MS + 2 * S)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
    }

    @Test
    void row3AProbeReplyIsConsumedAndGivesTheRoundTripTime() {
        start(POLICY);
        advanceTo(2 * S);
        assertThat(pingIds()).containsExactly(2 * S);
        advanceTo(2_050 * MS);
        channel.writeInbound(HeartbeatFrame.pong(2 * S));
        assertThat(events.messagesRead()).isZero();
        assertThat(eventsAt(2_050 * MS)).containsExactly(new PeerAlive(1, 50 * MS));
        // A reply with an id we never sent is not ours: it is not consumed here (the heartbeat responder drops it,
        // the application never sees it), and it proves nothing: it ends no probing episode.
        advanceTo(4_050 * MS);
        assertThat(eventsAt(4_050 * MS)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
        channel.writeInbound(HeartbeatFrame.pong(-77));
        assertThat(eventsAt(4_050 * MS)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
        assertThat(events.messagesRead()).isZero();
        assertThat(handler.state()).isEqualTo(HealthState.PROBING);
    }

    @Test
    void row3RepliesNobodyAskedForPassOnAndKeepNoSilentPeerAliveAndAForgedIdGivesNoRoundTripTime() {
        // No responder: what KeepAliveHandler does not consume reaches the next handler.
        handler = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL);
        startWith(handler);
        advanceTo(2 * S);
        assertThat(pingIds()).containsExactly(2 * S);
        // A forged id close to "now" gave a 1.6 ms round trip under the old range check; now it is not ours at all.
        advanceTo(2_500 * MS);
        channel.writeInbound(HeartbeatFrame.pong(2_500 * MS - 1_600_000));
        assertThat(events.messagesRead()).isEqualTo(1);
        assertThat(eventsAt(2_500 * MS)).isEmpty();
        // Unsolicited replies every 100 ms keep nobody alive: the silent peer is declared dead on time.
        for (long t = 2_600 * MS; t <= 4_900 * MS; t += 100 * MS) {
            advanceTo(t);
            channel.writeInbound(HeartbeatFrame.pong(-77));
        }
        advanceTo(5 * S);
        assertThat(eventsAt(5 * S)).hasSize(1).first().isInstanceOfSatisfying(PeerDead.class,
                d -> assertThat(d.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED));
        assertThat(events.events()).noneMatch(x -> x.what() instanceof PeerAlive);
    }

    @Test
    void row12AProbeThatCannotBeWrittenIsReportedAndTheVerdictSaysSoInsteadOfBlamingThePeer() {
        // A transport that refuses the probe (as a broken socket would): the handler sits before it.
        ChannelOutboundHandlerAdapter failing = new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IOException("send failed"));
            }
        };
        handler = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL);
        startWith(failing, handler);
        advanceTo(2 * S);
        assertThat(eventsAt(2 * S)).hasSize(3).element(2).isInstanceOfSatisfying(ProbeFailed.class, f -> {
            assertThat(f.probe()).isEqualTo(1);
            assertThat(f.cause()).hasMessage("send failed");
        });
        advanceTo(5 * S);
        PeerDead dead = (PeerDead) eventsAt(5 * S).get(0);
        assertThat(dead.reason()).isEqualTo(DeathReason.PROBES_UNWRITABLE);
        assertThat(events.exceptions()).hasSize(1);
        assertThat(events.exceptions().get(0).what()).isInstanceOfSatisfying(DeadPeerException.class,
                e -> assertThat(e.getMessage()).isEqualTo("peer not heard from for 5 s, but none of its 3 probes could"
                        + " be written: the channel cannot carry probes (see the ProbeFailed events for the cause)"));
    }

    @Test
    void row12AHandlerBeforeItsCodecIsAClearErrorNotAVerdictOnThePeer() {
        // What NIO and epoll do with a message they cannot write (AbstractNioByteChannel.filterOutboundMessage).
        ChannelOutboundHandlerAdapter transport = new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof ByteBuf) {
                    ctx.write(msg, promise);
                    return;
                }
                ReferenceCountUtil.release(msg);
                promise.setFailure(new UnsupportedOperationException("unsupported message type: "
                        + msg.getClass().getSimpleName() + " (expected: ByteBuf, FileRegion)"));
            }
        };
        handler = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL);
        startWith(transport, handler, new HeartbeatCodec(), HeartbeatResponder.handler());
        advanceTo(2 * S);
        assertThat(events.exceptions()).hasSize(1);
        assertThat(events.exceptions().get(0).what()).isInstanceOfSatisfying(ProbeSetupException.class,
                e -> assertThat(e.getMessage()).startsWith("KeepAliveHandler could not write its probe:"
                        + " java.lang.UnsupportedOperationException: unsupported message type: HeartbeatFrame")
                        .contains("the handler sits before (closer to the socket than) the codec that encodes its"
                                + " probes"));
        assertThat(handler.state()).isEqualTo(HealthState.SUSPENDED);
        advanceTo(30 * S);
        assertThat(channel.isOpen()).as("no verdict on the peer").isTrue();
        assertThat(events.events()).noneMatch(x -> x.what() instanceof PeerDead);
        assertThat(handler.isTimerArmed()).isFalse();
    }

    @Test
    void row4ThePeersProbeIsAnsweredAtOnceAndCountsAsTraffic() {
        start(POLICY);
        advanceTo(1 * S);
        channel.writeInbound(HeartbeatFrame.ping(42));
        assertThat(channel.<Object>readOutbound()).isEqualTo(HeartbeatFrame.pong(42));
        assertThat(events.messagesRead()).isZero();
        advanceTo(4 * S);
        assertThat(eventsAt(2 * S)).isEmpty();
        assertThat(eventsAt(1 * S + 2 * S)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
    }

    @Test
    void row4UnderTheKernelsRuleThePeersProbeIsAnsweredButDoesNotCount() {
        start(POLICY.toBuilder().proofOfLife(ProofOfLife.ANY_MESSAGE_EXCEPT_PEER_PROBES).build());
        advanceTo(1 * S);
        channel.writeInbound(HeartbeatFrame.ping(42));
        assertThat(channel.<Object>readOutbound()).isEqualTo(HeartbeatFrame.pong(42));
        advanceTo(2 * S);
        assertThat(eventsAt(2 * S)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
    }

    @Test
    void row5ALongerIdleAtRuntimeReArmsAtIdleMinusElapsed() {
        start(POLICY);
        advanceTo(1 * S);
        handler.policy(POLICY.toBuilder().idle(Duration.ofSeconds(5)).build());
        advanceTo(6 * S);
        assertThat(eventsAt(2 * S)).isEmpty();
        assertThat(eventsAt(5 * S)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
        assertThat(eventsAt(6 * S)).containsExactly(ProbeSent.of(2));
    }

    @Test
    void row5AShorterIdleAtRuntimeProbesAtOnce() {
        start(POLICY.toBuilder().idle(Duration.ofSeconds(30)).build());
        advanceTo(3 * S);
        handler.policy(POLICY);
        // Deadline now (3 s): the wheel takes a passed deadline at its next tick.
        advanceTo(3 * S + TICK);
        assertThat(eventsAt(3 * S + TICK)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
    }

    @Test
    void row5OtherSettingsApplyFromTheNextTick() {
        start(POLICY);
        advanceTo(2 * S);
        handler.policy(POLICY.toBuilder().probes(1).build());
        advanceTo(4 * S);
        assertThat(eventsAt(3 * S)).hasSize(1).first().isInstanceOf(PeerDead.class);
    }

    @Test
    void row6AHalfClosedChannelIsSuspended() {
        start(POLICY);
        advanceTo(1 * S);
        channel.shutdownInput();
        advanceTo(10 * S);
        assertThat(handler.state()).isEqualTo(HealthState.SUSPENDED);
        assertThat(handler.isTimerArmed()).isFalse();
        assertThat(events.events()).isEmpty();
        assertThat(pingIds()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void row7PendingWritesDeferProbingWhileTheyProgress() {
        start(POLICY);
        channel.holdWrites(true);
        advanceTo(1 * S);
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]));
        assertThat(channel.pendingBytes()).isGreaterThanOrEqualTo(100);
        advanceTo(3 * S);
        channel.drain(10); // progress between the 2 s and 4 s ticks
        advanceTo(5 * S);
        channel.drain(10);
        advanceTo(8 * S);
        assertThat(events.events()).isEmpty();
        assertThat(pingIds()).isEmpty();
        // Drained: the 8 s tick finds nothing pending and 8 s of silence: probe.
        channel.drain(80);
        advanceTo(10 * S);
        assertThat(eventsAt(10 * S)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
    }

    @Test
    void row8NoWriteProgressForTheUserTimeoutIsWriteStalled() {
        start(POLICY);
        channel.holdWrites(true);
        advanceTo(1 * S);
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]));
        // Busy at 2 s (first seen stuck) and 4 s; the tick after that comes when the user timeout runs out after the
        // last progress seen (2 + 5 = 7 s), not at the next idle period (8 s).
        advanceTo(9 * S);
        assertThat(eventsAt(6 * S)).isEmpty();
        List<Object> verdict = eventsAt(7 * S);
        assertThat(verdict).hasSize(1);
        PeerDead dead = (PeerDead) verdict.get(0);
        assertThat(dead.reason()).isEqualTo(DeathReason.WRITE_STALLED);
        assertThat(dead.evidence().pendingBytes()).isEqualTo(100);
        assertThat(dead.evidence().sinceWriteProgressNanos()).isEqualTo(5 * S);
        assertThat(events.exceptions()).singleElement().satisfies(t -> assertThat(
                ((Throwable) t.what()).getMessage()).isEqualTo(
                "peer dead: 100 bytes pending made no write progress for 5 s >= user timeout 5 s"));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void row10AUserTimeoutBelowIdleGivesOneProbe() {
        start(KeepAlivePolicy.builder().idle(Duration.ofSeconds(3)).interval(Duration.ofSeconds(2)).probes(100)
                .userTimeout(Duration.ofSeconds(1)).build());
        advanceTo(6 * S);
        assertThat(eventsAt(3 * S)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
        PeerDead dead = (PeerDead) eventsAt(5 * S).get(0);
        assertThat(dead.reason()).isEqualTo(DeathReason.USER_TIMEOUT);
        assertThat(((Throwable) events.exceptions().get(0).what()).getMessage())
                .isEqualTo("peer dead: no inbound for 5 s >= user timeout 1 s, with 1 probe unanswered");
    }

    @Test
    void worksWhenAddedToAnAlreadyActiveChannel() {
        startWith();
        advanceTo(1 * S);
        handler = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL);
        channel.pipeline().addFirst(handler);
        assertThat(handler.state()).isEqualTo(HealthState.ACTIVE);
        advanceTo(4 * S);
        assertThat(eventsAt(3 * S)).containsExactly(PeerIdle.INSTANCE, ProbeSent.of(1));
        assertThat(eventsAt(4 * S)).containsExactly(ProbeSent.of(2));
    }

    @Test
    void aHandlerIsNotSharable() {
        assertThat(new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE).isSharable()).isFalse();
    }

    @Test
    void theRecorderHearsProbesAcksVerdictsAndStateChanges() {
        List<String> calls = new ArrayList<>();
        start(POLICY, new HealthRecorder() {
            @Override
            public void probeSent(HealthSubject subject, int probe) {
                calls.add("sent " + probe + " " + subject);
            }

            @Override
            public void peerAlive(HealthSubject subject, int probes, long rttNanos) {
                calls.add("acked " + probes + " " + rttNanos / MS);
            }

            @Override
            public void peerDead(HealthSubject subject, PeerDead verdict) {
                calls.add("dead " + verdict.reason());
            }

            @Override
            public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
                calls.add(from + "->" + to);
            }
        });
        advanceTo(2_010 * MS);
        channel.writeInbound(HeartbeatFrame.pong(2 * S));
        advanceTo(10 * S);
        assertThat(calls).containsExactly(
                "CLOSED->ACTIVE",
                "ACTIVE->PROBING", "sent 1 HealthSubject[transport=testchannel, side=client, protocol=heartbeat, remoteAddress=]",
                "PROBING->ACTIVE", "acked 1 10",
                "ACTIVE->PROBING", "sent 1 HealthSubject[transport=testchannel, side=client, protocol=heartbeat, remoteAddress=]",
                "sent 2 HealthSubject[transport=testchannel, side=client, protocol=heartbeat, remoteAddress=]",
                "sent 3 HealthSubject[transport=testchannel, side=client, protocol=heartbeat, remoteAddress=]",
                "PROBING->DEAD", "dead PROBES_UNANSWERED",
                "DEAD->CLOSED");
    }

    @Test
    void aRecorderThatAsksForThePeersAddressGetsItInTheSubject() {
        List<HealthSubject> subjects = new ArrayList<>();
        start(POLICY, new HealthRecorder() {
            @Override
            public boolean tagsRemoteAddress() {
                return true;
            }

            @Override
            public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
                subjects.add(subject);
            }
        });
        assertThat(subjects).singleElement().extracting(HealthSubject::remoteAddress).isEqualTo("embedded");
    }

    @Test
    void aThrowingRecorderNeverBreaksTheConnection() {
        start(POLICY, new HealthRecorder() {
            @Override
            public void probeSent(HealthSubject subject, int probe) {
                throw new IllegalStateException("broken recorder");
            }

            @Override
            public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
                throw new IllegalStateException("broken recorder");
            }
        });
        advanceTo(3 * S);
        assertThat(pingIds()).containsExactly(2 * S, 3 * S);
        assertThat(events.exceptions()).isEmpty();
        channel.checkException();
    }

    @Test
    void afterOurOwnVerdictAFrameCutShortByOurCloseIsNotBlamedOnThePeer() {
        handler = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL);
        startWith(new HeartbeatCodec(), handler, HeartbeatResponder.handler());
        advanceTo(4_900 * MS);
        channel.releaseOutbound(); // the encoded PINGs
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 0, 0})); // the first 3 of a PING's 9 bytes
        advanceTo(5 * S);
        assertThat(channel.isOpen()).isFalse();
        assertThat(events.events(PeerDead.class)).hasSize(1);
        assertThat(channel.attr(PeerDead.VERDICT).get()).isEqualTo(events.events(PeerDead.class).get(0));
        assertThat(events.events(ProtocolViolation.class)).as("no truncated frame blamed on the peer").isEmpty();
    }

    @Test
    void aPolicyFinerThanTheTimersTickIsRefusedWithTheReason() {
        KeepAlivePolicy fine = KeepAlivePolicy.builder().idle(Duration.ofSeconds(1)).interval(Duration.ofMillis(1))
                .build();
        assertThatThrownBy(() -> new KeepAliveHandler(fine, HeartbeatProber.INSTANCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval = 1 ms is finer than the keepalive timer's tick of 10 ms"
                        + " (io.vigil.timer.tickMillis): its deadlines could not be kept; allowed >= 10 ms");
        start(POLICY);
        assertThatThrownBy(() -> handler.policy(fine)).isInstanceOf(IllegalArgumentException.class);
        assertThat(handler.policy()).isEqualTo(POLICY);
    }
}
