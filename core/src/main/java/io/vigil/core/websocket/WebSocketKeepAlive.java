package io.vigil.core.websocket;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.vigil.core.VigilPipeline;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Installs WebSocket keepalive in one call, on a server or a client: Netty's protocol handler, and a
 * {@link KeepAliveHandler} with the {@link WebSocketProber} that is put in place only once the handshake has
 * completed.
 *
 * <pre>
 *   server, after the upgrade (names from {@link VigilPipeline}):
 *   wsdecoder/wsencoder → KEEPALIVE → WEBSOCKET_PROTOCOL (WebSocketServerProtocolHandler) → application
 *                          ↑ sees every frame; consumes only pongs that answer its own pings
 * </pre>
 * <pre>{@code
 * protected void initChannel(SocketChannel ch) {
 *     ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65_536));
 *     WebSocketKeepAlive.server(ch.pipeline(), WebSocketServerProtocolConfig.newBuilder().websocketPath("/ws").build(),
 *             KeepAlivePolicy.deadWithin(Duration.ofSeconds(30)));
 *     ch.pipeline().addLast("app", new MyFrameHandler());
 * }
 * }</pre>
 *
 * <p>Two traps this avoids, which a {@code KeepAliveHandler} installed by hand falls into:
 * <ul>
 *   <li><b>Before the upgrade</b> the pipeline speaks HTTP: a ping frame cannot be encoded, so probes would fail.
 *       The keepalive handler is added when {@code WebSocketServerProtocolHandler.HandshakeComplete} (server) or
 *       {@code ClientHandshakeStateEvent.HANDSHAKE_COMPLETE} (client) goes by, and its clock starts then.</li>
 *   <li><b>Lost pongs</b>: Netty's protocol handlers drop pong frames by default ({@code dropPongFrames(true)}), so a
 *       keepalive handler after them never sees a reply and declares dead a peer that answers every ping. Vigil's
 *       handler goes <em>before</em> the protocol handler, right behind the frame decoder, where every frame passes
 *       whatever {@code dropPongFrames} says; the pongs it did not ask for go on to the protocol handler, which
 *       drops them or passes them to the application as configured.</li>
 * </ul>
 * The protocol handlers answer the peer's pings themselves; on a pipeline without one (a handshake done by hand
 * with a {@code WebSocketServerHandshaker}), {@link #arm} also installs {@link WebSocketPingResponder}.
 *
 * <p>Events ({@code PeerIdle}, {@code ProbeSent}, {@code PeerAlive}, {@code PeerDead}) reach the application's
 * handlers after the protocol handler, as user events.
 *
 * <p><b>Thread safety:</b> stateless. Call the install methods from a channel initializer or on the channel's
 * event loop, like any pipeline change.
 *
 * @since 0.1
 */
public final class WebSocketKeepAlive {

    private WebSocketKeepAlive() {
    }

    /**
     * Installs a {@code WebSocketServerProtocolHandler} built from {@code config} and keepalive that arms after the
     * handshake, at the tail of the pipeline. The pipeline must already decode HTTP ({@code HttpServerCodec} and
     * {@code HttpObjectAggregator}); add the application's frame handlers after this call.
     *
     * @param pipeline the channel's pipeline, before the upgrade
     * @param config the protocol handler's configuration, used as given ({@code dropPongFrames} does not matter to
     *        Vigil: its handler sits before the protocol handler)
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @return the keepalive handler, not yet in the pipeline until the handshake completes
     */
    public static KeepAliveHandler server(ChannelPipeline pipeline, WebSocketServerProtocolConfig config,
                                          KeepAlivePolicy policy, HealthRecorder recorder) {
        return install(pipeline, new WebSocketServerProtocolHandler(Objects.requireNonNull(config, "config")), policy,
                recorder);
    }

    /**
     * Installs a server, recording nothing; see {@link #server(ChannelPipeline, WebSocketServerProtocolConfig,
     * KeepAlivePolicy, HealthRecorder)}.
     *
     * @param pipeline the channel's pipeline, before the upgrade
     * @param config the protocol handler's configuration
     * @param policy the keepalive policy
     * @return the keepalive handler, not yet in the pipeline until the handshake completes
     */
    public static KeepAliveHandler server(ChannelPipeline pipeline, WebSocketServerProtocolConfig config,
                                          KeepAlivePolicy policy) {
        return server(pipeline, config, policy, HealthRecorder.NOOP);
    }

    /**
     * Installs a {@code WebSocketClientProtocolHandler} built from {@code config} (which starts the handshake when
     * the channel is active) and keepalive that arms after the handshake, at the tail of the pipeline. The pipeline
     * must already speak HTTP ({@code HttpClientCodec} and {@code HttpObjectAggregator}).
     *
     * @param pipeline the channel's pipeline, before the upgrade
     * @param config the protocol handler's configuration, used as given
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @return the keepalive handler, not yet in the pipeline until the handshake completes
     */
    public static KeepAliveHandler client(ChannelPipeline pipeline, WebSocketClientProtocolConfig config,
                                          KeepAlivePolicy policy, HealthRecorder recorder) {
        return install(pipeline, new WebSocketClientProtocolHandler(Objects.requireNonNull(config, "config")), policy,
                recorder);
    }

    /**
     * Installs a client, recording nothing; see {@link #client(ChannelPipeline, WebSocketClientProtocolConfig,
     * KeepAlivePolicy, HealthRecorder)}.
     *
     * @param pipeline the channel's pipeline, before the upgrade
     * @param config the protocol handler's configuration
     * @param policy the keepalive policy
     * @return the keepalive handler, not yet in the pipeline until the handshake completes
     */
    public static KeepAliveHandler client(ChannelPipeline pipeline, WebSocketClientProtocolConfig config,
                                          KeepAlivePolicy policy) {
        return client(pipeline, config, policy, HealthRecorder.NOOP);
    }

    /** Adds the protocol handler and the handler that arms keepalive once its handshake has completed. */
    private static KeepAliveHandler install(ChannelPipeline pipeline, ChannelHandler protocol, KeepAlivePolicy policy,
                                            HealthRecorder recorder) {
        KeepAliveHandler keepAlive = new KeepAliveHandler(policy, WebSocketProber.INSTANCE, recorder);
        pipeline.addLast(VigilPipeline.WEBSOCKET_PROTOCOL, protocol)
                .addLast(VigilPipeline.WEBSOCKET_ARMING, new HandshakeArming(keepAlive));
        return keepAlive;
    }

    /**
     * Adds keepalive to a pipeline that has its own WebSocket set-up: if the handshake has completed (a
     * {@code WebSocketFrameDecoder} is in the pipeline) it is armed at once, otherwise it arms when the handshake
     * completes (the pipeline must then hold a {@code WebSocketServerProtocolHandler} or
     * {@code WebSocketClientProtocolHandler}, whose handshake event it waits for).
     *
     * @param pipeline the channel's pipeline
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @return the keepalive handler
     * @throws IllegalStateException if the pipeline has neither a frame decoder nor a protocol handler
     */
    public static KeepAliveHandler arm(ChannelPipeline pipeline, KeepAlivePolicy policy, HealthRecorder recorder) {
        KeepAliveHandler keepAlive = new KeepAliveHandler(policy, WebSocketProber.INSTANCE, recorder);
        if (pipeline.context(WebSocketFrameDecoder.class) != null) {
            place(pipeline, keepAlive);
            return keepAlive;
        }
        ChannelHandlerContext protocol = protocolHandler(pipeline);
        if (protocol == null) {
            throw new IllegalStateException("WebSocketKeepAlive.arm: the pipeline " + pipeline.names()
                    + " has neither a WebSocketFrameDecoder (the handshake has not completed) nor a"
                    + " WebSocketServerProtocolHandler / WebSocketClientProtocolHandler whose handshake to wait for."
                    + " Probes on a pipeline that still speaks HTTP would fail; use WebSocketKeepAlive.server(..) or"
                    + " client(..), or call arm(..) after the handshake");
        }
        pipeline.addAfter(protocol.name(), VigilPipeline.WEBSOCKET_ARMING, new HandshakeArming(keepAlive));
        return keepAlive;
    }

    /**
     * Adds a handler right after the keepalive handler, where every frame passes before the protocol handler answers
     * or drops it: at once if keepalive is armed ({@link VigilPipeline#KEEPALIVE} is in the pipeline), otherwise when
     * it arms after the handshake (installed by {@link #server}, {@link #client} or {@link #arm}). This is how ping
     * policing and back-off join a WebSocket pipeline ({@code WebSocketPingPolicingHandler.install},
     * {@code WebSocketPingBackoffHandler.install}); handlers added while waiting go in the order given.
     *
     * @param pipeline the channel's pipeline
     * @param name the handler's name
     * @param handler the handler, not {@code @Sharable} or not yet in another pipeline
     * @throws IllegalStateException if the pipeline has neither an armed keepalive handler nor one waiting for the
     *         handshake
     */
    public static void addAfterKeepAlive(ChannelPipeline pipeline, String name, ChannelHandler handler) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        ChannelHandler arming = pipeline.get(VigilPipeline.WEBSOCKET_ARMING);
        if (arming instanceof HandshakeArming) {
            ((HandshakeArming) arming).addAfterKeepAlive(name, handler);
            return;
        }
        if (pipeline.get(VigilPipeline.KEEPALIVE) == null) {
            throw new IllegalStateException("no WebSocket keepalive in " + pipeline.names() + " to put '" + name
                    + "' after: install it first with WebSocketKeepAlive.server(..), client(..) or arm(..)");
        }
        pipeline.addAfter(VigilPipeline.KEEPALIVE, name, handler);
    }

    /**
     * Puts the keepalive handler where every frame passes, on a pipeline whose handshake has completed: just before
     * the protocol handler, or, without one, right after the frame codec with a {@link WebSocketPingResponder}.
     */
    static void place(ChannelPipeline pipeline, KeepAliveHandler keepAlive) {
        ChannelHandlerContext protocol = protocolHandler(pipeline);
        if (protocol != null) {
            pipeline.addBefore(protocol.name(), VigilPipeline.KEEPALIVE, keepAlive);
            return;
        }
        ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
        ChannelHandlerContext encoder = pipeline.context(WebSocketFrameEncoder.class);
        if (decoder == null || encoder == null) {
            throw new IllegalStateException("No WebSocketFrameDecoder and WebSocketFrameEncoder in " + pipeline.names()
                    + ": the WebSocket handshake has not completed, and probes on a pipeline that still speaks HTTP"
                    + " would fail");
        }
        // After both halves of the frame codec, so that what the handler reads is decoded and what it writes encoded.
        List<String> names = pipeline.names();
        String codec = names.indexOf(decoder.name()) > names.indexOf(encoder.name()) ? decoder.name() : encoder.name();
        pipeline.addAfter(codec, VigilPipeline.KEEPALIVE, keepAlive)
                .addAfter(VigilPipeline.KEEPALIVE, VigilPipeline.PROBE_RESPONDER, WebSocketPingResponder.handler());
    }

    private static @Nullable ChannelHandlerContext protocolHandler(ChannelPipeline pipeline) {
        ChannelHandlerContext server = pipeline.context(WebSocketServerProtocolHandler.class);
        return server != null ? server : pipeline.context(WebSocketClientProtocolHandler.class);
    }
}
