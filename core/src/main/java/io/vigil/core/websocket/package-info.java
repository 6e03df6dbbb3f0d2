/**
 * Keepalive over WebSocket: {@link io.vigil.core.websocket.WebSocketProber} probes with ping frames that carry an
 * 8-byte id, and {@link io.vigil.core.websocket.WebSocketKeepAlive} installs it on a server or client pipeline so
 * that it arms only once the handshake has completed and sits where every frame, pongs included, passes. Needs
 * {@code netty-codec-http} (an optional dependency of vigil-core).
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.websocket;

import org.jspecify.annotations.NullMarked;
