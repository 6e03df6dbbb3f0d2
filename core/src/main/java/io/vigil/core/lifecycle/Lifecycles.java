package io.vigil.core.lifecycle;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.vigil.core.VigilPipeline;
import java.util.Objects;

/** Where the HTTP/2 lifecycle handlers go in a pipeline. */
final class Lifecycles {

    private Lifecycles() {
    }

    /** After {@link VigilPipeline#KEEPALIVE} if present, else right after the HTTP/2 codec. */
    static void addAfterKeepAlive(ChannelPipeline pipeline, String name, ChannelHandler handler) {
        if (pipeline.get(VigilPipeline.KEEPALIVE) != null) {
            pipeline.addAfter(VigilPipeline.KEEPALIVE, name, handler);
            return;
        }
        ChannelHandlerContext codec = pipeline.context(Http2ConnectionHandler.class);
        if (codec == null) {
            throw new IllegalStateException("no HTTP/2 codec (Http2FrameCodec or Http2ConnectionHandler) in " + pipeline
                    .names() + ": add the codec first, then install " + name);
        }
        pipeline.addAfter(codec.name(), name, handler);
    }

    /** The context of {@code handler} in {@code pipeline}. */
    static ChannelHandlerContext contextOf(ChannelPipeline pipeline, ChannelHandler handler) {
        Objects.requireNonNull(handler, "handler");
        ChannelHandlerContext ctx = pipeline.context(handler);
        if (ctx == null) {
            throw new IllegalArgumentException(handler + " is not in the pipeline " + pipeline.names());
        }
        return ctx;
    }
}
