package io.vigil.core.handler;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.vigil.core.event.DeathReason;
import io.vigil.core.internal.timer.HealthTimer;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.policy.KernelClock;
import io.vigil.core.socket.KernelAccess;
import io.vigil.core.socket.KernelInspector;
import org.jspecify.annotations.Nullable;

/**
 * One channel's view of what its kernel knows: {@code TCP_INFO} samples taken at ticks and verdicts (never per
 * message), the last sample kept for a verdict that comes when the socket can no longer be sampled, and the
 * recognition of the kernel's own verdicts in socket errors, including those Netty only keeps as a close cause.
 *
 * <p><b>Thread safety:</b> confined to the channel's event loop.
 */
final class KernelEvidence {

    /**
     * How much later than the kernel's report an arrival may have been: {@code tcpi_last_data_recv} counts whole
     * jiffies in milliseconds (4 ms at HZ 250, 10 ms at HZ 100), so a receipt time computed from it is made an upper
     * bound by adding this.
     */
    static final long RECEIPT_MARGIN_NANOS = 11_000_000L;

    private final KernelInspector inspector;
    private final HealthRecorder recorder;
    private final HealthSubject subject;
    private final boolean recording;
    private @Nullable KernelSample lastSample;
    /** A time read just after {@link #lastSample} was taken, nanoseconds in the loop's clock. */
    private long lastSampleAfter;

    /**
     * Finds the channel's inspector.
     *
     * @param ch the channel
     * @param recorder receives every tick's sample, unless {@link HealthRecorder#NOOP}
     * @param subject the channel's tags
     */
    KernelEvidence(Channel ch, HealthRecorder recorder, HealthSubject subject) {
        inspector = KernelAccess.inspector(ch);
        this.recorder = recorder;
        this.subject = subject;
        this.recording = recorder != HealthRecorder.NOOP && inspector != KernelInspector.NONE;
    }

    /**
     * Tells whether the transport shows the kernel's view at all.
     *
     * @return false where there is no {@code TCP_INFO} (NIO, in-memory channels)
     */
    boolean canSee() {
        return inspector != KernelInspector.NONE;
    }

    /**
     * Tells whether the samples go to a recorder.
     *
     * @return true when a recorder wants them
     */
    boolean recording() {
        return recording;
    }

    /**
     * At a tick: one {@code getsockopt(TCP_INFO)}, handed to the recorder if it wants it. Never per message.
     *
     * @param ch the channel
     * @param timer the loop's timer, read just after the sample (kept with it for a verdict on a closed socket)
     * @return the sample, or null where the transport has none or the socket is gone
     */
    @Nullable KernelSample sampleAtTick(Channel ch, HealthTimer timer) {
        if (inspector == KernelInspector.NONE) {
            return null;
        }
        KernelSample sample = inspector.sample(ch);
        if (sample != null) {
            lastSample = sample;
            lastSampleAfter = timer.preciseNow();
            if (recording) {
                recorder.kernelSample(subject, sample);
            }
        }
        return sample;
    }

    /**
     * Tells when the kernel last received data from the peer, as an upper bound of the true time: data the
     * application has not read yet (reads paused, our loop behind) proves the peer alive all the same.
     *
     * @param sample a sample taken at {@code sampledAt}
     * @param sampledAt the time read just before the sample, nanoseconds
     * @return nanoseconds, in the loop's clock
     */
    static long receivedAt(KernelSample sample, long sampledAt) {
        return sampledAt - sample.lastDataReceivedMillis() * 1_000_000L + RECEIPT_MARGIN_NANOS;
    }

    /**
     * Tells in which jiffy the kernel last received data from the peer: {@code tcpi_last_data_recv} is
     * {@code jiffies_to_msecs(jiffies - lrcvtime)}, exact in whole jiffies where HZ divides 1000.
     *
     * @param sample a sample
     * @param clock the kernel clock in the loop's ticker time
     * @param after a ticker time read after the sample (so the jiffy of the sample is at most this one's: the result
     *        is never earlier than the true receipt)
     * @return absolute jiffies
     */
    static long receiptJiffy(KernelSample sample, KernelClock clock, long after) {
        long ms = sample.lastDataReceivedMillis();
        return clock.jiffyAt(after) - (ms * clock.hz() + 500) / 1000;
    }

    /**
     * Tells when the kernel last sent data, as an upper bound of the true time: write progress that the channel's
     * outbound buffer may not show yet (it moves only once the socket buffer drains below its low-water mark).
     *
     * @param sample a sample taken at {@code sampledAt}
     * @param sampledAt the time read just before the sample, nanoseconds
     * @return nanoseconds, in the loop's clock
     */
    static long sentAt(KernelSample sample, long sampledAt) {
        return sampledAt - sample.lastDataSentMillis() * 1_000_000L + RECEIPT_MARGIN_NANOS;
    }

    /**
     * At a verdict: a fresh sample.
     *
     * @param ch the channel
     * @return the sample, or null where the transport has none or the socket is gone
     */
    @Nullable KernelSample sampleNow(Channel ch) {
        return inspector.sample(ch);
    }

    /**
     * Returns the latest tick's sample, for a verdict on a socket that is gone.
     *
     * @return the sample, or null if no tick took one
     */
    @Nullable KernelSample lastSample() {
        return lastSample;
    }

    /**
     * Returns a time read just after {@link #lastSample()} was taken: what its relative fields count back from.
     *
     * @return nanoseconds in the loop's clock
     */
    long lastSampleAfter() {
        return lastSampleAfter;
    }

    /**
     * Recognises a kernel verdict in a socket error.
     *
     * @param cause the error
     * @return the {@code KERNEL_*} reason, or null
     */
    @Nullable DeathReason classify(Throwable cause) {
        return inspector.classify(cause);
    }

    /**
     * Finds the error Netty closed a channel for, when it is a kernel verdict. A kernel verdict that reaches Netty
     * on the write path (data still queued when the kernel gave up) fails the pending writes and closes the channel
     * without {@code exceptionCaught}; Netty keeps the error as the close cause, which a write to the closed
     * channel reports. Cold path: once per close, and only on transports with an inspector.
     *
     * @param ch the closed channel
     * @return the error, or null if the channel did not close for a kernel verdict
     */
    @Nullable Throwable kernelCloseCause(Channel ch) {
        if (inspector == KernelInspector.NONE || ch.unsafe().outboundBuffer() != null) {
            return null;
        }
        ChannelPromise attempt = ch.newPromise();
        ch.unsafe().write(Unpooled.EMPTY_BUFFER, attempt);
        Throwable failure = attempt.cause();
        Throwable cause = failure == null ? null : failure.getCause();
        return cause != null && inspector.classify(cause) != null ? cause : null;
    }
}
