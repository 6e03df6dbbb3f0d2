package io.vigil.core.handler;

/**
 * Drives a connection's keepalive from code that sees the peer's traffic where {@link KeepAliveHandler} cannot: a
 * codec's frame listener (Netty's {@code Http2ConnectionHandler} with an {@code Http2FrameListener}, which passes
 * nothing down the pipeline), a framework callback. The handler still owns the timer, the probes (sent through its
 * {@link io.vigil.core.probe.Prober}), the events and the verdict; the feed only tells it what arrived.
 *
 * <pre>{@code
 * KeepAliveHandler keepAlive = new KeepAliveHandler(policy, new Http2EncoderProber(connectionHandler));
 * pipeline.addLast("h2", connectionHandler).addLast(VigilPipeline.KEEPALIVE, keepAlive);
 * HealthFeed feed = keepAlive;
 * // in the Http2FrameListener:
 * public int onDataRead(...) { feed.inboundSeen(); ... }
 * public void onPingAckRead(ChannelHandlerContext ctx, long data) {
 *     if (!feed.probeReplySeen(data)) { ... the application's own PING was answered ... }
 * }
 * }</pre>
 *
 * <p>The rules are those of {@code KeepAliveHandler.channelRead}: any inbound traffic proves life (row 3 of the
 * transition table); a reply proves life with a round-trip time only if its id is one of the outstanding probes';
 * the peer's own probes count unless the policy's {@link io.vigil.core.policy.ProofOfLife} says otherwise. Before
 * the channel is active and after it closed, every method does nothing.
 *
 * <p>Cost: {@link #inboundSeen()} is one store of the loop's cached time, as a read in the handler is.
 *
 * <p><b>Thread safety:</b> every method must be called on the channel's event loop (where a codec's listener runs).
 *
 * @since 0.1
 */
public interface HealthFeed {

    /** Inbound traffic of any kind (a frame, a byte) arrived from the peer: it is alive. */
    void inboundSeen();

    /** The peer's own probe arrived (a {@code PING} without {@code ACK}); proof of life unless the policy excludes it. */
    void peerProbeSeen();

    /**
     * A reply of the kind our probes get arrived (a {@code PING ACK}) carrying {@code id}.
     *
     * @param id the id the reply carries
     * @return true if it answers one of this side's outstanding probes (proof of life with a round-trip time; the
     *         caller should not pass it on); false if it is not ours (the application's own ping answered, a stale
     *         or forged id), which proves nothing: a reply nobody here asked for keeps no silent peer alive
     */
    boolean probeReplySeen(long id);
}
