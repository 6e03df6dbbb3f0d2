package io.vigil.core.testing;

import io.netty.buffer.Unpooled;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
import io.vigil.core.probe.HeartbeatFrame;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One connection with heartbeat keepalive on a {@link TestChannel}, driven by hand: the mock clock moves one timer
 * tick at a time (the idiom of {@code KeepAliveHandlerTest}), and the test plays the remote peer by answering
 * probes, sending data or staying silent. Heartbeat frames travel as objects; no codec is involved. Probe jitter is
 * off: the scripted totals pin exact probe times, in every module (examples runs with the default jitter).
 */
public final class HealthPeer implements AutoCloseable {

    private static final long TICK = TimerWheels.config().tickNanos();

    private final TestChannel channel;
    private final EventRecorder events;
    private final KeepAliveHandler handler;
    private final List<Long> probesSeen = new ArrayList<>();

    private HealthPeer(KeepAlivePolicy policy, HealthRecorder recorder) {
        handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, recorder, KernelClock.NOMINAL)
                .probeJitter(0).exceptionOnVerdict(true);
        channel = TestChannel.create(handler, HeartbeatResponder.handler());
        events = new EventRecorder(channel.ticker());
        channel.pipeline().addLast(events);
    }

    /**
     * Opens an active connection at mock time 0.
     *
     * @param policy the keepalive policy
     * @param recorder the recorder under test
     * @return the connection
     */
    public static HealthPeer open(KeepAlivePolicy policy, HealthRecorder recorder) {
        return new HealthPeer(policy, recorder);
    }

    /**
     * Returns the channel.
     *
     * @return the channel
     */
    public TestChannel channel() {
        return channel;
    }

    /**
     * Returns what reached the end of the pipeline: the health events, the exceptions.
     *
     * @return the recorder handler
     */
    public EventRecorder events() {
        return events;
    }

    /**
     * Returns the keepalive handler.
     *
     * @return the handler
     */
    public KeepAliveHandler handler() {
        return handler;
    }

    /**
     * Returns the mock time.
     *
     * @return nanoseconds
     */
    public long now() {
        return channel.now();
    }

    /**
     * Moves the clock to {@code nanos} one timer tick at a time, running the loop's due tasks at each step.
     *
     * @param nanos the target time; nothing happens if it is not ahead
     */
    public void advanceTo(long nanos) {
        while (channel.now() < nanos) {
            channel.ticker().advance(Math.min(TICK, nanos - channel.now()), TimeUnit.NANOSECONDS);
            channel.runPendingTasks();
        }
    }

    /**
     * Moves the clock tick by tick until the handler sends a probe.
     *
     * @param limitNanos the latest time to wait for it
     * @return the probe's id (its send time, nanoseconds)
     * @throws AssertionError if no probe is sent by then
     */
    public long advanceToProbe(long limitNanos) {
        int seen = probesSeen.size();
        while (collectProbes() == seen) {
            if (channel.now() >= limitNanos) {
                throw new AssertionError("no probe by " + limitNanos / 1_000_000 + " ms");
            }
            advanceTo(Math.min(limitNanos, channel.now() + TICK));
        }
        return probesSeen.get(seen);
    }

    /**
     * Returns the ids of every probe sent so far.
     *
     * @return the ids, in order
     */
    public List<Long> probes() {
        collectProbes();
        return List.copyOf(probesSeen);
    }

    /**
     * The remote peer answers a probe now.
     *
     * @param id the probe's id
     */
    public void reply(long id) {
        channel.writeInbound(HeartbeatFrame.pong(id));
    }

    /** The remote peer sends one byte of application data now. */
    public void sendData() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {42}));
    }

    private int collectProbes() {
        for (Object o; (o = channel.readOutbound()) != null; ) {
            if (o instanceof HeartbeatFrame && ((HeartbeatFrame) o).isPing()) {
                probesSeen.add(((HeartbeatFrame) o).id());
            }
        }
        return probesSeen.size();
    }

    /** Closes the channel and releases everything it still holds. */
    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
