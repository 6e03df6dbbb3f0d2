package io.vigil.benchmarks.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.vigil.benchmarks.footprint.Footprint;
import io.vigil.benchmarks.footprint.HeapHistogram;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An idle fleet: {@code connections} idle loopback connections on one server event loop, the peers in a separate
 * process ({@link FleetPeers}) answering probes, for each mode: {@code vigil} (KeepAliveHandler), {@code ish}
 * (IdleStateHandler + heartbeat prober) and {@code kernel} (TCP keepalive alone, same idle and interval). Over a
 * window: the loop thread's CPU, its wake-ups (context switches from {@code /proc}), its allocation, GC count, the
 * probes the peers received; then the detection time of one peer that stops reading (its kernel still ACKs); then
 * the live heap per connection (in total and by class, from the heap histogram).
 *
 * <p>Every run of a mode is a fresh JVM ({@value #RUN_HEAP} heap, pre-touched, like a JMH fork): {@code reps} rounds
 * of the three modes, the order rotated each round so that no mode always runs first, each run on its own loopback
 * address block (the previous runs' connections hold their ports in TIME_WAIT). A fresh process per run also gives
 * each run the whole descriptor limit: a mode run after another in one JVM once found 14,515 of the previous mode's
 * descriptors still open 60 s after its event loop was shut down. Writes {@code fleet.json} (every run) for the
 * report, which shows medians and ranges per mode.
 *
 * <pre>{@code java -cp vigil-benchmarks.jar io.vigil.benchmarks.e2e.IdleFleet <out.json> [connections] \
 *     [windowMs] [idleMs] [intervalMs] [reps]}</pre>
 *
 * <p>Needs about 2 file descriptors per connection across the two processes of a run ({@code ulimit -n}; run.sh
 * raises it).
 *
 * <p><b>Thread safety:</b> a command-line tool.
 *
 * @since 0.1
 */
public final class IdleFleet {

    /** Heap of each run's JVM (the peers' JVM has 1 GiB). */
    static final String RUN_HEAP = "4g";
    private static final String[] MODES = {"vigil", "ish", "kernel"};
    private static final int PROBES = 3;
    private static final String LOOP_NAME = "fleetloop";
    private static final String ONCE = "--once";
    private static final String RESULT = "RUN ";

    private IdleFleet() {
    }

    /**
     * Runs the fleet, or with {@code --once} one run of one mode (the child JVM the fleet starts).
     *
     * @param args see the class comment
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        try {
            if (args.length > 0 && ONCE.equals(args[0])) {
                // --once transport mode connections windowMs idleMs intervalMs block
                System.out.println(RESULT + once(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]),
                        Duration.ofMillis(Long.parseLong(args[5])), Duration.ofMillis(Long.parseLong(args[6])),
                        Integer.parseInt(args[7])));
                System.out.flush();
            } else {
                run(args);
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        // The event loops' threads would keep the JVM (and run.sh) waiting.
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        long window = args.length > 2 ? Long.parseLong(args[2]) : 30_000;
        long idle = args.length > 3 ? Long.parseLong(args[3]) : 5_000;
        long interval = args.length > 4 ? Long.parseLong(args[4]) : 1_000;
        int reps = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        String transport = Net.transports().get(0);
        List<String> runs = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            for (int i = 0; i < MODES.length; i++) {
                String mode = MODES[(i + rep) % MODES.length];
                int block = 1 + rep * MODES.length + i;
                String run = inFreshJvm(RUN_HEAP, transport, mode, connections, window, idle, interval, block);
                runs.add("{\"rep\":" + (rep + 1) + "," + run.substring(1));
                System.err.println("fleet: " + runs.get(runs.size() - 1));
            }
        }
        String limit = "the descriptor limit per process (RLIMIT_NOFILE; each of the two processes holds one "
                + "descriptor per connection: " + connections + " connections; benchmarks/run.sh says in machine.txt "
                + "when the limit cut the target)";
        String json = String.format(Locale.ROOT, "{\"connections\":%d,\"transport\":\"%s\",\"idle\":\"%s\","
                        + "\"interval\":\"%s\",\"window\":\"%d ms\",\"reps\":%d,\"runHeap\":\"%s\","
                        + "\"limit\":\"%s\",\"runs\":[%n%s%n]}%n",
                connections, transport, Duration.ofMillis(idle), Duration.ofMillis(interval), window, reps, RUN_HEAP,
                limit, String.join(",\n", runs));
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.err.println("fleet: wrote " + out);
    }

    /**
     * One run of one mode in a JVM of its own ({@code heap}, pre-touched), on loopback address block {@code block}.
     *
     * @return the run's JSON object
     */
    static String inFreshJvm(String heap, String transport, String mode, int connections, long windowMs, long idleMs,
                             long intervalMs, int block) throws IOException, InterruptedException {
        // Set-up (peers' JVM, connections) + window + detection + two heap histograms: far below this bound.
        return Net.resultOf(heap, Duration.ofMillis(windowMs).plusMinutes(10), RESULT, IdleFleet.class, ONCE,
                transport, mode, String.valueOf(connections), String.valueOf(windowMs), String.valueOf(idleMs),
                String.valueOf(intervalMs), String.valueOf(block));
    }

    static String once(String transport, String mode, int connections, long windowMs, Duration idle,
                       Duration interval, int addressBlock) throws Exception {
        long heap0 = Footprint.retained();
        HeapHistogram histogram0 = HeapHistogram.take();
        EventLoopGroup group = Net.group(transport, 1, LOOP_NAME);
        AtomicInteger active = new AtomicInteger();
        AtomicLong victimClosedAt = new AtomicLong();
        String[] victim = {""};
        Process peers = null;
        try {
            ServerBootstrap sb = new ServerBootstrap().group(group).channel(Net.serverChannel(transport))
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            Net.keepAlive(ch.pipeline(), mode, idle, interval, PROBES);
                            ch.pipeline().addLast("track", new Track(active, victimClosedAt, victim));
                        }
                    });
            if ("kernel".equals(mode)) {
                sb.childOption(ChannelOption.SO_KEEPALIVE, true);
                if ("epoll".equals(transport)) {
                    sb.childOption(EpollChannelOption.TCP_KEEPIDLE, (int) Math.max(1, idle.toSeconds()))
                            .childOption(EpollChannelOption.TCP_KEEPINTVL, (int) Math.max(1, interval.toSeconds()))
                            .childOption(EpollChannelOption.TCP_KEEPCNT, PROBES);
                }
            }
            Channel server = sb.bind(Net.HOST, 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            peers = Net.java("1g", FleetPeers.class, transport, String.valueOf(port), String.valueOf(connections),
                    String.valueOf(addressBlock));
            String v = Net.readLine(peers.getInputStream(), Duration.ofSeconds(300));
            if (!v.startsWith("VICTIM ")) {
                throw new IOException("peers: " + v);
            }
            victim[0] = v.substring("VICTIM ".length());
            if (!"READY".equals(Net.readLine(peers.getInputStream(), Duration.ofSeconds(60)))) {
                throw new IOException("peers not ready");
            }
            long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (active.get() < connections && System.nanoTime() < bound) {
                Thread.sleep(10);
            }
            if (active.get() < connections) {
                throw new IOException("only " + active.get() + " of " + connections + " connections accepted");
            }
            long loopId = group.next().submit(() -> Thread.currentThread().getId()).get(10, TimeUnit.SECONDS);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getThreadCpuTime(loopId);
            long alloc0 = threads.getThreadAllocatedBytes(loopId);
            long switches0 = contextSwitches();
            long gc0 = gcCount();
            long pings0 = pings(peers);
            long t0 = System.nanoTime();
            Thread.sleep(windowMs);
            long wall = System.nanoTime() - t0;
            double cpuPct = (threads.getThreadCpuTime(loopId) - cpu0) * 100.0 / wall;
            double wakeups = (contextSwitches() - switches0) * 1e9 / wall;
            double alloc = (threads.getThreadAllocatedBytes(loopId) - alloc0) * 1e9 / wall;
            long gcs = gcCount() - gc0;
            double probesPerSec = (pings(peers) - pings0) * 1e9 / wall;
            // One peer hangs: its process stops reading, its kernel goes on ACKing.
            OutputStream stdin = peers.getOutputStream();
            stdin.write("stop\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            long stoppedAt = System.nanoTime();
            Net.readLine(peers.getInputStream(), Duration.ofSeconds(10));
            Duration detectionBound = idle.plus(interval.multipliedBy(PROBES + 1)).plusSeconds(5);
            long end = stoppedAt + detectionBound.toNanos();
            while (victimClosedAt.get() == 0 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            long closed = victimClosedAt.get();
            double detectionMs = closed == 0 ? -1 : (closed - stoppedAt) / 1e6;
            // The live heap with probes running (after the window, so every connection has been probed; after the
            // detection, so that the full collections it takes do not stall the loop while it judges the victim):
            // the total, and by class from the heap histogram.
            long heapPerConnection = (Footprint.retained() - heap0) / connections;
            String heapTop = HeapHistogram.take().growthPerUnit(histogram0, connections, 8);
            return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"loopCpuPct\":%.3f,\"wakeupsPerSec\":%.1f,"
                            + "\"allocBytesPerSec\":%.0f,\"gcCount\":%d,\"heapBytesPerConnection\":%d,"
                            + "\"probesPerSec\":%.1f,\"detectionMs\":%.1f,\"detectionBound\":\"%s\","
                            + "\"heapTop\":\"%s\"}", mode, cpuPct, wakeups, alloc, gcs, heapPerConnection, probesPerSec,
                    detectionMs, detectionBound, heapTop.replace("\"", "'"));
        } finally {
            Net.kill(peers);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
        }
    }

    /** Counts active children; records when the victim's connection closes. */
    static final class Track extends ChannelInboundHandlerAdapter {
        private final AtomicInteger active;
        private final AtomicLong victimClosedAt;
        private final String[] victim;

        Track(AtomicInteger active, AtomicLong victimClosedAt, String[] victim) {
            this.active = active;
            this.victimClosedAt = victimClosedAt;
            this.victim = victim;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            if (remote != null && victim[0].equals(remote.getAddress().getHostAddress() + ":" + remote.getPort())) {
                victimClosedAt.compareAndSet(0, System.nanoTime());
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The server's probes the peers have received so far (they count them on their loop). */
    private static long pings(Process peers) throws IOException {
        OutputStream stdin = peers.getOutputStream();
        stdin.write("count\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        String line = Net.readLine(peers.getInputStream(), Duration.ofSeconds(10));
        if (!line.startsWith("PINGS ")) {
            throw new IOException("peers: " + line);
        }
        return Long.parseLong(line.substring("PINGS ".length()));
    }

    /** Voluntary + involuntary context switches of the loop thread (its wake-ups), from /proc. */
    static long contextSwitches() throws IOException {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                if (LOOP_NAME.equals(Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip())) {
                    long sum = 0;
                    for (String line : Files.readAllLines(task.resolve("status"), StandardCharsets.UTF_8)) {
                        if (line.startsWith("voluntary_ctxt_switches:")
                                || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                    return sum;
                }
            }
        }
        return -1;
    }

    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }
}
