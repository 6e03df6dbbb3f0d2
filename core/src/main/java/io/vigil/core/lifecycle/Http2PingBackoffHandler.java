package io.vigil.core.lifecycle;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.http2.Http2Prober;
import io.vigil.core.metrics.HealthRecorder;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/2 client's back-off on {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")}, as grpc-java's client does
 * it: the probe idle time for the server's address doubles, and the next connection to it uses the doubled time.
 * See {@link PingBackoffHandler}.
 *
 * <pre>
 *   socket → Http2FrameCodec → vigil.keepalive → vigil.pingBackoff → Http2MultiplexHandler → streams
 * </pre>
 *
 * <p>It learns of the {@code GOAWAY} from the codec's {@code Http2Connection} ({@code onGoAwayReceived}), not from
 * the frames going by, so it works with each way of installing keepalive ({@code Http2KeepAlive.install},
 * {@code installAfter} a listener-style {@link Http2ConnectionHandler}, {@code installBefore} on the raw bytes):
 * {@link #install} puts it after the keepalive handler in each case, and a listener needs to feed it nothing. Without
 * an {@link Http2ConnectionHandler} in the pipeline when it is added it looks at the frames going by instead.
 *
 * <p><b>Thread safety:</b> as {@link PingBackoffHandler}.
 *
 * @since 0.2
 */
public class Http2PingBackoffHandler extends PingBackoffHandler {

    private @Nullable Http2Connection connection;
    private Http2Connection.@Nullable Listener listener;

    /**
     * Creates a handler.
     *
     * @param table where backed-off idle times are kept, usually {@link PingBackoffTable#shared()}
     * @param recorder receives the back-offs
     */
    public Http2PingBackoffHandler(PingBackoffTable table, HealthRecorder recorder) {
        super(table, Http2Prober.PROTOCOL, recorder);
    }

    /**
     * Installs the back-off after the keepalive handler ({@link VigilPipeline#KEEPALIVE}), or right after the HTTP/2
     * codec without one, with the process-wide table. Call it where the pipeline is built, after the codec was added.
     *
     * @param pipeline the connection's pipeline, with {@code Http2KeepAlive} installed (any of its three ways)
     * @param recorder receives the back-offs
     * @return the installed handler, named {@link VigilPipeline#PING_BACKOFF}
     */
    public static Http2PingBackoffHandler install(ChannelPipeline pipeline, HealthRecorder recorder) {
        Http2PingBackoffHandler handler = new Http2PingBackoffHandler(PingBackoffTable.shared(), recorder);
        Lifecycles.addAfterKeepAlive(pipeline, VigilPipeline.PING_BACKOFF, handler);
        return handler;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Http2ConnectionHandler codec = Http2Frames.codec(ctx);
        if (codec != null) {
            Http2Connection c = codec.connection();
            Http2Connection.Listener l = new Http2ConnectionAdapter() {
                @Override
                public void onGoAwayReceived(int lastStreamId, long errorCode, ByteBuf debugData) {
                    if (Http2Frames.isGoAway(errorCode, debugData, Http2Error.ENHANCE_YOUR_CALM,
                            TooManyPings.REASON)) {
                        backOff(ctx);
                    }
                }
            };
            c.addListener(l);
            connection = c;
            listener = l;
        }
        super.handlerAdded(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        Http2Connection c = connection;
        Http2Connection.Listener l = listener;
        if (c != null && l != null) {
            c.removeListener(l);
            connection = null;
            listener = null;
        }
        super.handlerRemoved(ctx);
    }

    /** The {@code GOAWAY} frame, where no codec's connection tells of it. */
    @Override
    protected boolean isTooManyPings(Object msg) {
        return connection == null && Http2Frames.isGoAway(msg, Http2Error.ENHANCE_YOUR_CALM, TooManyPings.REASON);
    }
}
