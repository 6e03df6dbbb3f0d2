package io.vigil.epoll.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.Evidence;
import io.vigil.core.event.PeerDead;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
import io.vigil.core.policy.KernelHz;
import io.vigil.core.policy.KernelRounding;
import io.vigil.core.policy.KernelSchedule;
import io.vigil.core.socket.KernelAccess;
import io.vigil.epoll.netns.KernelKeepAliveNetnsTest.Client;
import io.vigil.epoll.netns.Watch.Stamped;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The mirror against the real kernel: for each policy, two connections to one peer, one per layer (the policy as
 * kernel options on one, on epoll, with a userspace layer that stays out of it until after the kernel's verdict; the
 * policy in {@code KeepAliveHandler} on the other, with no kernel options), both quiet after one echo whose reply the
 * kernel received in the same jiffy on both, then the peer silenced by a blackhole route. The kernel's verdict is its
 * {@code ETIMEDOUT} (reported as {@code PeerDead(KERNEL_TIMEOUT)}), the userspace verdict the machine's
 * {@code PeerDead}; both are timed by the JVM's clock and each is counted from its own last arrival (the kernel's
 * receipt jiffy, from {@code TCP_INFO} and {@link JiffiesClock}; on NIO the test reads the socket's {@code TCP_INFO}
 * through a {@linkplain #tcpInfoView view} of its file descriptor, which the handler does not have).
 *
 * <p>Transports: each pair's userspace connection runs on the next of {@code vigil.mirror.transports} (default
 * {@code epoll,io_uring,nio}), starting at one the seed picks, so that every run covers all three and, over runs, every
 * fixed case meets every transport. io_uring, where {@code IoUring.isAvailable()} is false, is left out with the
 * reason printed.
 *
 * <p>Policies: the fixed cases of issue 10 (drift at 1, 2 and 3 s intervals, two off-grid user timeouts, a loop stall
 * of 60 ms before and 120 ms after the last message on the userspace side), then {@code vigil.mirror.trials}
 * (default 12) random ones from a printed seed ({@code vigil.mirror.seed} repeats a run): idle and interval 1 ..
 * {@code vigil.mirror.maxSeconds} s (default 3), 1 .. 10 probes within a verdict of at most
 * {@code vigil.mirror.maxVerdictSeconds} (default 25 s), user timeout off, the default, or any millisecond (off the
 * grid). {@code vigil.mirror.loadThreads} busy threads (default 0) load the cores meanwhile. The policies are spread
 * over {@code vigil.mirror.rigs} namespaces (default 4) that run at once. Every wait scales with the longest kernel
 * verdict of the run's policies ({@code KernelSchedule.verdictLatest}, at most about
 * {@code vigil.mirror.maxVerdictSeconds}) and the longest connect-ahead; the whole test is bounded by their sum plus
 * the set-up.
 *
 * <p>Asserted, on epoll and io_uring: every difference (userspace − kernel) within {@code max(50 ms, the granularity of
 * the wheel level of the first probe)}, and the same number of probes. On NIO the handler's last arrival is its read
 * path's stamp, later than the kernel's receipt (by the stamp margin, or a loop stall before the read); asserted there:
 * the stamp is no earlier than the receipt jiffy, the verdict lies within 50 ms of the kernel model's exact expiry for
 * a last segment at the stamp's jiffy, with that model's number of probes, and the difference to the kernel within
 * {@code max(50 ms, granularity)} plus how much later that model puts the verdict than the receipt does (printed as
 * "stamp's shift"). On all: the median difference within ±20 ms, no userspace verdict before {@code lastArrival +
 * KernelSchedule.verdictEarliest} for the latest instant the last message can have arrived, and the evidence's silence
 * bounds around the true silence.
 *
 * <p>Each connection's keepalive timer is armed when it connects, {@code C}; the first expiry, {@code C + idle} rounded
 * up, finds the echo {@code R} younger than idle and re-arms lazily {@code R + idle − expiry} ahead, on a wheel level
 * that could differ between the two connections if that distance straddled a level boundary. Each pair therefore
 * connects a chosen time before the common echo, so that the distance lies well inside one level for both.
 */
class MirrorDifferentialNetnsTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    /** How long after the handler stated a verdict's evidence the test may stamp the verdict (end of the pipeline). */
    private static final long EVIDENCE_DELAY = MS;

    @Test
    void theUserspaceVerdictLandsWhereTheKernelsDoes() throws Exception {
        NetnsRig.assumeAvailable();
        Epoll.ensureAvailability();
        KernelHz hz = KernelHz.detect();
        StringBuilder why = new StringBuilder();
        JiffiesClock jiffies = JiffiesClock.learn(hz, why);
        Assumptions.assumeTrue(jiffies != null, () -> "Skipped: the differential needs the kernel's jiffies: " + why);
        long seed = Long.getLong("vigil.mirror.seed", System.nanoTime());
        int trials = Integer.getInteger("vigil.mirror.trials", 12);
        int maxSeconds = Integer.getInteger("vigil.mirror.maxSeconds", 3);
        int maxVerdict = Integer.getInteger("vigil.mirror.maxVerdictSeconds", 25);
        int rigs = Integer.getInteger("vigil.mirror.rigs", 4);
        int loadThreads = Integer.getInteger("vigil.mirror.loadThreads", 0);
        List<Side> sides = sides(System.getProperty("vigil.mirror.transports", "epoll,io_uring,nio"));
        log("JVM %d (namespaces vigil-%d-N)", ProcessHandle.current().pid(), ProcessHandle.current().pid());
        log("seed %d (-Dvigil.mirror.seed=%d repeats it); %d random policies, idle/interval <= %d s, verdict <= %d s, "
                + "%d namespaces, %d busy threads; userspace on %s; %s; userspace clock %s; load average %s", seed, seed,
                trials, maxSeconds, maxVerdict, rigs, loadThreads, sides, hz, KernelClock.detect(), loadAverage());

        List<Pair> pairs = new ArrayList<>();
        pairs.add(new Pair("drift 2/1/3", policy(2, 1, 3, 0), false));
        pairs.add(new Pair("drift 2/2/3", policy(2, 2, 3, 0), false));
        pairs.add(new Pair("drift 2/3/3", policy(2, 3, 3, 0), false));
        pairs.add(new Pair("off-grid 2/1/3/4015", policy(2, 1, 3, 4015), false));
        pairs.add(new Pair("off-grid 3/3/3/9040", policy(3, 3, 3, 9040), false));
        pairs.add(new Pair("stall 2/1/3 (60+120 ms)", policy(2, 1, 3, -1), true));
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < trials; i++) {
            int idle = 1 + random.nextInt(maxSeconds);
            int interval = 1 + random.nextInt(maxSeconds);
            int probes = 1 + random.nextInt(Math.max(1, Math.min(10, (maxVerdict - idle) / interval)));
            int uto = switch (random.nextInt(3)) {
                case 0 -> 0;
                case 1 -> -1;
                default -> idle * 1000 + 1 + random.nextInt(probes * interval * 1000);
            };
            pairs.add(new Pair("random " + (i + 1), policy(idle, interval, probes, uto), false));
        }
        // Each pair's userspace connection on the next transport in turn, from a start the seed picks: over CI runs
        // every fixed case meets every transport, and a seed repeats its assignment.
        int first = (int) Math.floorMod(seed, (long) sides.size());
        int perRig = (pairs.size() + rigs - 1) / rigs;
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            p.side = sides.get((first + i) % sides.size());
            p.schedule = KernelSchedule.of(p.policy.toKernel(KernelRounding.REJECT), hz);
            p.connectAhead = connectAhead(p.policy, hz, perRig);
        }

        // Every wait scales with the longest verdict: the latest a kernel verdict can come, after the longest
        // connect-ahead, plus the echoes (well under a second per pair) and the rigs' set-up and teardown.
        long latest = pairs.stream().mapToLong(p -> p.schedule.verdictLatestNanos()).max().orElseThrow();
        long ahead = pairs.stream().mapToLong(p -> p.connectAhead).max().orElseThrow();
        long rigBudget = ahead + latest + 30 * S + perRig * 2 * S;
        Duration testBudget = Duration.ofNanos(rigBudget + 30 * S);
        // The kernel connection's userspace layer must stay out of it until the kernel's verdict: its idle is longer
        // than every kernel verdict (otherwise its probe would be data in flight that changes the kernel's verdict).
        long bystanderIdle = Math.max(600, (latest + 60 * S) / S);
        KeepAlivePolicy bystander = KeepAlivePolicy.builder().idle(Duration.ofSeconds(bystanderIdle))
                .interval(Duration.ofSeconds(60)).probes(3).build();
        log("waits: %.0f s per namespace, %.0f s in all (the longest kernel verdict %.1f s, connect-ahead %.1f s); "
                + "bystander idle %d s", rigBudget / 1e9, testBudget.toSeconds() * 1.0, latest / 1e9, ahead / 1e9,
                bystanderIdle);

        Assertions.assertTimeoutPreemptively(testBudget, () -> run(pairs, sides, rigs, loadThreads, rigBudget,
                bystander, jiffies, hz));
        report(pairs, hz, sides);
    }

    private static void run(List<Pair> pairs, List<Side> sides, int rigs, int loadThreads, long rigBudget,
                            KeepAlivePolicy bystander, JiffiesClock jiffies, KernelHz hz) throws Exception {
        AtomicBoolean loaded = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < loadThreads; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (loaded.get()) {
                    x += System.nanoTime() & 1;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "busy-" + i);
            t.setDaemon(true);
            t.start();
            load.add(t);
        }
        EventLoopGroup kernelGroup = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        Map<Side, EventLoopGroup> groups = new EnumMap<>(Side.class);
        Map<Side, EventLoopGroup> stalled = new EnumMap<>(Side.class);
        ExecutorService pool = Executors.newFixedThreadPool(rigs);
        try {
            for (Side side : sides) {
                groups.put(side, side == Side.EPOLL ? kernelGroup : new MultiThreadIoEventLoopGroup(2, side.factory()));
                stalled.put(side, new MultiThreadIoEventLoopGroup(1, side.factory()));
            }
            List<Future<?>> runs = new ArrayList<>();
            for (int r = 0; r < rigs; r++) {
                List<Pair> share = new ArrayList<>();
                for (int i = r; i < pairs.size(); i += rigs) {
                    share.add(pairs.get(i));
                }
                if (!share.isEmpty()) {
                    runs.add(pool.submit(() -> {
                        runRig(share, kernelGroup, groups, stalled, bystander, jiffies, hz);
                        return null;
                    }));
                }
            }
            long deadline = System.nanoTime() + rigBudget;
            for (Future<?> f : runs) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } finally {
            loaded.set(false);
            pool.shutdownNow();
            // The rigs' threads close their namespaces on the way out: wait for them (bounded).
            pool.awaitTermination(30, TimeUnit.SECONDS);
            Stream.concat(Stream.of(kernelGroup), Stream.concat(groups.values().stream(), stalled.values().stream()))
                    .distinct().forEach(g -> g.shutdownGracefully(0, 5, TimeUnit.SECONDS)
                            .awaitUninterruptibly(10, TimeUnit.SECONDS));
        }
    }

    /** The transports of the userspace connections, in the order given; io_uring left out, saying why, if absent. */
    private static List<Side> sides(String names) {
        List<Side> sides = new ArrayList<>();
        for (String name : names.split(",")) {
            Side side = Side.named(name.strip());
            if (side == Side.IO_URING && !IoUring.isAvailable()) {
                log("io_uring skipped: not available here: %s", IoUring.unavailabilityCause());
            } else if (!sides.contains(side)) {
                sides.add(side);
            }
        }
        Assumptions.assumeFalse(sides.isEmpty(), "Skipped: no transport of " + names + " is available");
        return sides;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static KeepAlivePolicy policy(int idle, int interval, int probes, int userTimeoutMillis) {
        KeepAlivePolicy.Builder b = KeepAlivePolicy.builder().idle(Duration.ofSeconds(idle))
                .interval(Duration.ofSeconds(interval)).probes(probes);
        if (userTimeoutMillis >= 0) {
            b.userTimeout(Duration.ofMillis(userTimeoutMillis));
        }
        return b.build();
    }

    /**
     * How long before the echo a pair connects: a fraction of idle such that the lazy re-arm distance,
     * {@code R + idle − fire(C + idle)}, stays inside one wheel level whatever {@code C}'s phase (with 10 jiffies'
     * margin, plus 5 ms for each pair of the namespace, whose echoes go one after the other, for the echo's spread).
     * Up to idle 60 s at HZ 250 (15000 jiffies, on the 2.048 s level) the halfway point, 7500 jiffies less up to 524,
     * lies well inside the 256 ms level's successor (4032 .. 32255 jiffies).
     */
    static long connectAhead(KeepAlivePolicy p, KernelHz hz, int pairsPerRig) {
        long idle = hz.toJiffiesCeil(p.idleNanos());
        long g0 = hz.toJiffiesCeil(p.kernelSchedule(hz).firstProbeGranularityNanos());
        long spread = 10 + pairsPerRig * hz.toJiffiesCeil(5 * MS);
        for (double f : new double[] {0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8}) {
            long w = (long) (idle * f);
            if (w - g0 - 12 > 0 && level(w - g0 - 12) == level(w + spread) && w + spread < idle) {
                return hz.toNanos(w);
            }
        }
        throw new AssertionError("no connection time keeps the lazy re-arm on one wheel level for " + p);
    }

    private static int level(long delta) {
        int n = 0;
        while (delta >= (63L << (3 * n))) {
            n++;
        }
        return n;
    }

    private static void runRig(List<Pair> pairs, EventLoopGroup kernelGroup, Map<Side, EventLoopGroup> groups,
                               Map<Side, EventLoopGroup> stalled, KeepAlivePolicy bystander, JiffiesClock jiffies,
                               KernelHz hz) throws Exception {
        try (NetnsRig rig = NetnsRig.create()) {
            PeerProcess peer = rig.startPeer("server", rig.peerAddress());
            pairs.sort(Comparator.comparingLong((Pair p) -> p.connectAhead).reversed());
            long echoAt = System.nanoTime() + pairs.get(0).connectAhead + 200 * MS;
            for (Pair p : pairs) {
                sleepUntil(echoAt - p.connectAhead);
                p.kernel = Client.connect(kernelGroup, EpollSocketChannel.class, rig.peerAddress(), peer.port(),
                        p.policy, bystander);
                p.userspace = Client.connect((p.stall ? stalled : groups).get(p.side), p.side.channelType,
                        rig.peerAddress(), peer.port(), null, p.policy);
                p.userspaceArmed = jiffies.jiffiesAt(System.nanoTime());
                p.receiptView = p.side == Side.NIO ? tcpInfoView(p.userspace.channel) : p.userspace.channel;
            }
            sleepUntil(echoAt);
            for (Pair p : pairs) {
                p.echo(jiffies, hz);
            }
            rig.blackholePeerOutput();
            for (Pair p : pairs) {
                long wait = p.schedule.verdictLatestNanos() + 10 * S;
                p.kernelDead = p.kernel.watch.dead.get(wait, TimeUnit.NANOSECONDS);
                p.userspaceDead = p.userspace.watch.dead.get(wait, TimeUnit.NANOSECONDS);
                p.kernel.channel.close();
                p.userspace.channel.close();
            }
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static void busy(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /** A transport of the userspace connection. */
    enum Side {
        EPOLL("epoll", EpollSocketChannel.class),
        IO_URING("io_uring", IoUringSocketChannel.class),
        NIO("nio", NioSocketChannel.class);

        final String label;
        final Class<? extends Channel> channelType;

        Side(String label, Class<? extends Channel> channelType) {
            this.label = label;
            this.channelType = channelType;
        }

        IoHandlerFactory factory() {
            return switch (this) {
                case EPOLL -> EpollIoHandler.newFactory();
                case IO_URING -> IoUringIoHandler.newFactory();
                case NIO -> NioIoHandler.newFactory();
            };
        }

        static Side named(String name) {
            for (Side s : values()) {
                if (s.label.equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("vigil.mirror.transports: unknown transport '" + name
                    + "'; expected a comma-separated list of epoll, io_uring, nio");
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * A view of a NIO channel's socket through which the test reads its {@code TCP_INFO} (the handler has none on
     * NIO, and must not: this is the test's witness only): the same file descriptor, found by the socket's inode
     * ({@code /proc/net/tcp}, or {@code tcp6} for NIO's dual-stack sockets with IPv4-mapped addresses; addresses as the
     * little-endian host prints them), wrapped in an
     * {@link EpollSocketChannel} that is never registered nor closed (closing it would close the NIO socket).
     */
    static Channel tcpInfoView(Channel nio) throws IOException {
        String key = procAddress((InetSocketAddress) nio.localAddress()) + " "
                + procAddress((InetSocketAddress) nio.remoteAddress());
        String inode = null;
        for (String table : new String[] {"tcp", "tcp6"}) {
            String mapped = table.equals("tcp6") ? "0000000000000000FFFF0000" : "";
            for (String line : Files.readAllLines(Path.of("/proc/net", table))) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 9 && (f[1] + " " + f[2]).equals(mapped + key.replace(" ", " " + mapped))) {
                    inode = f[9];
                }
            }
        }
        if (inode == null) {
            throw new IOException("no socket " + key + " in /proc/net/tcp or tcp6 for " + nio);
        }
        String target = "socket:[" + inode + "]";
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(target)) {
                        return new EpollSocketChannel(Integer.parseInt(fd.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // closed meanwhile: not ours
                }
            }
        }
        throw new IOException("no file descriptor of this process is " + target + " (" + nio + ")");
    }

    private static String procAddress(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        int le = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
        return String.format(Locale.ROOT, "%08X:%04X", le, a.getPort());
    }

    /** One policy: its two connections, the receipt jiffies of their last segment, and both verdicts. */
    private static final class Pair {
        final String name;
        final KeepAlivePolicy policy;
        final boolean stall;
        Side side = Side.EPOLL;
        Channel receiptView;
        /** A jiffy just after the userspace machine armed (its handler's activation). */
        long userspaceArmed;
        KernelSchedule schedule;
        long connectAhead;
        Client kernel;
        Client userspace;
        long kernelRx = Long.MIN_VALUE;
        long userspaceRx = Long.MIN_VALUE;
        int attempts;
        @Nullable Stamped<PeerDead> kernelDead;
        @Nullable Stamped<PeerDead> userspaceDead;
        JiffiesClock clock;

        Pair(String name, KeepAlivePolicy policy, boolean stall) {
            this.name = name;
            this.policy = policy;
            this.stall = stall;
        }

        /** Echoes on both connections until the kernel received both replies in the same jiffy (at most 10 tries). */
        void echo(JiffiesClock jiffies, KernelHz hz) throws Exception {
            clock = jiffies;
            for (attempts = 1; attempts <= 10; attempts++) {
                CompletableFuture<Long> k = kernel.watch.nextEcho();
                CompletableFuture<Long> u = userspace.watch.nextEcho();
                if (stall) {
                    // Our loop blocked 60 ms before the last message and 120 ms after it: it reads it 120 ms late. The
                    // peer answers both 60 ms after the request, and the loop blocks once its request is written
                    // (io_uring submits a write only when its loop gets back to the ring, so the request goes first).
                    ChannelFuture written = userspace.channel.writeAndFlush(delayed(60));
                    kernel.channel.writeAndFlush(delayed(60));
                    written.addListener(f -> busy(180 * MS));
                } else {
                    kernel.channel.writeAndFlush(ascii());
                    userspace.channel.writeAndFlush(ascii());
                }
                k.get(5, TimeUnit.SECONDS);
                u.get(5, TimeUnit.SECONDS);
                kernelRx = lastReceived(kernel.channel, jiffies, hz);
                userspaceRx = lastReceived(receiptView, jiffies, hz);
                if (kernelRx == userspaceRx && kernelRx != Long.MIN_VALUE) {
                    return;
                }
            }
        }

        private static io.netty.buffer.ByteBuf ascii() {
            return Unpooled.copiedBuffer("E1", StandardCharsets.US_ASCII);
        }

        /** A request the peer answers after {@code millis}. */
        private static io.netty.buffer.ByteBuf delayed(int millis) {
            return Unpooled.copiedBuffer("D" + millis, StandardCharsets.US_ASCII);
        }

        /** The absolute jiffy of the last segment received, from {@code TCP_INFO} read within one jiffy. */
        static long lastReceived(Channel ch, JiffiesClock clock, KernelHz hz) {
            for (int attempt = 0; attempt < 100; attempt++) {
                long before = clock.jiffiesAt(System.nanoTime());
                KernelSample s = KernelAccess.inspector(ch).sample(ch);
                long after = clock.jiffiesAt(System.nanoTime());
                if (s != null && before == after) {
                    return before - Math.min(s.lastAckReceivedMillis(), s.lastDataReceivedMillis()) * hz.hz() / 1000;
                }
            }
            return Long.MIN_VALUE;
        }

        long kernelVerdict() {
            return kernelDead.nanos() - clock.startNanos(kernelRx);
        }

        long userspaceVerdict() {
            return userspaceDead.nanos() - clock.startNanos(userspaceRx);
        }

        long difference() {
            return userspaceVerdict() - kernelVerdict();
        }

        long allowed() {
            return Math.max(50 * MS, schedule.firstProbeGranularityNanos());
        }

        /** The handler's own last arrival, {@link System#nanoTime()}: the verdict less the silence its evidence states. */
        long handlerArrival() {
            return userspaceDead.nanos() - userspaceDead.value().evidence().sinceLastInboundNanos();
        }

        /**
         * Where the kernel would give up had its last segment arrived at jiffy {@code rx} (connection armed at the
         * userspace connection's activation): the exact model, {@link System#nanoTime()} of the jiffy's start.
         */
        long modelVerdictFrom(long rx) {
            long armed = armedFor(rx);
            return clock.startNanos(rx + schedule.expiryJiffiesArmedAt(schedule.verdictExpiryArmedAt(rx, armed), rx,
                    armed));
        }

        /**
         * On NIO: how much later the exact model puts the verdict from the handler's arrival than from the kernel's
         * receipt jiffy (0 or more).
         */
        long nioShift() {
            return Math.max(0, modelVerdictFrom(clock.jiffiesAt(handlerArrival())) - modelVerdictFrom(userspaceRx));
        }

        /** The number of probes the exact model sends for a last segment at jiffy {@code rx}. */
        long modelProbesFrom(long rx) {
            return schedule.verdictExpiryArmedAt(rx, armedFor(rx));
        }

        private long armedFor(long rx) {
            long idle = (long) schedule.kernel().idleSeconds() * schedule.hz().hz();
            return Math.max(rx - idle, Math.min(rx, userspaceArmed));
        }

        /**
         * How late the handler's own last arrival was after the start of the kernel's receipt jiffy (from its
         * evidence: the verdict less the silence it states). With {@code TCP_INFO} about one jiffy or less; on NIO
         * the read path's stamp.
         */
        long handlerArrivalLateness() {
            return handlerArrival() - clock.startNanos(userspaceRx);
        }
    }

    private static void report(List<Pair> pairs, KernelHz hz, List<Side> sides) {
        StringBuilder table = new StringBuilder("\n| case | transport | policy (idle/intvl/cnt/uto ms) | kernel verdict "
                + "| userspace verdict | difference | probes k/u | allowed | model (all phases) | handler's arrival "
                + "| NIO: stamp's shift |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Pair p : pairs) {
            KernelSample k = p.kernelDead.value().evidence().kernel();
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f s | %.3f s | %+.1f ms | %s/%d | %.0f ms | "
                    + "%.3f – %.3f s | %+.1f ms | %s |%s%s\n", p.name, p.side, p.schedule.kernel().idleSeconds() + "/"
                    + p.schedule.kernel().intervalSeconds() + "/" + p.schedule.kernel().probes() + "/"
                    + p.schedule.kernel().userTimeoutMillis(), p.kernelVerdict() / 1e9, p.userspaceVerdict() / 1e9,
                    p.difference() / 1e6, k == null ? "?" : k.probes(), p.userspaceDead.value().evidence().probesOut(),
                    p.allowed() / 1e6, p.schedule.verdictEarliestNanos() / 1e9, p.schedule.verdictLatestNanos() / 1e9,
                    p.handlerArrivalLateness() / 1e6, p.side == Side.NIO ? String.format(Locale.ROOT, "%+.0f ms",
                    p.nioShift() / 1e6) : "", p.kernelRx == p.userspaceRx ? ""
                    : " (receipt jiffies differ by " + (p.userspaceRx - p.kernelRx) + ")",
                    p.userspaceDead.value().reason() == DeathReason.PROBES_UNANSWERED
                    || p.userspaceDead.value().reason() == DeathReason.USER_TIMEOUT ? ""
                    : " userspace " + p.userspaceDead.value()));
        }
        log("%s", table);
        List<Long> sorted = pairs.stream().map(Pair::difference).sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        log("%d policies at HZ %d: %s", pairs.size(), hz.hz(), summary(sorted));
        for (Side side : sides) {
            List<Long> mine = pairs.stream().filter(p -> p.side == side).map(Pair::difference).sorted().toList();
            if (!mine.isEmpty()) {
                log("userspace on %s: %d policies, %s", side, mine.size(), summary(mine));
            }
            if (side == Side.NIO && !mine.isEmpty()) {
                List<Pair> nio = pairs.stream().filter(p -> p.side == Side.NIO).toList();
                List<Long> fromStamp = nio.stream().map(p -> p.userspaceDead.nanos()
                        - p.modelVerdictFrom(p.clock.jiffiesAt(p.handlerArrival()))).sorted().toList();
                List<Long> late = nio.stream().map(Pair::handlerArrivalLateness).sorted().toList();
                log("userspace on nio, against the kernel's model from the handler's own arrival (its stamp): %s; "
                        + "the stamp after the receipt jiffy's start: median %+.1f ms, range %+.1f .. %+.1f ms; %d of "
                        + "%d beyond max(50 ms, granularity) of the kernel, by the stamp's shift", summary(fromStamp),
                        late.get(late.size() / 2) / 1e6, late.get(0) / 1e6, late.get(late.size() - 1) / 1e6,
                        nio.stream().filter(p -> Math.abs(p.difference()) > p.allowed()).count(), nio.size());
            }
        }
        for (long g : pairs.stream().mapToLong(p -> p.schedule.firstProbeGranularityNanos()).distinct().sorted()
                .toArray()) {
            List<Long> level = pairs.stream().filter(p -> p.schedule.firstProbeGranularityNanos() == g)
                    .map(Pair::difference).sorted().toList();
            log("first probe on a %.0f ms wheel level: %d policies, median %+.1f ms, range %+.1f .. %+.1f ms",
                    g / 1e6, level.size(), level.get(level.size() / 2) / 1e6, level.get(0) / 1e6,
                    level.get(level.size() - 1) / 1e6);
        }
        for (Side side : sides) {
            pairs.stream().filter(p -> p.side == side).mapToLong(p -> p.userspaceDead.value().evidence()
                    .silenceAtMost().toNanos() - (p.userspaceDead.nanos() - p.clock.startNanos(p.userspaceRx + 1)))
                    .min().ifPresent(slack -> log("userspace on %s: the evidence's silenceAtMost exceeds the true "
                            + "silence's lower bound by %+.2f ms at least (asserted: >= -%.1f ms)", side, slack / 1e6,
                            EVIDENCE_DELAY / 1e6));
        }
        log("load average at the end: %s", loadAverage());
        for (Pair p : pairs) {
            String name = p.name + " on " + p.side;
            assertThat(p.kernelDead.value().reason()).as(name).isEqualTo(DeathReason.KERNEL_TIMEOUT);
            assertThat(p.userspaceDead.value().reason().isKernel()).as(name).isFalse();
            assertThat(p.kernelRx).as("%s: both receipts in one jiffy after %d echoes", name, p.attempts)
                    .isEqualTo(p.userspaceRx);
            KernelSample k = p.kernelDead.value().evidence().kernel();
            assertThat(k).isNotNull();
            if (p.side != Side.NIO) {
                assertThat(Math.abs(p.difference())).as("%s: |userspace - kernel|, ns", name)
                        .isLessThanOrEqualTo(p.allowed());
                assertThat((long) p.userspaceDead.value().evidence().probesOut()).as("%s: probes", name)
                        .isEqualTo(k.probes());
            } else {
                // No receipt on NIO: the handler's last arrival is its read path's stamp, an upper bound of the
                // arrival (never before the receipt jiffy), up to the stamp margin late, more after a loop stall
                // before the read. The machine then runs the kernel's exact schedule from that later jiffy: its
                // verdict is where the kernel would give up had the segment come then, which can be one wheel
                // granularity (where the shift carries an expiry past a multiple of it) or one probe (an off-grid
                // user timeout within the shift of an expiry) later than the kernel's. That is asserted exactly;
                // the difference to the kernel is bounded by the shift the stamp explains.
                long rx = p.clock.jiffiesAt(p.handlerArrival());
                assertThat(p.handlerArrival()).as("%s: the stamp is no earlier than the kernel's receipt jiffy", name)
                        .isGreaterThanOrEqualTo(p.clock.startNanos(p.userspaceRx));
                assertThat(Math.abs(p.userspaceDead.nanos() - p.modelVerdictFrom(rx)))
                        .as("%s: |userspace - kernel model from the handler's arrival|, ns", name)
                        .isLessThanOrEqualTo(50 * MS);
                assertThat((long) p.userspaceDead.value().evidence().probesOut())
                        .as("%s: probes, as the model sends them from the handler's arrival", name)
                        .isEqualTo(p.modelProbesFrom(rx));
                assertThat(p.difference()).as("%s: userspace - kernel, ns, within the allowance plus the stamp's "
                        + "shift", name).isBetween(-p.allowed(), p.allowed() + p.nioShift());
            }
            // Never early: the last message arrived by the end of its receipt jiffy at the latest.
            assertThat(p.userspaceDead.nanos() - p.clock.startNanos(p.userspaceRx + 1)).as("%s: never early", name)
                    .isGreaterThanOrEqualTo(p.schedule.verdictEarliestNanos());
            // The evidence states the silence: the true one lies within its bounds. The test times the verdict when
            // the event reaches the end of the pipeline, a little after the handler read its clock for the evidence:
            // that delay (EVIDENCE_DELAY at most) is the test's, not the handler's.
            long silenceMin = p.userspaceDead.nanos() - p.clock.startNanos(p.userspaceRx + 1);
            long silenceMax = p.userspaceDead.nanos() - p.clock.startNanos(p.userspaceRx);
            Evidence e = p.userspaceDead.value().evidence();
            assertThat(e.sinceLastInboundNanos()).as("%s: evidence's silence, lower bound", name)
                    .isLessThanOrEqualTo(silenceMax);
            assertThat(e.silenceAtMost().toNanos()).as("%s: evidence's silence, upper bound", name)
                    .isGreaterThanOrEqualTo(silenceMin - EVIDENCE_DELAY);
            // The kernel's verdict closed its socket: its evidence counts back from the latest tick's sample, not
            // from the verdict's time, and still holds the true silence.
            Evidence ke = p.kernelDead.value().evidence();
            assertThat(ke.sinceLastInboundNanos()).as("%s: kernel verdict's evidence, lower bound", name)
                    .isLessThanOrEqualTo(p.kernelDead.nanos() - p.clock.startNanos(p.kernelRx));
            assertThat(ke.silenceAtMost().toNanos()).as("%s: kernel verdict's evidence, upper bound", name)
                    .isGreaterThanOrEqualTo(p.kernelDead.nanos() - p.clock.startNanos(p.kernelRx + 1)
                            - EVIDENCE_DELAY);
        }
        assertThat(Math.abs(median)).as("median difference, ns").isLessThanOrEqualTo(20 * MS);
    }

    private static String summary(List<Long> sorted) {
        return String.format(Locale.ROOT, "median difference %+.1f ms, largest |difference| %.1f ms, from %+.1f to "
                + "%+.1f ms", sorted.get(sorted.size() / 2) / 1e6,
                sorted.stream().mapToLong(Math::abs).max().orElse(0) / 1e6, sorted.get(0) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
    }

    private static void log(String format, Object... args) {
        System.out.println("[mirror] " + String.format(Locale.ROOT, format, args));
    }
}
