package io.vigil.core.handler;

/**
 * Where a connection's keepalive learns of inbound traffic, for the installers ({@link HeartbeatKeepAlive},
 * {@code Http2KeepAlive}).
 *
 * <p><b>Thread safety:</b> an enum; immutable.
 *
 * @since 0.2
 */
public enum ReadPath {

    /**
     * The default: {@link KeepAliveHandler} sits after the codec and sees every decoded message in its
     * {@code channelRead}: one more handler on the read path (Netty's hop to it and back costs about 25 ns per
     * message at 1k channels, more at scale, where the handler's context is a cache miss).
     */
    HANDLER,

    /**
     * The protocol's codec, which sees every inbound message anyway, stamps it through the keepalive's
     * {@link HealthFeed} ({@link CodecFeed}) and consumes the replies to its probes; the keepalive handler in the
     * pipeline ({@link FedKeepAliveHandler}) has no {@code channelRead}, so Netty skips it on the read path. Same
     * rules as {@link #HANDLER}: any message proves life, only a reply to an outstanding probe is consumed (with a
     * round-trip time), the peer's own probes count as the policy says; paused reads and the kernel's view are
     * judged at the timer's ticks, as before.
     */
    CODEC
}
