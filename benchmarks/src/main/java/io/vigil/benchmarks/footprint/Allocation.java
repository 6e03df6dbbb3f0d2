package io.vigil.benchmarks.footprint;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.vigil.benchmarks.Pipelines;
import io.vigil.benchmarks.TimerStates;
import io.vigil.core.internal.timer.LoopTimer;
import io.vigil.core.internal.timer.TickBudget;
import io.vigil.core.internal.timer.TimerWheel;
import io.vigil.core.internal.timer.TimerWheelConfig;
import io.vigil.core.internal.timer.TimerWheels;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Bytes allocated by the calling thread per operation on Vigil's hot paths, after warm-up, from the JVM's
 * per-thread allocation counter ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}): the read
 * path and the write path through a real pipeline with KeepAliveHandler, a re-arm in the wheel, expiry in the wheel,
 * and the handler's expiry of a busy channel (its timer fires and re-arms from the last arrival).
 *
 * <p>Each path runs {@code ops} operations three times after as many warm-up rounds; the figure is the smallest of
 * the three (a one-off such as a lazily grown queue is not a per-operation cost; a real per-operation allocation
 * shows in every round).
 *
 * <p><b>Thread safety:</b> call from one thread; it owns the loops it makes.
 *
 * @since 0.1
 */
public final class Allocation {

    private static final int CHANNELS = 1_000;
    private static final int ROUNDS = 3;
    private static final Map<ManualIoEventLoop, ChannelPipeline[]> OPEN = new java.util.IdentityHashMap<>();

    private Allocation() {
    }

    /** What was measured. */
    public static final class Result {
        private final int ops;
        private final Map<String, Long> bytes;

        Result(int ops, Map<String, Long> bytes) {
            this.ops = ops;
            this.bytes = bytes;
        }

        /**
         * Returns the bytes allocated by {@code ops} operations on a path.
         *
         * @param path {@code read}, {@code write}, {@code rearm}, {@code expiry}, {@code handler expiry}
         * @return bytes
         */
        public long bytes(String path) {
            return bytes.get(path);
        }

        /**
         * Returns the paths measured with their bytes.
         *
         * @return path to bytes
         */
        public Map<String, Long> all() {
            return bytes;
        }

        /**
         * Tells whether every path allocated nothing.
         *
         * @return true if all are 0
         */
        public boolean allZero() {
            return bytes.values().stream().allMatch(b -> b == 0);
        }

        /**
         * Returns a one-line summary.
         *
         * @return e.g. "read 0 B, write 0 B, ..."
         */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Long> e : bytes.entrySet()) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(e.getKey()).append(' ').append(e.getValue()).append(" B");
            }
            return sb.append(" per ").append(ops).append(" ops").toString();
        }

        /**
         * Returns the figures as a Markdown table.
         *
         * @return the table
         */
        public String table() {
            StringBuilder sb = new StringBuilder("Bytes allocated by the thread for " + ops + " operations per path, "
                    + "after warm-up (smallest of " + ROUNDS + " rounds), " + CHANNELS + " channels or timers.\n\n"
                    + "| path | bytes |\n|---|---|\n");
            for (Map.Entry<String, Long> e : bytes.entrySet()) {
                sb.append(String.format(Locale.ROOT, "| %s | %d |%n", e.getKey(), e.getValue()));
            }
            return sb.toString();
        }
    }

    /**
     * Measures every path.
     *
     * @param ops operations per path and round
     * @return bytes per path
     */
    public static Result measure(int ops) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        bytes.put("read", pipelinePath(ops, false));
        bytes.put("write", pipelinePath(ops, true));
        bytes.put("re-arm", wheelPath(ops, false));
        bytes.put("expiry", wheelPath(ops, true));
        bytes.put("handler expiry (busy channel)", handlerExpiry(ops));
        return new Result(ops, bytes);
    }

    private static com.sun.management.ThreadMXBean threads() {
        return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    /** Runs the operation {@code ROUNDS} times to warm up, then measures {@code ROUNDS} times; the smallest. */
    private static long measure(Runnable round) {
        com.sun.management.ThreadMXBean threads = threads();
        for (int i = 0; i < ROUNDS; i++) {
            round.run();
        }
        long min = Long.MAX_VALUE;
        for (int i = 0; i < ROUNDS; i++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            round.run();
            long after = threads.getCurrentThreadAllocatedBytes();
            min = Math.min(min, after - before);
        }
        return min;
    }

    private static long pipelinePath(int ops, boolean write) {
        MockTicker ticker = Ticker.newMockTicker();
        ManualIoEventLoop loop = Pipelines.sharedLoop(ticker);
        try {
            Pipelines.Sink sink = new Pipelines.Sink();
            Pipelines.Consumer consumer = new Pipelines.Consumer();
            ChannelPipeline[] pipelines = track(loop, Pipelines.build(CHANNELS, ticker, loop,
                    Pipelines.handler("vigil", Duration.ofSeconds(60), Duration.ofSeconds(10)), sink, consumer, null));
            long[] count = {0};
            long result = measure(() -> {
                for (int i = 0; i < ops; i++) {
                    ChannelPipeline p = pipelines[i % CHANNELS];
                    if (write) {
                        p.write(Pipelines.MSG, p.voidPromise());
                    } else {
                        p.fireChannelRead(Pipelines.MSG);
                        p.fireChannelReadComplete();
                    }
                }
                count[0] += ops;
            });
            long seen = write ? sink.writes : consumer.reads;
            if (seen != count[0]) {
                throw new IllegalStateException("the pipeline lost traffic: " + seen + " of " + count[0]);
            }
            return result;
        } finally {
            stop(loop);
        }
    }

    private static long wheelPath(int ops, boolean expiry) {
        MockTicker ticker = Ticker.newMockTicker();
        TimerWheelConfig config = TimerWheelConfig.fromSystemProperties();
        long origin = ticker.nanoTime();
        TimerWheel wheel = new TimerWheel(config.tickNanos(), origin);
        TickBudget budget = config.budget(ticker);
        TimerStates.Counter counter = new TimerStates.Counter();
        long period = TimeUnit.SECONDS.toNanos(1);
        TimerStates.Vigil[] timers = new TimerStates.Vigil[CHANNELS];
        long[] delays = new long[4096];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < delays.length; i++) {
            delays[i] = random.nextLong(TimeUnit.HOURS.toNanos(2));
        }
        for (int i = 0; i < CHANNELS; i++) {
            timers[i] = new TimerStates.Vigil(counter, wheel, expiry ? period : 0);
            timers[i].arm(expiry ? period + i * (period / CHANNELS) : delays[i]);
        }
        long before = counter.fired;
        long result = measure(() -> {
            if (expiry) {
                // ops expiries: every timer fires once per period of clock time.
                long target = counter.fired + ops;
                while (counter.fired < target) {
                    ticker.advance(period / 100, TimeUnit.NANOSECONDS);
                    wheel.advance(ticker.nanoTime(), budget);
                }
            } else {
                for (int i = 0; i < ops; i++) {
                    // The clock stands still on this path: now is the wheel's origin.
                    timers[i % CHANNELS].arm(origin + delays[i & 4095]);
                }
            }
        });
        if (expiry && counter.fired - before < 2L * ROUNDS * ops) {
            throw new IllegalStateException("timers did not fire: " + (counter.fired - before));
        }
        return result;
    }

    private static long handlerExpiry(int ops) {
        MockTicker ticker = Ticker.newMockTicker();
        ManualIoEventLoop loop = Pipelines.sharedLoop(ticker);
        try {
            Pipelines.Sink sink = new Pipelines.Sink();
            Pipelines.Consumer consumer = new Pipelines.Consumer();
            Duration idle = Duration.ofSeconds(1);
            ChannelPipeline[] pipelines = track(loop, Pipelines.build(CHANNELS, ticker, loop,
                    Pipelines.handler("vigil", idle, Duration.ofSeconds(1)), sink, consumer, null));
            LoopTimer wheel = TimerWheels.forExecutor(loop);
            long tick = wheel.tickNanos();
            long before = wheel.expiredTotal();
            long result = measure(() -> {
                // Each round of clock time: every channel reads, then its timer fires and re-arms (row 9).
                long target = wheel.expiredTotal() + ops;
                while (wheel.expiredTotal() < target) {
                    for (ChannelPipeline p : pipelines) {
                        p.fireChannelRead(Pipelines.MSG);
                    }
                    for (long t = 0; t < idle.toNanos() && wheel.expiredTotal() < target; t += tick) {
                        ticker.advance(tick, TimeUnit.NANOSECONDS);
                        loop.runNow();
                    }
                }
            });
            if (consumer.idle != 0 || sink.pings != 0 || wheel.expiredTotal() - before < 2L * ROUNDS * ops) {
                throw new IllegalStateException("expected busy channels re-arming: idle events " + consumer.idle
                        + ", probes " + sink.pings + ", expiries " + (wheel.expiredTotal() - before));
            }
            return result;
        } finally {
            stop(loop);
        }
    }

    /** Closes the loop's channels (disarming their timers, so the registry lets the wheel go). */
    private static void stop(ManualIoEventLoop loop) {
        for (ChannelPipeline p : OPEN.getOrDefault(loop, new ChannelPipeline[0])) {
            p.channel().close();
        }
        OPEN.remove(loop);
        loop.runNow();
    }

    private static ChannelPipeline[] track(ManualIoEventLoop loop, ChannelPipeline[] pipelines) {
        OPEN.put(loop, pipelines);
        return pipelines;
    }
}
