package io.vigil.core.handler;

import io.vigil.core.probe.InboundObserver;
import io.vigil.core.probe.Prober;
import java.util.Objects;

/**
 * Feeds a keepalive from inside a codec ({@link ReadPath#CODEC}): each decoded inbound message, sorted by the
 * {@link Prober} as {@code KeepAliveHandler.channelRead} sorts it. A reply to an outstanding probe is proof of life
 * with a round-trip time and is consumed; a reply that answers none of them proves nothing and passes on; the peer's
 * own probe counts as the policy's {@link io.vigil.core.policy.ProofOfLife} says; anything else proves life.
 *
 * <pre>{@code
 * KeepAliveHandler keepAlive = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE);
 * pipeline.addLast(VigilPipeline.HEARTBEAT_CODEC,
 *                 new HeartbeatCodec(HeartbeatCodec.DEFAULT_MAX_DATA_LENGTH,
 *                         new CodecFeed(keepAlive, HeartbeatProber.INSTANCE)))
 *         .addLast(VigilPipeline.KEEPALIVE, FedKeepAliveHandler.of(keepAlive, ch))
 *         .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler());
 * }</pre>
 *
 * <p>Cost: the prober's two type checks and one store of the loop's cached time per message, inside the codec's own
 * {@code channelRead}: no pipeline hop.
 *
 * <p><b>Thread safety:</b> immutable; its one method must be called on the channel's event loop.
 *
 * @since 0.2
 */
public final class CodecFeed implements InboundObserver {

    private final HealthFeed feed;
    private final Prober prober;

    /**
     * Creates a feed.
     *
     * @param feed the keepalive to feed (a {@link KeepAliveHandler})
     * @param prober the prober that tells replies and the peer's probes from other messages
     */
    public CodecFeed(HealthFeed feed, Prober prober) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.prober = Objects.requireNonNull(prober, "prober");
    }

    @Override
    public boolean observe(Object msg) {
        if (prober.isReply(msg)) {
            return feed.probeReplySeen(prober.replyId(msg));
        }
        if (prober.isPeerProbe(msg)) {
            feed.peerProbeSeen();
        } else {
            feed.inboundSeen();
        }
        return false;
    }

    @Override
    public String toString() {
        return "CodecFeed(" + prober.protocol() + ")";
    }
}
