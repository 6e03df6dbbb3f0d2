package io.vigil.core.probe;

import io.netty.channel.ChannelHandlerContext;

/**
 * How {@code KeepAliveHandler} probes the peer in a given protocol, and how it recognises the replies.
 *
 * <p>Any inbound message proves the peer alive, as in the kernel; a reply's id serves only to measure the
 * round-trip time. Replies are consumed by {@code KeepAliveHandler} (released and not passed on); everything else,
 * the peer's own probes included, goes on down the pipeline.
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
     * Writes and flushes one probe carrying {@code id}. Must not throw; a failed write is the channel's business
     * (it counts as a probe all the same, as in the kernel).
     *
     * @param ctx the {@code KeepAliveHandler}'s context; write through it
     * @param id an id to echo in the reply: the send time in the loop's ticker, nanoseconds
     */
    void sendProbe(ChannelHandlerContext ctx, long id);

    /**
     * Tells whether an inbound message is a reply to one of our probes.
     *
     * @param msg an inbound message
     * @return true if it is a reply, which {@code KeepAliveHandler} then consumes
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
