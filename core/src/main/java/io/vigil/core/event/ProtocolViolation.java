package io.vigil.core.event;

import java.util.Objects;

/**
 * The peer sent something a Vigil codec cannot accept (a malformed, oversized or truncated frame). The offending
 * bytes were released, nothing was thrown into the pipeline, and the channel is closed after this event because
 * the stream can no longer be framed.
 *
 * @param protocol the codec's protocol, e.g. {@code "heartbeat"}
 * @param detail what was wrong, with the measured value and the limit
 * @since 0.1
 */
public record ProtocolViolation(String protocol, String detail) implements HealthEvent {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if either is null
     */
    public ProtocolViolation {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(detail, "detail");
    }
}
