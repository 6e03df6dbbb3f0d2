package io.vigil.core.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.TestChannel;
import java.util.concurrent.TimeUnit;

/**
 * Two pipelines with real HTTP/2 codecs joined by hand: the Vigil side on a {@link TestChannel} (mock time), the
 * peer on a plain {@link EmbeddedChannel}. {@link #pump()} carries the bytes each side wrote to the other until both
 * are quiet; a peer that is not pumped is silent (a hung process). Time moves one timer tick at a time.
 */
final class CodecPair implements AutoCloseable {

    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;
    static final long TICK = TimerWheels.config().tickNanos();

    final TestChannel vigil;
    final EmbeddedChannel peer;
    boolean peerAnswers = true;

    CodecPair(ChannelHandler[] vigilSide, ChannelHandler... peerSide) {
        vigil = TestChannel.create(vigilSide);
        peer = new EmbeddedChannel(peerSide);
    }

    /** Carries bytes both ways until neither side writes more; while the peer is silent, drops what it is sent. */
    void pump() {
        for (boolean moved = true; moved; ) {
            moved = false;
            for (Object o; (o = vigil.readOutbound()) != null; ) {
                moved = true;
                if (peerAnswers) {
                    peer.writeInbound(o);
                } else {
                    ((ByteBuf) o).release();
                }
            }
            peer.runPendingTasks();
            for (Object o; peerAnswers && (o = peer.readOutbound()) != null; ) {
                moved = true;
                vigil.writeInbound(o);
            }
            vigil.runPendingTasks();
        }
    }

    /** Moves the Vigil side's clock to {@code nanos} one tick at a time without carrying bytes (answers wait). */
    void tickTo(long nanos) {
        while (vigil.now() < nanos) {
            vigil.ticker().advance(Math.min(TICK, nanos - vigil.now()), TimeUnit.NANOSECONDS);
            vigil.runPendingTasks();
        }
    }

    /** Moves the Vigil side's clock to {@code nanos} one tick at a time, pumping at each step. */
    void advanceTo(long nanos) {
        while (vigil.now() < nanos) {
            vigil.ticker().advance(Math.min(TICK, nanos - vigil.now()), TimeUnit.NANOSECONDS);
            vigil.runPendingTasks();
            pump();
        }
    }

    /**
     * Runs to the Vigil side's first probe (from 1.9 s on, one tick at a time, with the peer's answers held), then
     * lets the peer answer {@code delay} later.
     *
     * @param events the Vigil side's events, where the probe shows
     * @param delay how long the answer takes, nanoseconds
     * @return the time of the probe, which is its id
     */
    long answerFirstProbeAfter(EventRecorder events, long delay) {
        advanceTo(1_900 * MS);
        while (events.events(ProbeSent.class).isEmpty()) {
            tickTo(vigil.now() + TICK);
        }
        long probe = vigil.now();
        tickTo(probe + delay);
        pump();
        return probe;
    }

    @Override
    public void close() {
        vigil.finishAndReleaseAll();
        peer.finishAndReleaseAll();
    }
}
