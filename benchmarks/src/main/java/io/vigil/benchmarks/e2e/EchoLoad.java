package io.vigil.benchmarks.e2e;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatResponder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load generator of {@link EchoBench}, run as a <b>separate process</b> so that it does not share the server's
 * JVM (its allocation, GC and JIT stay out of the server's figures): opens {@code connections} loopback connections
 * with the same wire format as the server (heartbeat framing; it answers the server's probes), then either
 * <ul>
 *   <li>{@code sat}: each connection keeps one 64 B request in flight, the next sent as the answer arrives; counts
 *       answers in the measured window (throughput at saturation); or</li>
 *   <li>{@code rate}: each connection sends on a fixed schedule (total {@code rate} requests/s); the latency of each
 *       request is taken from its <b>intended</b> send time, so a stall delays the schedule's sends and their
 *       latency counts it (coordinated omission corrected), and recorded in an HdrHistogram.</li>
 * </ul>
 * Prints {@code READY} when connected, then one JSON line with the results.
 *
 * <pre>{@code EchoLoad <transport> <port> <connections> <sat|rate> <rate> <warmupMs> <measureMs>}</pre>
 *
 * <p><b>Thread safety:</b> all connection state lives on the one client loop.
 *
 * @since 0.1
 */
public final class EchoLoad {

    private static final int PAYLOAD = 64;
    private static final int IN_FLIGHT = 4096;

    private final boolean saturation;
    private final long intervalNanos;
    private final long measureStart;
    private final long measureEnd;
    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private long answers;
    private long late;

    private EchoLoad(boolean saturation, long intervalNanos, long measureStart, long measureEnd) {
        this.saturation = saturation;
        this.intervalNanos = intervalNanos;
        this.measureStart = measureStart;
        this.measureEnd = measureEnd;
    }

    /**
     * Runs the load.
     *
     * @param args see the class comment
     * @throws Exception on failure (the process exits non-zero)
     */
    public static void main(String[] args) throws Exception {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        boolean saturation = "sat".equals(args[3]);
        double rate = Double.parseDouble(args[4]);
        long warmup = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[5]));
        long measure = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[6]));
        EventLoopGroup group = Net.group(transport, 1, "echo-load");
        try {
            List<Channel> channels = new ArrayList<>();
            long[] start = new long[1];
            EchoLoad[] load = new EchoLoad[1];
            CountDownLatch connected = new CountDownLatch(connections);
            Bootstrap b = new Bootstrap().group(group).channel(Net.channel(transport))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HeartbeatCodec()).addLast(HeartbeatResponder.handler())
                                    .addLast(new Client(load, connected));
                        }
                    });
            for (int i = 0; i < connections; i++) {
                channels.add(b.connect(Net.HOST, port).sync().channel());
            }
            if (!connected.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every connection became active");
            }
            System.out.println("READY");
            System.out.flush();
            EventLoop loop = channels.get(0).eventLoop();
            long interval = (long) (connections * 1e9 / rate);
            loop.submit(() -> {
                start[0] = System.nanoTime();
                load[0] = new EchoLoad(saturation, interval, start[0] + warmup, start[0] + warmup + measure);
                for (int i = 0; i < channels.size(); i++) {
                    Channel ch = channels.get(i);
                    Client c = ch.pipeline().get(Client.class);
                    if (saturation) {
                        c.send(ch, 0);
                    } else {
                        // Stagger the connections evenly over one interval.
                        c.schedule(ch, start[0] + interval * i / channels.size());
                    }
                }
            }).sync();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(warmup + measure) + 200);
            String json = loop.submit(() -> load[0].json(measure, connections, rate)).get(10, TimeUnit.SECONDS);
            for (Channel ch : channels) {
                ch.close();
            }
            System.out.println(json);
            System.out.flush();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private String json(long measure, int connections, double rate) {
        double seconds = measure / 1e9;
        return String.format(Locale.ROOT, "{\"answers\":%d,\"rps\":%.1f,\"recorded\":%d,\"p50Us\":%.2f,"
                        + "\"p99Us\":%.2f,\"p999Us\":%.2f,\"maxUs\":%.2f,\"lateSends\":%d,\"connections\":%d,"
                        + "\"rate\":%.1f}", answers, answers / seconds, histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3, late, connections, rate);
    }

    /** One connection's side: sends requests, takes answers, keeps the intended send times in flight. */
    static final class Client extends ChannelInboundHandlerAdapter {
        private final EchoLoad[] load;
        private final CountDownLatch connected;
        private final long[] intended = new long[IN_FLIGHT];
        private int head;
        private int tail;
        private long nextIntended;

        Client(EchoLoad[] load, CountDownLatch connected) {
            this.load = load;
            this.connected = connected;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connected.countDown();
            ctx.fireChannelActive();
        }

        void send(Channel ch, long intendedAt) {
            if (tail - head == IN_FLIGHT) {
                load[0].late++;
                return;
            }
            intended[tail++ & (IN_FLIGHT - 1)] = intendedAt;
            ByteBuf req = ch.alloc().buffer(PAYLOAD).writeZero(PAYLOAD);
            ch.writeAndFlush(req, ch.voidPromise());
        }

        void schedule(Channel ch, long first) {
            nextIntended = first;
            tick(ch);
        }

        /** Sends every request whose intended time has come, then sleeps until the next one (bounded by the end). */
        private void tick(Channel ch) {
            EchoLoad l = load[0];
            long now = System.nanoTime();
            int sent = 0;
            while (nextIntended <= now && sent++ < IN_FLIGHT && ch.isActive()) {
                send(ch, nextIntended);
                nextIntended += l.intervalNanos;
            }
            if (ch.isActive() && nextIntended < l.measureEnd + l.intervalNanos) {
                ch.eventLoop().schedule(() -> tick(ch), Math.max(0, nextIntended - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            EchoLoad l = load[0];
            long now = System.nanoTime();
            long sentAt = head < tail ? intended[head++ & (IN_FLIGHT - 1)] : now;
            if (l == null) {
                return;
            }
            if (l.saturation) {
                if (now >= l.measureStart && now < l.measureEnd) {
                    l.answers++;
                }
                if (now < l.measureEnd) {
                    send(ctx.channel(), now);
                }
            } else if (sentAt >= l.measureStart && sentAt < l.measureEnd) {
                l.answers++;
                l.histogram.recordValue(Math.min(now - sentAt, l.histogram.getHighestTrackableValue()));
            }
        }
    }
}
