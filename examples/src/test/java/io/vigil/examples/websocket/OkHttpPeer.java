package io.vigil.examples.websocket;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * A third-party WebSocket peer in its own JVM: an OkHttp client that connects to the URI in {@code args[0]}, prints
 * {@code OPEN} once the handshake is done, then stays connected (OkHttp answers pings by itself) until its parent
 * kills it, or for 60 s at most.
 */
public final class OkHttpPeer {

    private OkHttpPeer() {
    }

    /**
     * Connects and waits.
     *
     * @param args the server's {@code ws://} URI
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        OkHttpClient client = new OkHttpClient.Builder().build();
        client.newWebSocket(new Request.Builder().url(args[0]).build(), new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                System.out.println("OPEN " + ProcessHandle.current().pid());
                System.out.flush();
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                System.out.println("FAILED " + t);
                done.countDown();
            }

            @Override
            public void onClosed(WebSocket webSocket, int code, String reason) {
                done.countDown();
            }
        });
        done.await(60, TimeUnit.SECONDS);
        System.exit(0);
    }
}
