package io.vigil.examples.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Serves one HTTP/2 stream: a gRPC request ({@code content-type: application/grpc}) is answered with its own
 * length-prefixed message and {@code grpc-status: 0} in the trailers, which is a unary echo method whatever its name;
 * any other request gets {@code 200} and a short text. A stream that ends with an exception (the connection's
 * {@code DeadPeerException} when Vigil declares the peer dead) is closed.
 *
 * <p><b>Thread safety:</b> one instance per stream channel, used on its event loop.
 *
 * @since 0.1
 */
public final class EchoStream extends ChannelInboundHandlerAdapter {

    private static final byte[] TEXT = "vigil\n".getBytes(StandardCharsets.US_ASCII);

    private boolean grpc;
    private @Nullable CompositeByteBuf body;

    /** Creates the handler for one stream. */
    public EchoStream() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean end = false;
        if (msg instanceof Http2HeadersFrame) {
            Http2HeadersFrame headers = (Http2HeadersFrame) msg;
            CharSequence type = headers.headers().get("content-type");
            grpc = type != null && type.toString().startsWith("application/grpc");
            end = headers.isEndStream();
        } else if (msg instanceof Http2DataFrame) {
            Http2DataFrame data = (Http2DataFrame) msg;
            CompositeByteBuf b = body;
            if (b == null) {
                b = ctx.alloc().compositeBuffer();
                body = b;
            }
            b.addComponent(true, data.content().retain());
            end = data.isEndStream();
        }
        ReferenceCountUtil.release(msg);
        if (end) {
            respond(ctx);
        }
    }

    private void respond(ChannelHandlerContext ctx) {
        ByteBuf b = body;
        body = null;
        ByteBuf payload = b == null ? Unpooled.EMPTY_BUFFER : b;
        if (grpc) {
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .add("content-type", "application/grpc")));
            ctx.write(new DefaultHttp2DataFrame(payload));
            Http2Headers trailers = new DefaultHttp2Headers().add("grpc-status", "0");
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
        } else {
            payload.release();
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .add("content-type", "text/plain")));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(TEXT), true));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Gives each new stream channel its {@link EchoStream}. */
    public static final class Initializer extends ChannelInitializer<Http2StreamChannel> {

        /** Creates the initializer; sharable, one per server. */
        public Initializer() {
        }

        @Override
        protected void initChannel(Http2StreamChannel ch) {
            ch.pipeline().addLast(new EchoStream());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ByteBuf b = body;
        body = null;
        if (b != null) {
            b.release();
        }
        ctx.fireChannelInactive();
    }
}
