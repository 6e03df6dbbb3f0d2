package io.vigil.examples.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.vigil.core.handler.HeartbeatKeepAlive;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.socket.SocketKeepAlive;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server that watches the connection a peer makes to it with the chosen {@link Layers}, all from the demo's one
 * policy: the kernel layer with {@link SocketKeepAlive} (set on the listener, inherited by each accepted socket and
 * read back there), the userspace layer with {@link HeartbeatKeepAlive} (heartbeat framing, {@code KeepAliveHandler},
 * probe responder). This is the only place the demo installs Vigil.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class VigilServer implements AutoCloseable {

    /**
     * The userspace policy of a kernel-only connection: an hour, so the handler never decides and is there only to
     * report the kernel's verdict as {@code PeerDead(KERNEL_*)}.
     */
    static final KeepAlivePolicy BYSTANDER = KeepAlivePolicy.deadWithin(Duration.ofHours(1));

    private final Channel listener;
    private final CompletableFuture<Watch> accepted;

    private VigilServer(Channel listener, CompletableFuture<Watch> accepted) {
        this.listener = listener;
        this.accepted = accepted;
    }

    /**
     * Starts listening on an ephemeral port.
     *
     * @param stage the demo's shared state (policy, transport, loops, recorder)
     * @param name the connection's name on the timeline, e.g. {@code bob:kernel}
     * @param layers which layers watch the connection
     * @param host the address to bind: loopback, or the demo's end of a namespace's veth pair
     * @return the server
     * @throws InterruptedException if interrupted while binding
     */
    static VigilServer listen(Stage stage, String name, Layers layers, String host) throws InterruptedException {
        return listen(stage, name, layers, host, 0);
    }

    /**
     * Starts listening on an ephemeral port, with a capped send buffer on the accepted socket.
     *
     * @param stage the demo's shared state (policy, transport, loops, recorder)
     * @param name the connection's name on the timeline, e.g. {@code bob:kernel}
     * @param layers which layers watch the connection
     * @param host the address to bind: loopback, or the demo's end of a namespace's veth pair
     * @param sendBuffer {@code SO_SNDBUF} of the accepted socket, bytes; 0 keeps the kernel's autotuning
     * @return the server
     * @throws InterruptedException if interrupted while binding
     */
    static VigilServer listen(Stage stage, String name, Layers layers, String host, int sendBuffer)
            throws InterruptedException {
        CompletableFuture<Watch> accepted = new CompletableFuture<>();
        ServerBootstrap bootstrap = new ServerBootstrap().group(stage.group()).channel(stage.transport().serverClass())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Watch watch = new Watch(name, stage.timeline());
                        ch.pipeline().addFirst("demo.stamp", watch.stamp());
                        HeartbeatKeepAlive.install(ch.pipeline(), layers.userspace() ? stage.policy() : BYSTANDER,
                                stage.recorder());
                        ch.pipeline().addLast("demo.watch", watch);
                        if (!accepted.complete(watch)) {
                            ch.close(); // one connection per server
                        }
                    }
                });
        if (sendBuffer > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, sendBuffer);
        }
        if (layers.kernel()) {
            // Set once on the listener (the default accept path); every child read back, for the demo's timeline.
            SocketKeepAlive.builder(stage.policy()).recorder(stage.recorder()).childReports(1).build()
                    .configure(bootstrap);
        }
        Channel listener = bootstrap.bind(host, 0).sync().channel();
        return stage.janitor().register(new VigilServer(listener, accepted));
    }

    /**
     * Returns the port the peer connects to.
     *
     * @return the port
     */
    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Waits (10 s at most) for the peer's connection.
     *
     * @return its watch
     * @throws Exception if none came
     */
    Watch accepted() throws Exception {
        return accepted.get(10, TimeUnit.SECONDS);
    }

    /** Closes the listener and the connection. Idempotent. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        Watch watch = accepted.getNow(null);
        if (watch != null) {
            watch.channel().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "server " + listener.localAddress();
    }
}
