/**
 * How a protocol probes its peer and answers the peer's probes: the {@link io.vigil.core.probe.Prober} and
 * {@link io.vigil.core.probe.ProbeResponder} SPI, and the built-in heartbeat protocol for custom protocols
 * ({@link io.vigil.core.probe.HeartbeatCodec}, {@link io.vigil.core.probe.HeartbeatProber},
 * {@link io.vigil.core.probe.HeartbeatResponder}).
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.probe;

import org.jspecify.annotations.NullMarked;
