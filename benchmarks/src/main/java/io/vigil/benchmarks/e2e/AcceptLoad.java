package io.vigil.benchmarks.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * The client of {@link AcceptBench}, a <b>separate process</b>: {@code threads} threads each connect to the server,
 * wait until the server has accepted (it writes one byte once the child's pipeline is set up) and close abortively
 * ({@code SO_LINGER} 0, so no {@code TIME_WAIT} accumulates), for {@code millis}; prints {@code READY} first and one
 * JSON line of the count at the end.
 *
 * <pre>{@code AcceptLoad <port> <threads> <warmupMs> <millis>}</pre>
 *
 * <p><b>Thread safety:</b> each thread has its own counter, summed after they end.
 *
 * @since 0.1
 */
public final class AcceptLoad {

    private AcceptLoad() {
    }

    /**
     * Runs the load.
     *
     * @param args see the class comment
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        long warmup = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
        long measure = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]));
        InetSocketAddress server = new InetSocketAddress(Net.HOST, port);
        long[] counts = new long[threads];
        Thread[] workers = new Thread[threads];
        System.out.println("READY");
        System.out.flush();
        long start = System.nanoTime();
        long from = start + warmup;
        long end = from + measure;
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                byte[] one = new byte[1];
                while (System.nanoTime() < end) {
                    try (Socket s = new Socket()) {
                        s.setSoLinger(true, 0);
                        s.setSoTimeout(5_000);
                        s.connect(server, 5_000);
                        if (s.getInputStream().read(one) == 1 && System.nanoTime() >= from) {
                            counts[id]++;
                        }
                    } catch (IOException e) {
                        // A refused or reset connection is not counted; the bound on time still ends the loop.
                    }
                }
            }, "accept-load-" + t);
            workers[t].start();
        }
        long total = 0;
        for (int t = 0; t < threads; t++) {
            workers[t].join(TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) + 15_000);
            total += counts[t];
        }
        System.out.printf(java.util.Locale.ROOT, "{\"accepted\":%d,\"perSecond\":%.1f}%n", total, total / (measure / 1e9));
        System.out.flush();
    }
}
