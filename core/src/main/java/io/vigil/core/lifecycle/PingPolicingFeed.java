package io.vigil.core.lifecycle;

/**
 * Drives ping-rate policing from code that sees the peer's frames where a {@link PingPolicingHandler} cannot: the
 * {@code Http2FrameListener} of a listener-style HTTP/2 codec (Netty's {@code Http2ConnectionHandler}, which passes
 * no frame down the pipeline), or a framework's callback. The handler keeps the rules, the strikes, the events and
 * the close; the feed only tells it what happened, as {@link io.vigil.core.handler.HealthFeed} does for keepalive.
 *
 * <pre>{@code
 * PingPolicingFeed police = Http2PingPolicingHandler.installAfter(pipeline, connectionHandler, policy, recorder);
 * // in the Http2FrameListener:
 * public void onPingRead(ChannelHandlerContext ctx, long data)    { keepAlive.peerProbeSeen(); police.peerPingSeen(); }
 * public void onPingAckRead(ChannelHandlerContext ctx, long data) { keepAlive.probeReplySeen(data); } // never policed
 * // where the server writes a response's HEADERS or DATA through the encoder:
 * police.workSent();
 * }</pre>
 *
 * <p><b>Thread safety:</b> every method must be called on the channel's event loop (where a codec's listener runs).
 *
 * @since 0.2
 */
public interface PingPolicingFeed {

    /**
     * The peer's ping arrived (HTTP/2: a {@code PING} frame without the {@code ACK} flag). Never call it for a reply
     * to a ping (a {@code PING ACK}, a pong): those are not pings (grpc-java#12417). An early ping is a strike; the
     * one after the last tolerated strike ends the connection (HTTP/2: {@code GOAWAY(ENHANCE_YOUR_CALM,
     * "too_many_pings")}, then a close).
     *
     * @return false if the connection was ended, by this ping or an earlier one (the caller need not act on it)
     */
    boolean peerPingSeen();

    /**
     * This side sent application work (HTTP/2: {@code HEADERS} or {@code DATA}): the strikes are cleared and the
     * peer's pings are timed from the connection's start again, as gRPC's server does.
     */
    void workSent();
}
