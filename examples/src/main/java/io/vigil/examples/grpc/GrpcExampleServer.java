package io.vigil.examples.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.util.concurrent.TimeUnit;

/**
 * What the gRPC examples share: a started {@link Server} with the {@link EchoService}, its event loops, and one call
 * made to it with grpc-java's client.
 *
 * <p><b>Thread safety:</b> {@link #port}, {@link #newChannel} and {@link #close} may be called from any thread.
 *
 * @since 0.1
 */
public abstract class GrpcExampleServer implements AutoCloseable {

    private final Server server;
    private final Runnable stopLoops;

    /**
     * Wraps a started server.
     *
     * @param server the started server
     * @param stopLoops shuts down the server's event loops and waits for them (bounded)
     */
    protected GrpcExampleServer(Server server, Runnable stopLoops) {
        this.server = server;
        this.stopLoops = stopLoops;
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.getPort();
    }

    /**
     * Opens a plaintext channel to the server with the client of the same grpc-java transport.
     *
     * @return a channel; shut it down after use
     */
    public abstract ManagedChannel newChannel();

    /** Stops the server and its event loops, waiting at most 15 s. */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopLoops.run();
    }

    /**
     * Calls {@code Say} once on a new channel and prints the answer.
     *
     * @param text the request
     * @throws InterruptedException if interrupted while closing the channel
     */
    public void callOnce(String text) throws InterruptedException {
        ManagedChannel channel = newChannel();
        try {
            System.out.println("answer: " + EchoService.say(channel, text));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
