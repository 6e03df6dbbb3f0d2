package io.vigil.epoll.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mirror against the real kernel: for each policy, two connections to one peer, one per layer (the policy as
 * kernel options on one, with a userspace layer that never decides in time; the policy in {@code KeepAliveHandler}
 * on the other, with no kernel options), both quiet after one echo whose reply the kernel received in the same
 * jiffy on both, then the peer silenced by a blackhole route. The kernel's verdict is its {@code ETIMEDOUT}
 * (reported as {@code PeerDead(KERNEL_TIMEOUT)}), the userspace verdict the machine's {@code PeerDead}; both are
 * timed by the JVM's clock and each is counted from its own last arrival (the kernel's receipt jiffy, from
 * {@code TCP_INFO} and {@link JiffiesClock}).
 *
 * <p>Policies: the fixed cases of issue 10 (drift at 1, 2 and 3 s intervals, two off-grid user timeouts, a loop stall
 * of 60 ms before and 120 ms after the last message on the userspace side), then {@code vigil.mirror.trials}
 * (default 12) random ones from a printed seed ({@code vigil.mirror.seed} repeats a run): idle and interval 1 ..
 * {@code vigil.mirror.maxSeconds} s (default 3), 1 .. 10 probes within a verdict of at most
 * {@code vigil.mirror.maxVerdictSeconds} (default 25 s), user timeout off, the default, or any millisecond (off the
 * grid). {@code vigil.mirror.loadThreads} busy threads (default 0) load the cores meanwhile. The policies are spread
 * over {@code vigil.mirror.rigs} namespaces (default 4) that run at once.
 *
 * <p>Asserted: every difference (userspace − kernel) within {@code max(50 ms, the granularity of the wheel level of
 * the first probe)}, their median within ±20 ms, the same number of probes, and no userspace verdict before
 * {@code lastArrival + KernelSchedule.verdictEarliest} for the latest instant the last message can have arrived.
 *
 * <p>Each connection's keepalive timer is armed when it connects, {@code C}; the first expiry, {@code C + idle} rounded
 * up, finds the echo {@code R} younger than idle and re-arms lazily {@code R + idle − expiry} ahead, on a wheel level
 * that could differ between the two connections if that distance straddled a level boundary. Each pair therefore
 * connects a chosen time before the common echo, so that the distance lies well inside one level for both.
 */
class MirrorDifferentialNetnsTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    @Test
    @Timeout(600)
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
        log("seed %d (-Dvigil.mirror.seed=%d repeats it); %d random policies, idle/interval <= %d s, verdict <= %d s, "
                + "%d namespaces, %d busy threads; %s; userspace clock %s", seed, seed, trials, maxSeconds, maxVerdict,
                rigs, loadThreads, hz, KernelClock.detect());

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
        for (Pair p : pairs) {
            p.schedule = KernelSchedule.of(p.policy.toKernel(KernelRounding.REJECT), hz);
            p.connectAhead = connectAhead(p.policy, hz);
        }

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
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        EventLoopGroup stalled = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ExecutorService pool = Executors.newFixedThreadPool(rigs);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int r = 0; r < rigs; r++) {
                List<Pair> share = new ArrayList<>();
                for (int i = r; i < pairs.size(); i += rigs) {
                    share.add(pairs.get(i));
                }
                runs.add(pool.submit(() -> {
                    runRig(share, group, stalled, jiffies, hz);
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(500, TimeUnit.SECONDS);
            }
        } finally {
            loaded.set(false);
            pool.shutdownNow();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            stalled.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        report(pairs, hz);
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
     * margin for the echo's own spread).
     */
    private static long connectAhead(KeepAlivePolicy p, KernelHz hz) {
        long idle = hz.toJiffiesCeil(p.idleNanos());
        long g0 = hz.toJiffiesCeil(p.kernelSchedule(hz).firstProbeGranularityNanos());
        for (double f : new double[] {0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8}) {
            long w = (long) (idle * f);
            if (w - g0 - 12 > 0 && level(w - g0 - 12) == level(w + 10) && w + 10 < idle) {
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

    private static void runRig(List<Pair> pairs, EventLoopGroup group, EventLoopGroup stalled, JiffiesClock jiffies,
                               KernelHz hz) throws Exception {
        try (NetnsRig rig = NetnsRig.create()) {
            PeerProcess peer = rig.startPeer("server", rig.peerAddress());
            KeepAlivePolicy bystander = KeepAlivePolicy.deadWithin(Duration.ofSeconds(600));
            pairs.sort(Comparator.comparingLong((Pair p) -> p.connectAhead).reversed());
            long echoAt = System.nanoTime() + pairs.get(0).connectAhead + 200 * MS;
            for (Pair p : pairs) {
                sleepUntil(echoAt - p.connectAhead);
                p.kernel = Client.connect(group, EpollSocketChannel.class, rig.peerAddress(), peer.port(), p.policy,
                        bystander);
                p.userspace = Client.connect(p.stall ? stalled : group, EpollSocketChannel.class, rig.peerAddress(),
                        peer.port(), null, p.policy);
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

    /** One policy: its two connections, the receipt jiffies of their last segment, and both verdicts. */
    private static final class Pair {
        final String name;
        final KeepAlivePolicy policy;
        final boolean stall;
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
                    // Our loop blocked 60 ms before the last message and 120 ms after it: it reads it 120 ms late.
                    Channel uc = userspace.channel;
                    uc.eventLoop().execute(() -> {
                        busy(60 * MS);
                        uc.writeAndFlush(ascii());
                        kernel.channel.writeAndFlush(ascii());
                        busy(120 * MS);
                    });
                } else {
                    kernel.channel.writeAndFlush(ascii());
                    userspace.channel.writeAndFlush(ascii());
                }
                k.get(5, TimeUnit.SECONDS);
                u.get(5, TimeUnit.SECONDS);
                kernelRx = lastReceived(kernel.channel, jiffies, hz);
                userspaceRx = lastReceived(userspace.channel, jiffies, hz);
                if (kernelRx == userspaceRx && kernelRx != Long.MIN_VALUE) {
                    return;
                }
            }
        }

        private static io.netty.buffer.ByteBuf ascii() {
            return Unpooled.copiedBuffer("E1", StandardCharsets.US_ASCII);
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
    }

    private static void report(List<Pair> pairs, KernelHz hz) {
        List<Long> differences = new ArrayList<>();
        StringBuilder table = new StringBuilder("\n| case | policy (idle/intvl/cnt/uto ms) | kernel verdict | userspace "
                + "verdict | difference | probes k/u | allowed | model (all phases) |\n|---|---|---|---|---|---|---|---|\n");
        for (Pair p : pairs) {
            KernelSample k = p.kernelDead.value().evidence().kernel();
            table.append(String.format(Locale.ROOT, "| %s | %s | %.3f s | %.3f s | %+.1f ms | %s/%d | %.0f ms | %.3f – "
                    + "%.3f s |%s%s\n", p.name, p.schedule.kernel().idleSeconds() + "/"
                    + p.schedule.kernel().intervalSeconds() + "/" + p.schedule.kernel().probes() + "/"
                    + p.schedule.kernel().userTimeoutMillis(), p.kernelVerdict() / 1e9, p.userspaceVerdict() / 1e9,
                    p.difference() / 1e6, k == null ? "?" : k.probes(), p.userspaceDead.value().evidence().probesOut(),
                    p.allowed() / 1e6, p.schedule.verdictEarliestNanos() / 1e9, p.schedule.verdictLatestNanos() / 1e9,
                    p.kernelRx == p.userspaceRx ? "" : " (receipt jiffies differ by " + (p.userspaceRx - p.kernelRx)
                    + ")", p.userspaceDead.value().reason() == DeathReason.PROBES_UNANSWERED
                    || p.userspaceDead.value().reason() == DeathReason.USER_TIMEOUT ? ""
                    : " userspace " + p.userspaceDead.value()));
            differences.add(p.difference());
        }
        List<Long> sorted = new ArrayList<>(differences);
        sorted.sort(null);
        long median = sorted.get(sorted.size() / 2);
        long max = sorted.stream().mapToLong(Math::abs).max().orElse(0);
        log("%s", table);
        log("%d policies at HZ %d: median difference %+.1f ms, largest |difference| %.1f ms, from %+.1f to %+.1f ms",
                pairs.size(), hz.hz(), median / 1e6, max / 1e6, sorted.get(0) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
        for (long g : pairs.stream().mapToLong(p -> p.schedule.firstProbeGranularityNanos()).distinct().sorted()
                .toArray()) {
            List<Long> level = pairs.stream().filter(p -> p.schedule.firstProbeGranularityNanos() == g)
                    .map(Pair::difference).sorted().toList();
            log("first probe on a %.0f ms wheel level: %d policies, median %+.1f ms, range %+.1f .. %+.1f ms",
                    g / 1e6, level.size(), level.get(level.size() / 2) / 1e6, level.get(0) / 1e6,
                    level.get(level.size() - 1) / 1e6);
        }
        for (Pair p : pairs) {
            assertThat(p.kernelDead.value().reason()).as(p.name).isEqualTo(DeathReason.KERNEL_TIMEOUT);
            assertThat(p.userspaceDead.value().reason().isKernel()).as(p.name).isFalse();
            assertThat(p.kernelRx).as("%s: both receipts in one jiffy after %d echoes", p.name, p.attempts)
                    .isEqualTo(p.userspaceRx);
            assertThat(Math.abs(p.difference())).as("%s: |userspace - kernel|, ns", p.name)
                    .isLessThanOrEqualTo(p.allowed());
            KernelSample k = p.kernelDead.value().evidence().kernel();
            assertThat(k).isNotNull();
            assertThat((long) p.userspaceDead.value().evidence().probesOut()).as("%s: probes", p.name)
                    .isEqualTo(k.probes());
            // Never early: the last message arrived by the end of its receipt jiffy at the latest.
            assertThat(p.userspaceDead.nanos() - p.clock.startNanos(p.userspaceRx + 1)).as("%s: never early", p.name)
                    .isGreaterThanOrEqualTo(p.schedule.verdictEarliestNanos());
            // The evidence states the silence: the true one lies within its bounds.
            long silenceMin = p.userspaceDead.nanos() - p.clock.startNanos(p.userspaceRx + 1);
            long silenceMax = p.userspaceDead.nanos() - p.clock.startNanos(p.userspaceRx);
            Evidence e = p.userspaceDead.value().evidence();
            assertThat(e.sinceLastInboundNanos()).as("%s: evidence's silence, lower bound", p.name)
                    .isLessThanOrEqualTo(silenceMax);
            assertThat(e.silenceAtMost().toNanos()).as("%s: evidence's silence, upper bound", p.name)
                    .isGreaterThanOrEqualTo(silenceMin);
        }
        assertThat(Math.abs(median)).as("median difference, ns").isLessThanOrEqualTo(20 * MS);
    }

    private static void log(String format, Object... args) {
        System.out.println("[mirror] " + String.format(Locale.ROOT, format, args));
    }
}
