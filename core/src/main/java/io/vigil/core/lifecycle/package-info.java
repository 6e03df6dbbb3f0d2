/**
 * Connection lifecycle policies, for every protocol with a {@link io.vigil.core.probe.Prober} and with HTTP/2
 * versions that speak {@code GOAWAY}: ping-rate policing on the server ({@link io.vigil.core.lifecycle.PingRatePolicy},
 * {@link io.vigil.core.lifecycle.PingPolicingHandler}, {@link io.vigil.core.lifecycle.Http2PingPolicingHandler}),
 * the client's back-off when told it pings too often ({@link io.vigil.core.lifecycle.PingBackoffTable},
 * {@link io.vigil.core.lifecycle.Http2PingBackoffHandler}), and retiring connections for idleness or age
 * ({@link io.vigil.core.lifecycle.ConnectionLifetime}, {@link io.vigil.core.lifecycle.ConnectionLifetimeHandler},
 * {@link io.vigil.core.lifecycle.Http2ConnectionLifetimeHandler}). Each is its own handler beside the
 * {@link io.vigil.core.handler.KeepAliveHandler}, never inside it; they fire
 * {@link io.vigil.core.event.LifecycleEvent}s and tell the recorder's {@code lifecycle}.
 *
 * <p>The HTTP/2 classes need {@code io.netty:netty-codec-http2} on the class path; the others do not.
 *
 * @since 0.2
 */
@NullMarked
package io.vigil.core.lifecycle;

import org.jspecify.annotations.NullMarked;
