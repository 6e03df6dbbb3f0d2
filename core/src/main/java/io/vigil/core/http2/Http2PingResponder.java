package io.vigil.core.http2;

import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.vigil.core.probe.ProbeResponder;
import io.vigil.core.probe.ProbeResponderHandler;

/**
 * Answers the peer's HTTP/2 {@code PING} with a {@code PING ACK} carrying the same data, for an
 * {@code Http2FrameCodec} built with {@code autoAckPingFrame(false)}. Netty's codec answers {@code PING}s itself by
 * default (and still passes them on): with it, do not add this responder, or the peer gets two answers.
 *
 * <pre>{@code
 * Http2KeepAlive.install(pipeline, policy);
 * pipeline.addAfter(VigilPipeline.KEEPALIVE, VigilPipeline.PROBE_RESPONDER, Http2PingResponder.handler());
 * }</pre>
 *
 * <p><b>Thread safety:</b> stateless; one {@link #INSTANCE} serves every channel.
 *
 * @since 0.1
 */
public final class Http2PingResponder implements ProbeResponder {

    /** The only instance. */
    public static final Http2PingResponder INSTANCE = new Http2PingResponder();

    private Http2PingResponder() {
    }

    /**
     * Returns a handler that answers {@code PING}s, for one channel.
     *
     * @return a new handler
     */
    public static ProbeResponderHandler handler() {
        return new ProbeResponderHandler(INSTANCE);
    }

    @Override
    public String protocol() {
        return Http2Prober.PROTOCOL;
    }

    @Override
    public boolean isProbe(Object msg) {
        return msg instanceof Http2PingFrame && !((Http2PingFrame) msg).ack();
    }

    @Override
    public Object replyTo(Object probe) {
        return new DefaultHttp2PingFrame(((Http2PingFrame) probe).content(), true);
    }
}
