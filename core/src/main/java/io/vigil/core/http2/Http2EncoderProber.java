package io.vigil.core.http2;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import java.util.Objects;

/**
 * Probes an HTTP/2 peer with {@code PING} frames written through an {@link Http2ConnectionHandler}'s encoder: the
 * prober for listener-style codecs (an {@code Http2FrameListener} receives the frames and nothing goes down the
 * pipeline), where the listener tells the keepalive handler what arrived through its
 * {@link io.vigil.core.handler.HealthFeed}. It sees no frames itself, so it recognises nothing as a reply: the
 * listener hands each {@code PING ACK}'s data to {@code HealthFeed.probeReplySeen}.
 *
 * <p>The keepalive handler goes after the connection handler ({@link Http2KeepAlive#installAfter}); its writes
 * then pass through the connection handler's {@code flush}.
 *
 * <p><b>Thread safety:</b> immutable; one instance per connection handler, used on its channel's event loop.
 *
 * @since 0.1
 */
public final class Http2EncoderProber extends BlindProber {

    private final Http2ConnectionHandler connection;

    /**
     * Creates a prober that writes through a connection handler's encoder.
     *
     * @param connection the connection's codec, in the same pipeline as the keepalive handler
     */
    public Http2EncoderProber(Http2ConnectionHandler connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    @Override
    public ChannelFuture sendProbe(ChannelHandlerContext ctx, long id) {
        ChannelPromise promise = ctx.newPromise();
        connection.encoder().writePing(ctx, false, id, promise);
        ctx.flush();
        return promise;
    }
}
