package io.vigil.core.probe;

import io.netty.channel.ChannelHandlerContext;

/**
 * Answers the peer's probes in a given protocol: the application-level counterpart of the kernel ACKing a
 * keepalive probe. Installed with {@link ProbeResponderHandler}.
 *
 * <p><b>Thread safety:</b> called on the channel's event loop; implementations shared between channels must be
 * stateless.
 *
 * @since 0.1
 */
public interface ProbeResponder {

    /**
     * Answers {@code msg} if it is a probe from the peer.
     *
     * @param ctx the responder's context; write the answer through it
     * @param msg an inbound message
     * @return true if {@code msg} was a probe, was answered and released; false if it was not a probe and is
     *         untouched
     */
    boolean answer(ChannelHandlerContext ctx, Object msg);
}
