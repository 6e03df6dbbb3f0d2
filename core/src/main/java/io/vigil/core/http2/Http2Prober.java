package io.vigil.core.http2;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.vigil.core.probe.Prober;

/**
 * Probes an HTTP/2 peer with {@code PING} frames through Netty's {@code Http2FrameCodec}: each probe is a
 * {@code PING} whose 8 bytes of opaque data are the probe's id, and only a {@code PING ACK} carrying the id of an
 * outstanding probe is taken as the answer (and consumed). Every other frame, the peer's {@code PING}s and the
 * answers to the application's own {@code PING}s included, passes on and proves the peer alive. The handler must sit
 * after the codec, which turns frames into bytes ({@link Http2KeepAlive#install} puts it there).
 *
 * <p>The codec answers the peer's {@code PING}s itself unless it was built with
 * {@code Http2FrameCodecBuilder.autoAckPingFrame(false)}; then add an {@link Http2PingResponder}.
 *
 * <p><b>Thread safety:</b> stateless; one {@link #INSTANCE} serves every channel.
 *
 * @since 0.1
 */
public final class Http2Prober implements Prober {

    /** The only instance. */
    public static final Http2Prober INSTANCE = new Http2Prober();

    /** The protocol name, a metrics tag: {@value}. */
    public static final String PROTOCOL = "http2";

    private Http2Prober() {
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public ChannelFuture sendProbe(ChannelHandlerContext ctx, long id) {
        return ctx.writeAndFlush(new DefaultHttp2PingFrame(id));
    }

    @Override
    public boolean isReply(Object msg) {
        return msg instanceof Http2PingFrame && ((Http2PingFrame) msg).ack();
    }

    @Override
    public long replyId(Object reply) {
        return ((Http2PingFrame) reply).content();
    }

    @Override
    public boolean isPeerProbe(Object msg) {
        return msg instanceof Http2PingFrame && !((Http2PingFrame) msg).ack();
    }
}
