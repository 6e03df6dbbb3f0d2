package io.vigil.examples.http2;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A grpc-java client (grpc-netty-shaded) with keepalive on, run as a child process by the interop test: makes one
 * unary call, prints {@code READY <reply>}, keeps its connection open, and exits when its standard input closes.
 */
public final class GrpcClientMain {

    private GrpcClientMain() {
    }

    /**
     * Runs the client.
     *
     * @param args host and port
     * @throws Exception if the call fails
     */
    public static void main(String[] args) throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(args[0], Integer.parseInt(args[1]),
                        InsecureChannelCredentials.create())
                .keepAliveTime(10, TimeUnit.SECONDS)   // grpc's minimum; Vigil's probes come first
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build();
        try {
            byte[] reply = ClientCalls.blockingUnaryCall(channel, EchoMethod.METHOD,
                    CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS),
                    "hello".getBytes(StandardCharsets.US_ASCII));
            System.out.println("READY " + new String(reply, StandardCharsets.US_ASCII));
            System.out.flush();
            while (System.in.read() != -1) {
                // Hold the connection until the parent closes our input (or stops or kills us).
            }
        } finally {
            channel.shutdownNow();
        }
    }
}
