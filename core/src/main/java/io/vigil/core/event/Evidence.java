package io.vigil.core.event;

import io.vigil.core.kernel.KernelSample;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What Vigil knew when it declared a peer dead.
 *
 * @param sinceLastInboundNanos time from the last inbound message (as stamped by the loop clock) to the verdict,
 *        nanoseconds
 * @param probesOut probes sent and unanswered
 * @param pendingBytes bytes waiting in the channel's outbound buffer
 * @param sinceWriteProgressNanos time since pending writes last made progress, nanoseconds; 0 when nothing was
 *        pending
 * @param kernel the last {@code TCP_INFO} sample, or null where the transport has none
 * @since 0.1
 */
public record Evidence(long sinceLastInboundNanos, int probesOut, long pendingBytes, long sinceWriteProgressNanos,
                       @Nullable KernelSample kernel) {

    /**
     * Returns the time from the last inbound message to the verdict.
     *
     * @return the silence
     */
    public Duration sinceLastInbound() {
        return Duration.ofNanos(sinceLastInboundNanos);
    }
}
