package io.vigil.core.event;

/**
 * An event of a connection lifecycle policy ({@code io.vigil.core.lifecycle}): the server policing the peer's ping
 * rate ({@link PingStrike}, {@link TooManyPings}), the client backing off when a server said it pings too often
 * ({@link PingBackoff}), and a connection retired for its idleness or age ({@link ConnectionRetired}). Fired down
 * the pipeline as user events like every {@link HealthEvent}, and handed to the recorder's
 * {@code HealthRecorder.lifecycle}.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @since 0.2
 */
public sealed interface LifecycleEvent extends HealthEvent
        permits PingStrike, TooManyPings, PingBackoff, ConnectionRetired {
}
