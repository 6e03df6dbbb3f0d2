package io.vigil.examples.reactor;

import io.vigil.core.handler.HeartbeatKeepAlive;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.examples.metrics.PrintingRecorder;
import java.time.Duration;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.tcp.TcpServer;

/**
 * A Reactor Netty {@link TcpServer} with both of Vigil's layers: the kernel options as child options (read back and
 * reported, {@link VigilReactor}) and heartbeat keepalive, installed just before Reactor Netty's own tail handler
 * {@value NettyPipeline#ReactiveBridge} with {@link HeartbeatKeepAlive#installBefore} (after it, where
 * {@code HeartbeatKeepAlive.install} would put it, nothing arrives). The application echoes what it receives; the
 * heartbeat framing is invisible to it.
 *
 * <p>{@link #main} starts it, connects a {@link HeartbeatEchoClient}, sends a line, prints the
 * echo and the kernel report, waits for Vigil's first answered probe and stops.
 *
 * <p><b>Thread safety:</b> {@link #start} and {@link #close} may be called from any thread.
 *
 * @since 0.1
 */
public final class ReactorTcpExample implements AutoCloseable {

    private final DisposableServer server;

    private ReactorTcpExample(DisposableServer server) {
        this.server = server;
    }

    /**
     * Starts the echo server on loopback, on a free port.
     *
     * @param policy the keepalive policy of both layers
     * @param recorder receives the kernel report of each connection, its probes and verdicts
     * @return the running server
     */
    public static ReactorTcpExample start(KeepAlivePolicy policy, HealthRecorder recorder) {
        VigilReactor vigil = new VigilReactor(policy, recorder);
        TcpServer tcp = vigil.kernelOptions(TcpServer.create().host("127.0.0.1").port(0))
                .doOnChannelInit(vigil::reportKernelOptions)
                .doOnConnection(c -> HeartbeatKeepAlive.installBefore(c.channel().pipeline(),
                        NettyPipeline.ReactiveBridge, policy, recorder))
                .handle((in, out) -> out.send(in.receive().retain()));
        return new ReactorTcpExample(tcp.bindNow(Duration.ofSeconds(10)));
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /** Stops the server, waiting at most 10 s. */
    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    /**
     * Starts the server, echoes one line through a heartbeat client, and prints the kernel report and the first
     * answered probe's round-trip time.
     *
     * @param args ignored
     * @throws Exception if something does not happen within its bound
     */
    public static void main(String[] args) throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(Duration.ofSeconds(1))
                .interval(Duration.ofSeconds(1)).probes(2).build();
        PrintingRecorder recorder = new PrintingRecorder();
        try (ReactorTcpExample server = start(policy, recorder)) {
            System.out.println("Reactor Netty TcpServer with Vigil on 127.0.0.1:" + server.port());
            try (HeartbeatEchoClient client = HeartbeatEchoClient.connect(server.port(), policy)) {
                System.out.println("echo: " + client.echo("hello through Reactor Netty"));
                recorder.awaitFirstAnswer(10);
            }
        }
    }
}
