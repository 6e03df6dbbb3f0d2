package io.vigil.examples.reactor;

import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.http2.Http2KeepAlive;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.examples.metrics.PrintingRecorder;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * A Reactor Netty {@link HttpServer} speaking h2c (HTTP/2 over cleartext, prior knowledge) with both of Vigil's layers:
 * the kernel options as child options of the transport Reactor Netty picks, read back from each accepted socket and
 * reported ({@link VigilReactor}); and HTTP/2 PING probing, installed in {@code doOnChannelInit} right after the
 * {@code Http2FrameCodec} Reactor Netty put there ({@link Http2KeepAlive}).
 *
 * <p>{@link #main} starts it, sends one request with Reactor Netty's own h2c client, prints the answer and the
 * kernel report, and stops.
 *
 * <p><b>Thread safety:</b> {@link #start}, {@link #get} and {@link #close} may be called from any thread.
 *
 * @since 0.1
 */
public final class ReactorHttpExample implements AutoCloseable {

    private final DisposableServer server;

    private ReactorHttpExample(DisposableServer server) {
        this.server = server;
    }

    /**
     * Starts the server on loopback, on a free port; it answers every request with {@code "vigil over <protocol>"}.
     *
     * @param policy the keepalive policy whose kernel half every accepted socket gets
     * @param recorder receives each connection's kernel report
     * @return the running server
     */
    public static ReactorHttpExample start(KeepAlivePolicy policy, HealthRecorder recorder) {
        VigilReactor vigil = new VigilReactor(policy, recorder);
        HttpServer http = vigil.kernelOptions(HttpServer.create().host("127.0.0.1").port(0))
                .protocol(HttpProtocol.H2C)
                .doOnChannelInit((observer, channel, remote) -> {
                    vigil.reportKernelOptions(observer, channel, remote);
                    // Reactor Netty's h2c pipeline has its Http2FrameCodec by now: the keepalive goes right after it.
                    Http2KeepAlive.install(channel.pipeline(), policy, recorder);
                })
                .handle((request, response) -> response.sendString(Mono.just("vigil over " + request.protocol())));
        return new ReactorHttpExample(http.bindNow(Duration.ofSeconds(10)));
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * Sends {@code GET /} over h2c with Reactor Netty's client and returns the body.
     *
     * @return the body, e.g. {@code "vigil over HTTP/2.0"}
     */
    public String get() {
        return HttpClient.create().protocol(HttpProtocol.H2C).get().uri("http://127.0.0.1:" + port() + "/")
                .responseContent().aggregate().asString().block(Duration.ofSeconds(10));
    }

    /** Stops the server, waiting at most 10 s. */
    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    /**
     * Starts the server, sends one h2c request and prints the answer and the kernel report.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(Duration.ofSeconds(30));
        try (ReactorHttpExample server = start(policy, new PrintingRecorder())) {
            System.out.println("Reactor Netty HttpServer (h2c) with both Vigil layers on 127.0.0.1:" + server.port());
            System.out.println("answer: " + server.get());
        }
    }
}
