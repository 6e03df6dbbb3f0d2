package io.vigil.examples.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A one-method gRPC service, {@code vigil.Echo/Say}, with UTF-8 strings as messages (no protobuf code generation),
 * for the gRPC examples and their tests.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 *
 * @since 0.1
 */
public final class EchoService {

    /** The method: a unary call that answers {@code "echo: " + request}. */
    public static final MethodDescriptor<String, String> SAY = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("vigil.Echo", "Say"))
            .setRequestMarshaller(Utf8.INSTANCE).setResponseMarshaller(Utf8.INSTANCE).build();

    private EchoService() {
    }

    /**
     * Returns the service's definition, to add to a server builder.
     *
     * @return the definition
     */
    public static ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder("vigil.Echo")
                .addMethod(SAY, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext("echo: " + request);
                    response.onCompleted();
                }))
                .build();
    }

    /**
     * Calls {@code Say} with a 10 s deadline.
     *
     * @param channel a channel to the server
     * @param text the request
     * @return the answer
     */
    public static String say(Channel channel, String text) {
        return ClientCalls.blockingUnaryCall(channel, SAY, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                text);
    }

    /** UTF-8 strings on the wire. */
    private enum Utf8 implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
