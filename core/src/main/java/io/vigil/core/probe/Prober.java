package io.vigil.core.probe;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

/**
 * How {@code KeepAliveHandler} probes the peer in a given protocol, and how it recognises the replies.
 *
 * <p>Any inbound message proves the peer alive, as in the kernel. A reply whose id is that of one of the
 * handler's outstanding probes is consumed by {@code KeepAliveHandler} (released and not passed on) and gives the
 * round-trip time; every other message, the peer's own probes and replies Vigil did not ask for (an application's
 * own pings' answers, say) included, goes on down the pipeline untouched. A reply that answers none of the
 * outstanding probes proves nothing (a forged or replayed id, replies sent unasked cannot keep a peer alive).
 *
 * <p><b>Thread safety:</b> methods are called on the channel's event loop. Implementations are usually stateless
 * and shared by all channels.
 *
 * @since 0.1
 */
public interface Prober {

    /** What {@link #replyId(Object)} returns for a reply that carries no usable id. */
    long NO_ID = Long.MIN_VALUE;

    /**
     * Returns the protocol's name, used as a metrics tag: low-cardinality, e.g. {@code "heartbeat"}.
     *
     * @return the name
     */
    String protocol();

    /**
     * Writes and flushes one probe carrying {@code id}, and returns the write's future. Must not throw. A failed
     * future tells the handler the probe was never sent (it still counts as a probe, as in the kernel, but a verdict
     * then says the channel could not carry probes instead of blaming the peer), so it must be the real write's
     * future: never {@code ctx.voidPromise()}, which would hide the failure.
     *
     * @param ctx the {@code KeepAliveHandler}'s context; write through it
     * @param id an id to echo in the reply: a value the handler chose for this probe (not a secret, not a time to
     *        rely on)
     * @return the write's future, e.g. {@code ctx.writeAndFlush(ping)}
     */
    ChannelFuture sendProbe(ChannelHandlerContext ctx, long id);

    /**
     * Tells whether an inbound message is a reply of the kind our probes get (a {@code PONG}, a {@code PING} ACK).
     *
     * @param msg an inbound message
     * @return true if it is such a reply; {@code KeepAliveHandler} then consumes it only if {@link #replyId} is the
     *         id of one of its outstanding probes
     */
    boolean isReply(Object msg);

    /**
     * Returns the id a reply carries.
     *
     * @param reply a message for which {@link #isReply(Object)} returned true
     * @return the echoed id, or {@link #NO_ID}
     */
    long replyId(Object reply);

    /**
     * Tells whether an inbound message is the peer's own probe (which a responder answers). Consulted only when
     * the policy does not count the peer's probes as proof of life.
     *
     * @param msg an inbound message
     * @return true if it is a probe from the peer
     */
    boolean isPeerProbe(Object msg);
}
