package io.vigil.core.websocket;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PeerDead;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.ProofOfLife;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handshake path on real sockets (NIO over loopback): a server and a client installed with
 * {@link WebSocketKeepAlive} upgrade, arm, probe each other with pings and see the pongs. Every wait is bounded.
 */
@Timeout(30)
class WebSocketLoopbackTest {

    /**
     * Probes after 300 ms of silence, every 100 ms; the peer's own pings do not end a probing episode (both sides
     * probe at about the same time), so each episode ends with its own pong and a round-trip time.
     */
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofMillis(300)).interval(Duration.ofMillis(100)).probes(3)
            .proofOfLife(ProofOfLife.ANY_MESSAGE_EXCEPT_PEER_PROBES).build();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @AfterEach
    void shutdown() throws InterruptedException {
        group.shutdownGracefully(0, 0, SECONDS).await(10, SECONDS);
    }

    @Test
    void bothSidesUpgradeArmAndHearTheirPongs() throws Exception {
        CompletableFuture<PeerAlive> serverHeard = new CompletableFuture<>();
        CompletableFuture<PeerAlive> clientHeard = new CompletableFuture<>();
        CompletableFuture<PeerDead> anyDeath = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65_536));
                        WebSocketKeepAlive.server(ch.pipeline(),
                                WebSocketServerProtocolConfig.newBuilder().websocketPath("/ws").build(), POLICY,
                                HealthRecorder.NOOP);
                        ch.pipeline().addLast(new Outcome(serverHeard, anyDeath));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65_536));
                        WebSocketKeepAlive.client(ch.pipeline(), WebSocketClientProtocolConfig.newBuilder()
                                .webSocketUri("ws://127.0.0.1:" + port + "/ws").build(), POLICY);
                        ch.pipeline().addLast(new Outcome(clientHeard, anyDeath));
                    }
                })
                .connect(server.localAddress()).sync().channel();
        try {
            assertThat(serverHeard.get(10, SECONDS).rttNanos()).isNotNegative();
            assertThat(clientHeard.get(10, SECONDS).rttNanos()).isNotNegative();
            assertThat(anyDeath).isNotDone();
            assertThat(client.isActive()).isTrue();
        } finally {
            client.close().await(5, SECONDS);
            server.close().await(5, SECONDS);
        }
    }

    /** Completes on the first {@link PeerAlive} or {@link PeerDead}; releases every frame the application gets. */
    private static final class Outcome extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<PeerAlive> alive;
        private final CompletableFuture<PeerDead> dead;

        Outcome(CompletableFuture<PeerAlive> alive, CompletableFuture<PeerDead> dead) {
            this.alive = alive;
            this.dead = dead;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof PeerAlive) {
                alive.complete((PeerAlive) evt);
            } else if (evt instanceof PeerDead) {
                dead.complete((PeerDead) evt);
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
