package io.vigil.core.probe;

import io.vigil.core.VigilPipeline;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Objects;

/**
 * Answers the peer's probes at once and passes every other message on. Place it after {@code KeepAliveHandler}
 * (name {@code VigilPipeline.PROBE_RESPONDER}) so that the peer's probes still count as traffic there; removing it
 * makes this side stop answering while the socket stays open.
 *
 * <p><b>Thread safety:</b> {@link Sharable} when its responder is stateless, as the built-in ones are.
 *
 * @since 0.1
 */
@Sharable
public class ProbeResponderHandler extends ChannelInboundHandlerAdapter {

    private final ProbeResponder responder;

    /**
     * Creates the handler.
     *
     * @param responder answers the probes
     */
    public ProbeResponderHandler(ProbeResponder responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!responder.answer(ctx, msg)) {
            ctx.fireChannelRead(msg);
        }
    }
}
