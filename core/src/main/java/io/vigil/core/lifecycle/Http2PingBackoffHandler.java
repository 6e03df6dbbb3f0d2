package io.vigil.core.lifecycle;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2Error;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.http2.Http2Prober;
import io.vigil.core.metrics.HealthRecorder;

/**
 * An HTTP/2 client's back-off on {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")}, as grpc-java's client does
 * it: the probe idle time for the server's address doubles, and the next connection to it uses the doubled time.
 * See {@link PingBackoffHandler}.
 *
 * <pre>
 *   socket → Http2FrameCodec → vigil.keepalive → vigil.pingBackoff → Http2MultiplexHandler → streams
 * </pre>
 *
 * <p><b>Thread safety:</b> as {@link PingBackoffHandler}.
 *
 * @since 0.2
 */
public class Http2PingBackoffHandler extends PingBackoffHandler {

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
     * Installs the back-off after the keepalive handler ({@link VigilPipeline#KEEPALIVE}), with the process-wide
     * table.
     *
     * @param pipeline the connection's pipeline, with {@code Http2KeepAlive} installed
     * @param recorder receives the back-offs
     * @return the installed handler, named {@link VigilPipeline#PING_BACKOFF}
     */
    public static Http2PingBackoffHandler install(ChannelPipeline pipeline, HealthRecorder recorder) {
        Http2PingBackoffHandler handler = new Http2PingBackoffHandler(PingBackoffTable.shared(), recorder);
        Lifecycles.addAfterKeepAlive(pipeline, VigilPipeline.PING_BACKOFF, handler);
        return handler;
    }

    @Override
    protected boolean isTooManyPings(Object msg) {
        return Http2Frames.isGoAway(msg, Http2Error.ENHANCE_YOUR_CALM, TooManyPings.REASON);
    }
}
