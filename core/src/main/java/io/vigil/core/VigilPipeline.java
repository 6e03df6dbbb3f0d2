package io.vigil.core;

/**
 * The names Vigil's handlers take in a pipeline, and the order they go in, head to tail:
 * <pre>
 *   (transport) → [SOCKET_KEEPALIVE] → [FLUSH_CONSOLIDATION] → protocol codec, e.g. HEARTBEAT_CODEC
 *               → KEEPALIVE → PROBE_RESPONDER → application handlers
 * </pre>
 * <ul>
 *   <li>{@link #SOCKET_KEEPALIVE} sets the kernel's keepalive options on the socket when it becomes active, reports
 *       what applied, and removes itself; it goes first so it sees the channel before anything else does.</li>
 *   <li>A {@code FlushConsolidationHandler}, if any, goes first, as its own documentation asks.</li>
 *   <li>The protocol codec comes before {@link #KEEPALIVE}, which must see decoded messages to tell probe
 *       replies from other traffic.</li>
 *   <li>{@link #KEEPALIVE} sees every inbound message, stamps it and consumes replies to its probes.</li>
 *   <li>{@link #PROBE_RESPONDER} comes after it, so that the peer's probes still count as traffic in
 *       {@link #KEEPALIVE}, and answers them; removing it makes this side go silent while the socket stays
 *       open.</li>
 *   <li>Application handlers come last and receive the {@link io.vigil.core.event.HealthEvent}s.</li>
 * </ul>
 *
 * @since 0.1
 */
public interface VigilPipeline {

    /** The {@link io.vigil.core.socket.SocketKeepAlive kernel layer}'s set-up handler, which removes itself. */
    String SOCKET_KEEPALIVE = "vigil.socketKeepAlive";
    /** The {@code FlushConsolidationHandler}, first in the pipeline after the kernel layer's. */
    String FLUSH_CONSOLIDATION = "vigil.flushConsolidation";
    /** The heartbeat protocol's framing, {@link io.vigil.core.probe.HeartbeatCodec}. */
    String HEARTBEAT_CODEC = "vigil.heartbeatCodec";
    /** The {@link io.vigil.core.handler.KeepAliveHandler}. */
    String KEEPALIVE = "vigil.keepalive";
    /** The {@link io.vigil.core.probe.ProbeResponderHandler} that answers the peer's probes. */
    String PROBE_RESPONDER = "vigil.probeResponder";
    /**
     * Netty's {@code WebSocketServerProtocolHandler} or {@code WebSocketClientProtocolHandler} as installed by
     * {@link io.vigil.core.websocket.WebSocketKeepAlive}, which puts {@link #KEEPALIVE} just before it once the
     * handshake has completed.
     */
    String WEBSOCKET_PROTOCOL = "vigil.websocketProtocol";
    /**
     * The ping-rate policing handler ({@code io.vigil.core.lifecycle.PingPolicingHandler}), on a server: after
     * {@link #KEEPALIVE}, before {@link #PROBE_RESPONDER}, so that it sees the peer's pings before they are answered.
     *
     * @since 0.2
     */
    String PING_POLICING = "vigil.pingPolicing";
    /**
     * The client's probe back-off on {@code too_many_pings} ({@code io.vigil.core.lifecycle.PingBackoffHandler}):
     * after {@link #KEEPALIVE}, whose policy it changes.
     *
     * @since 0.2
     */
    String PING_BACKOFF = "vigil.pingBackoff";
    /**
     * The max-idle and max-age handler ({@code io.vigil.core.lifecycle.ConnectionLifetimeHandler}): after
     * {@link #KEEPALIVE}.
     *
     * @since 0.2
     */
    String LIFETIME = "vigil.lifetime";
    /** The handler that waits for the WebSocket handshake to complete, then installs {@link #KEEPALIVE}. */
    String WEBSOCKET_ARMING = "vigil.websocketArming";
}
