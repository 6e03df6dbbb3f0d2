package io.vigil.examples.http2;

import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An OkHttp client over h2c (prior knowledge), run as a child process by the interop test: makes one request,
 * prints {@code READY <protocol> <body>}, keeps its pooled connection open, and exits when its standard input
 * closes.
 */
public final class OkHttpClientMain {

    private OkHttpClientMain() {
    }

    /**
     * Runs the client.
     *
     * @param args host and port
     * @throws Exception if the request fails
     */
    public static void main(String[] args) throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE)).build();
        Request request = new Request.Builder().url("http://" + args[0] + ":" + args[1] + "/hello").build();
        try (Response response = client.newCall(request).execute()) {
            System.out.println("READY " + response.protocol() + " " + response.body().string().trim());
            System.out.flush();
        }
        while (System.in.read() != -1) {
            // Hold the pooled connection until the parent closes our input (or stops or kills us).
        }
        client.connectionPool().evictAll();
    }
}
