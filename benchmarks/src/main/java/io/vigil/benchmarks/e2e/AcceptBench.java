package io.vigil.benchmarks.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.vigil.core.event.KernelOptionsApplied;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.socket.AcceptPath;
import io.vigil.core.socket.SocketKeepAlive;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The accept path: accepted connections per second for a server whose children get the kernel keepalive options
 * <ul>
 *   <li>{@code none}: no options (the floor);</li>
 *   <li>{@code child}: {@link SocketKeepAlive#configure(ServerBootstrap)} with {@link AcceptPath#EACH_CHILD}: each
 *       child sets the five options ({@code setsockopt} × 5) and reads them back ({@code getsockopt} × 5) for its
 *       report;</li>
 *   <li>{@code listener+report}: {@link AcceptPath#LISTENER} with {@code childReports(1)}: the options set once on
 *       the listening socket (Linux copies them to every accepted socket), every child only reading back
 *       ({@code getsockopt} × 5). The count of reports with every option applied verifies, on each accepted socket,
 *       that it inherited them;</li>
 *   <li>{@code listener}: the default, {@link AcceptPath#LISTENER} with
 *       {@value SocketKeepAlive#DEFAULT_CHILD_REPORTS}-sampled reports: the first child read back, no per-child work
 *       for the others.</li>
 * </ul>
 * NIO's listener takes the three {@code TCP_KEEP*} options but not {@code SO_KEEPALIVE}, so on NIO each child of the
 * listener modes still sets that one and is read back (NIO has no {@code TCP_USER_TIMEOUT}, which every child's
 * report must carry to its keepalive handler).
 * The client ({@link AcceptLoad}) is a separate process; the server writes one byte once the child's pipeline is set
 * up, so a counted connection has been through the whole accept path. Writes {@code accept.json} for the report.
 *
 * <pre>{@code java -cp vigil-benchmarks.jar io.vigil.benchmarks.e2e.AcceptBench <out.json> [reps] [warmupMs] \
 *     [measureMs] [clientThreads]}</pre>
 *
 * <p><b>Thread safety:</b> a command-line tool.
 *
 * @since 0.1
 */
public final class AcceptBench {

    static final String[] MODES = {"none", "child", "listener+report", "listener"};

    private AcceptBench() {
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
        long warmup = args.length > 2 ? Long.parseLong(args[2]) : 2_000;
        long measure = args.length > 3 ? Long.parseLong(args[3]) : 10_000;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        List<String> runs = new ArrayList<>();
        // One discarded pass first, so that no mode pays for the server JVM's warm-up (JIT).
        for (String transport : Net.transports()) {
            for (String mode : MODES) {
                once(transport, mode, -1, warmup, Math.min(measure, 2_000), threads);
            }
        }
        for (int rep = 0; rep < reps; rep++) {
            for (String transport : Net.transports()) {
                for (int m = 0; m < MODES.length; m++) {
                    String mode = MODES[(m + rep) % MODES.length];
                    runs.add(once(transport, mode, rep, warmup, measure, threads));
                    System.err.println("accept: " + runs.get(runs.size() - 1));
                }
            }
        }
        Files.writeString(out, String.format(Locale.ROOT, "{\"clientThreads\":%d,\"runs\":[%n%s%n]}%n", threads,
                String.join(",\n", runs)), StandardCharsets.UTF_8);
        System.err.println("accept: wrote " + out);
    }

    static String once(String transport, String mode, int rep, long warmup, long measure, int threads)
            throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(Duration.ofSeconds(30))
                .interval(Duration.ofSeconds(5)).probes(3).build();
        SocketKeepAlive.Builder kernel = SocketKeepAlive.builder(policy);
        if ("child".equals(mode)) {
            kernel.acceptPath(AcceptPath.EACH_CHILD);
        } else if ("listener+report".equals(mode)) {
            kernel.childReports(1);
        }
        EventLoopGroup group = Net.group(transport, 1, "accept-server");
        AtomicLong reports = new AtomicLong();
        AtomicLong applied = new AtomicLong();
        Process load = null;
        try {
            ServerBootstrap sb = new ServerBootstrap().group(group).channel(Net.serverChannel(transport))
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new Hello(reports, applied));
                        }
                    });
            if (!"none".equals(mode)) {
                kernel.build().configure(sb);
            }
            Channel server = sb.bind(Net.HOST, 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            load = Net.java("256m", AcceptLoad.class, String.valueOf(port), String.valueOf(threads),
                    String.valueOf(warmup), String.valueOf(measure));
            Net.readLine(load.getInputStream(), Duration.ofSeconds(60));
            String result = Net.readLine(load.getInputStream(), Duration.ofMillis(warmup + measure + 60_000));
            server.close().sync();
            return String.format(Locale.ROOT, "{\"transport\":\"%s\",\"mode\":\"%s\",\"rep\":%d,"
                            + "\"acceptsPerSecond\":%s,\"reports\":%d,\"allApplied\":%d}", transport, mode, rep,
                    EchoBench.field(result, "perSecond"), reports.get(), applied.get());
        } finally {
            Net.kill(load);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Writes one byte when active (the child's pipeline is set up); counts kernel-option reports, and those whose
     * read-back found every option at its requested value (with the options on the listener: inherited by the child).
     */
    static final class Hello extends ChannelInboundHandlerAdapter {
        private final AtomicLong reports;
        private final AtomicLong applied;

        Hello(AtomicLong reports, AtomicLong applied) {
            this.reports = reports;
            this.applied = applied;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof KernelOptionsApplied) {
                reports.incrementAndGet();
                if (((KernelOptionsApplied) evt).report().allApplied()) {
                    applied.incrementAndGet();
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
