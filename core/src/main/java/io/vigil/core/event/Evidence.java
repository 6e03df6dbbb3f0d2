package io.vigil.core.event;

import io.vigil.core.kernel.KernelSample;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What Vigil knew when it declared a peer dead.
 *
 * <p>The silence is known to lie in {@code [sinceLastInboundNanos, sinceLastInboundNanos + silenceUncertaintyNanos]}.
 * Where the transport shows {@code TCP_INFO}, it is measured from the kernel's receipt of the peer's last data, in
 * whole jiffies: the uncertainty is two jiffies (8 ms at HZ 250: the receipt's jiffy, and one more because the
 * kernel's jiffies can lag the clock's boundary a little), more if the jiffy moved while {@code TCP_INFO} was read.
 * Elsewhere it is measured from the loop's stamp of the last message, an upper bound of its arrival (tightened to a
 * clock read at the end of its read batch), so the uncertainty is the stamp margin (two timer ticks, 20 ms with the
 * default tick) plus however long the loop stalled before reading it.
 *
 * @param sinceLastInboundNanos time from the last inbound message to the verdict, a lower bound of the silence,
 *        nanoseconds
 * @param probesOut probes sent and unanswered
 * @param pendingBytes bytes waiting in the channel's outbound buffer
 * @param sinceWriteProgressNanos time since pending writes last made progress, nanoseconds; 0 when nothing was
 *        pending
 * @param kernel the last {@code TCP_INFO} sample, or null where the transport has none
 * @param silenceUncertaintyNanos how much longer than {@code sinceLastInboundNanos} the silence may have been,
 *        nanoseconds, {@code >= 0}
 * @since 0.1
 */
public record Evidence(long sinceLastInboundNanos, int probesOut, long pendingBytes, long sinceWriteProgressNanos,
                       @Nullable KernelSample kernel, long silenceUncertaintyNanos) {

    /**
     * Creates evidence whose silence is exact ({@code silenceUncertaintyNanos} 0).
     *
     * @param sinceLastInboundNanos time from the last inbound message to the verdict, nanoseconds
     * @param probesOut probes sent and unanswered
     * @param pendingBytes bytes waiting in the channel's outbound buffer
     * @param sinceWriteProgressNanos time since pending writes last made progress, nanoseconds; 0 when none pending
     * @param kernel the last {@code TCP_INFO} sample, or null where the transport has none
     */
    public Evidence(long sinceLastInboundNanos, int probesOut, long pendingBytes, long sinceWriteProgressNanos,
                    @Nullable KernelSample kernel) {
        this(sinceLastInboundNanos, probesOut, pendingBytes, sinceWriteProgressNanos, kernel, 0);
    }

    /**
     * Returns the longest the silence may have been: {@code sinceLastInboundNanos + silenceUncertaintyNanos}.
     *
     * @return the upper bound of the silence
     */
    public Duration silenceAtMost() {
        return Duration.ofNanos(sinceLastInboundNanos + silenceUncertaintyNanos);
    }

    /**
     * Returns the time from the last inbound message to the verdict: the shortest the silence may have been.
     *
     * @return the lower bound of the silence
     */
    public Duration sinceLastInbound() {
        return Duration.ofNanos(sinceLastInboundNanos);
    }
}
