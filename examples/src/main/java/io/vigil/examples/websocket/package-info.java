/**
 * A WebSocket echo server with Vigil's WebSocket keepalive: pings with an id, armed after the handshake, pongs never lost.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.examples.websocket;

import org.jspecify.annotations.NullMarked;
