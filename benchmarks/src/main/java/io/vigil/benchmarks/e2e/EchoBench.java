package io.vigil.benchmarks.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.vigil.core.internal.timer.TimerWheelConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * End to end over loopback: an echo/RPC server in this JVM, driven by {@link EchoLoad} in a separate process, for
 * each transport ({@code epoll}, {@code nio}) and keepalive mode ({@code none}; {@code tick}: no keepalive, only a
 * task that does nothing, run at Vigil's wheel tick on the server's loop, which isolates what a periodic tick costs
 * the transport's event loop from what the handler costs; {@code ish}: IdleStateHandler reader idle + a heartbeat
 * prober; {@code vigil}: KeepAliveHandler), repeated with the modes interleaved. Per repetition:
 * throughput at saturation, then latency percentiles at a fixed rate below saturation and the server's CPU per
 * request in that phase: the whole process's (what a user pays) and its event loop thread's alone (the request path;
 * the rest is JIT compilation, GC and the JVM's other threads). Writes {@code e2e.json} for the report.
 *
 * <pre>{@code java -cp vigil-benchmarks.jar io.vigil.benchmarks.e2e.EchoBench <out.json> [reps] [warmupMs] \
 *     [measureMs] [connections] [rate]}</pre>
 *
 * <p><b>Thread safety:</b> a command-line tool; the server's counter is touched on its one loop thread only.
 *
 * @since 0.1
 */
public final class EchoBench {

    /** Idle time and probe interval of both keepalives: short, so the machinery is live during the run. */
    static final Duration IDLE = Duration.ofSeconds(1);
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final String[] MODES = {"none", "tick", "ish", "vigil"};

    private EchoBench() {
    }

    /** Echoes every request; counts them. One instance per server (its loop is single-threaded). */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        volatile long requests;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            requests++;
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Runs the measurement.
     *
     * @param args see the class comment
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long warmup = args.length > 2 ? Long.parseLong(args[2]) : 5_000;
        long measure = args.length > 3 ? Long.parseLong(args[3]) : 20_000;
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        double rate = args.length > 5 ? Double.parseDouble(args[5]) : 20_000;
        List<String> runs = new ArrayList<>();
        List<String> transports = Net.transports();
        if (reps >= 5) {
            // A record run: one discarded pass first, so that no mode pays for the server JVM's warm-up (JIT).
            for (String transport : transports) {
                for (String mode : MODES) {
                    once(transport, mode, -1, warmup, measure, connections, rate);
                }
            }
        }
        for (int rep = 0; rep < reps; rep++) {
            for (String transport : transports) {
                for (int m = 0; m < MODES.length; m++) {
                    // Rotate the order each repetition so no mode always runs first.
                    String mode = MODES[(m + rep) % MODES.length];
                    runs.add(once(transport, mode, rep, warmup, measure, connections, rate));
                    System.err.println("e2e: " + runs.get(runs.size() - 1));
                }
            }
        }
        String json = String.format(Locale.ROOT, "{\"connections\":%d,\"rate\":%.0f,\"idle\":\"%s\","
                        + "\"warmupMs\":%d,\"measureMs\":%d,\"transports\":[%s],\"runs\":[%n%s%n]}%n", connections, rate,
                IDLE, warmup, measure, "\"" + String.join("\",\"", transports) + "\"", String.join(",\n", runs));
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.err.println("e2e: wrote " + out);
    }

    static String once(String transport, String mode, int rep, long warmup, long measure, int connections,
                       double rate) throws Exception {
        EventLoopGroup group = Net.group(transport, 1, "echo-server");
        Echo echo = new Echo();
        try {
            Channel server = new ServerBootstrap().group(group).channel(Net.serverChannel(transport))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            Net.keepAlive(ch.pipeline(), "tick".equals(mode) ? "none" : mode, IDLE, INTERVAL, 3);
                            ch.pipeline().addLast("echo", echo);
                        }
                    }).bind(Net.HOST, 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            long loopThread = group.next().submit(() -> Thread.currentThread().getId()).get(10, TimeUnit.SECONDS);
            if ("tick".equals(mode)) {
                long tick = TimerWheelConfig.fromSystemProperties().tickNanos();
                group.next().scheduleAtFixedRate(() -> { }, tick, tick, TimeUnit.NANOSECONDS);
            }
            String sat = phase(transport, port, connections, "sat", rate, warmup, measure, echo, loopThread, null);
            long[] cpu = new long[3];
            String fixed = phase(transport, port, connections, "rate", rate, warmup, measure, echo, loopThread, cpu);
            server.close().sync();
            return String.format(Locale.ROOT, "{\"transport\":\"%s\",\"mode\":\"%s\",\"rep\":%d,"
                            + "\"saturationRps\":%s,\"p50Us\":%s,\"p99Us\":%s,\"p999Us\":%s,\"maxUs\":%s,"
                            + "\"cpuUsPerRequest\":%.3f,\"loopCpuUsPerRequest\":%.3f,\"rateAnswers\":%s}", transport,
                    mode, rep, field(sat, "rps"), field(fixed, "p50Us"), field(fixed, "p99Us"), field(fixed, "p999Us"),
                    field(fixed, "maxUs"), cpu[1] > 0 ? cpu[0] / 1e3 / cpu[1] : Double.NaN,
                    cpu[1] > 0 ? cpu[2] / 1e3 / cpu[1] : Double.NaN, field(fixed, "answers"));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * One load process. cpu, if given, receives [server process CPU ns, requests served, CPU ns of the server loop's
     * thread {@code loopThread}] over the phase.
     */
    private static String phase(String transport, int port, int connections, String kind, double rate, long warmup,
                                long measure, Echo echo, long loopThread, long[] cpu)
            throws IOException, InterruptedException {
        Process p = Net.java("512m", EchoLoad.class, transport, String.valueOf(port), String.valueOf(connections),
                kind, String.valueOf(rate), String.valueOf(warmup), String.valueOf(measure));
        try {
            String ready = Net.readLine(p.getInputStream(), Duration.ofSeconds(60));
            if (!"READY".equals(ready)) {
                throw new IOException("load generator: " + ready);
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long loop0 = threads.getThreadCpuTime(loopThread);
            long cpu0 = Net.processCpuNanos();
            long req0 = echo.requests;
            String result = Net.readLine(p.getInputStream(), Duration.ofMillis(warmup + measure + 60_000));
            if (cpu != null) {
                cpu[0] = Net.processCpuNanos() - cpu0;
                cpu[1] = echo.requests - req0;
                cpu[2] = threads.getThreadCpuTime(loopThread) - loop0;
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IOException("load generator did not exit");
            }
            return result;
        } finally {
            Net.kill(p);
        }
    }

    /** A numeric field of a flat JSON line, as text. */
    static String field(String json, String name) {
        String key = "\"" + name + "\":";
        int i = json.indexOf(key);
        if (i < 0) {
            return "null";
        }
        int j = i + key.length();
        int k = j;
        while (k < json.length() && ",}".indexOf(json.charAt(k)) < 0) {
            k++;
        }
        return json.substring(j, k);
    }
}
