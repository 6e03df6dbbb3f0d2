package io.vigil.benchmarks.footprint;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.vigil.benchmarks.Pipelines;
import io.vigil.benchmarks.e2e.Net;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.internal.timer.TimerWheels;
import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.openjdk.jol.info.ClassLayout;

/**
 * Bytes per channel, measured on live objects. Vigil's per-channel health and timer state is the one object the
 * wheel holds: its size comes from JOL on the live instance (the running VM's own layout: compressed oops,
 * alignment). What a handler adds in all (its context, the handler, its timers, its share of the heap or wheel) is
 * the retained heap after a full collection with the handler added to {@code n} live channels minus before, divided
 * by {@code n}. (JOL's graph walk cannot be used for the totals: from a pipeline it reaches the loop's thread and the
 * whole VM, including lambdas whose fields it cannot read.)
 *
 * <p><b>Thread safety:</b> call from one thread; it owns the loops it makes.
 *
 * @since 0.1
 */
public final class Footprint {

    private static final String[] IMPLS = {"noop", "ish", "ish-all", "vigil"};
    /** The first word of the line a fork prints with its result. */
    private static final String RESULT = "FOOTPRINT ";

    /**
     * The baseline: a handler that does nothing, added the same way. Adding any handler with its own executor costs
     * a context and, once per pipeline, a small map of child executors; that is not the idle handler's doing.
     */
    @io.netty.channel.ChannelHandler.Sharable
    static final class Noop extends io.netty.channel.ChannelInboundHandlerAdapter {
    }

    private Footprint() {
    }

    /** What was measured. */
    public static final class Result {
        private final int channels;
        private final Map<String, Long> totals;
        private final long stateBytes;
        private final long handlerBytes;
        private final long contextBytes;

        Result(int channels, Map<String, Long> totals, long stateBytes, long handlerBytes, long contextBytes) {
            this.channels = channels;
            this.totals = totals;
            this.stateBytes = stateBytes;
            this.handlerBytes = handlerBytes;
            this.contextBytes = contextBytes;
        }

        /**
         * Returns the bytes a handler adds per channel.
         *
         * @param impl {@code ish}, {@code ish-all} or {@code vigil}
         * @return bytes
         */
        public double perChannel(String impl) {
            return (double) (totals.get(impl) - totals.get("noop")) / channels;
        }

        /**
         * Returns the size of Vigil's per-channel health and timer state object.
         *
         * @return bytes
         */
        public long vigilStateBytes() {
            return stateBytes;
        }

        /**
         * Returns the size of the KeepAliveHandler object itself.
         *
         * @return bytes
         */
        public long vigilHandlerBytes() {
            return handlerBytes;
        }

        /**
         * Returns the result as one line of text, which {@link #parse} reads back: what a fork prints.
         *
         * @return {@code channels state handler context} then {@code impl=bytes} per handler, space-separated
         */
        String toLine() {
            StringBuilder sb = new StringBuilder().append(channels).append(' ').append(stateBytes).append(' ')
                    .append(handlerBytes).append(' ').append(contextBytes);
            totals.forEach((impl, bytes) -> sb.append(' ').append(impl).append('=').append(bytes));
            return sb.toString();
        }

        /**
         * Reads a result back from {@link #toLine()}'s text.
         *
         * @param line the text
         * @return the result
         * @throws IllegalArgumentException if the text is not such a line
         */
        static Result parse(String line) {
            String[] f = line.trim().split(" ");
            if (f.length != 4 + IMPLS.length) {
                throw new IllegalArgumentException("not a footprint result: " + line);
            }
            Map<String, Long> totals = new LinkedHashMap<>();
            for (int i = 4; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                totals.put(f[i].substring(0, eq), Long.parseLong(f[i].substring(eq + 1)));
            }
            for (String impl : IMPLS) {
                if (!totals.containsKey(impl)) {
                    throw new IllegalArgumentException("footprint result without " + impl + ": " + line);
                }
            }
            return new Result(Integer.parseInt(f[0]), totals, Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]));
        }

        /**
         * Returns the figures as a Markdown table.
         *
         * @return the table
         */
        public String table() {
            return table(impl -> String.format(Locale.ROOT, "%.1f", perChannel(impl)));
        }

        /**
         * Returns the figures as a Markdown table, each handler's bytes per channel as {@code figure} gives them
         * (the caller's figure over several rounds, for instance).
         *
         * @param figure the text of {@code perChannel(impl)}'s figure, by impl
         * @return the table
         */
        public String table(java.util.function.Function<String, String> figure) {
            StringBuilder sb = new StringBuilder();
            sb.append(channels).append(" channels. State: JOL instance size on this VM. \"All it adds\": retained "
                    + "heap after a full GC with the handler added to the live channels minus before, ÷ channels, "
                    + "minus the same for a no-op handler added the same way (").append(
                    String.format(Locale.ROOT, "%.1f", (double) totals.get("noop") / channels)).append(" B: its "
                    + "context and the pipeline's map of child executors, which the shared-loop set-up costs any "
                    + "handler): the handler, its timers and its share of the loop's heap or wheel.\n\n"
                    + "| what | bytes per channel |\n|---|---|\n");
            sb.append(String.format(Locale.ROOT, "| Vigil health + timer state (the wheel entry) | %d |%n",
                    stateBytes));
            sb.append(String.format(Locale.ROOT, "| Vigil, all it adds (handler %d, state %d, wheel share; its "
                    + "context, %d, is in the baseline) | %s |%n", handlerBytes, stateBytes, contextBytes,
                    figure.apply("vigil")));
            sb.append(String.format(Locale.ROOT, "| ISH reader idle, all it adds | %s |%n", figure.apply("ish")));
            sb.append(String.format(Locale.ROOT, "| ISH reader + writer + all idle, all it adds | %s |%n",
                    figure.apply("ish-all")));
            return sb.toString();
        }
    }

    /**
     * Measures.
     *
     * @param channels how many channels per configuration
     * @return the figures
     */
    public static Result measure(int channels) {
        return measure(channels, 1).get(0);
    }

    /**
     * Measures {@code rounds} times after one discarded warm-up round: the rounds' spread is the figures' interval
     * (one round's ISH figure was seen 14 B apart from another's).
     *
     * @param channels how many channels per configuration
     * @param rounds rounds kept, at least 1
     * @return the figures of each round
     */
    public static List<Result> measure(int channels, int rounds) {
        // A first round at a small size, discarded: one-time allocations (class initialisation, Netty's and the
        // wheel's static tables) would otherwise be charged to whichever handler first needs them. Measured: the
        // first round in a fresh VM charged Vigil 22 B per channel more than every later round.
        measureOnce(Math.min(channels, 1_000));
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            results.add(measureOnce(channels));
        }
        return results;
    }

    /**
     * Measures in {@code forks} fresh JVMs, one after the other, each measuring one round after its discarded
     * warm-up round: the spread between JVMs (heap layout, JIT, what each JVM initialised) is the interval, which
     * rounds in one JVM do not show (one JVM's rounds put ISH at 235–242 B per channel, another's at 221 B).
     *
     * @param channels how many channels per configuration
     * @param forks how many JVMs, at least 1
     * @param heap each JVM's fixed heap, as for {@code -Xmx} ({@code 1g})
     * @return the figures of each JVM
     * @throws IOException if a JVM cannot be started, prints no result within a minute or does not end cleanly
     * @throws InterruptedException if interrupted while waiting for one
     */
    public static List<Result> inForks(int channels, int forks, String heap) throws IOException,
            InterruptedException {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < forks; i++) {
            // JOL may print warnings before the result (no dynamic attach): resultOf skips them.
            results.add(Result.parse(Net.resultOf(heap, Duration.ofMinutes(1), RESULT, Footprint.class,
                    String.valueOf(channels))));
        }
        return results;
    }

    /**
     * One fork of {@link #inForks}: measures one round after the warm-up round and prints it on one line.
     *
     * @param args the number of channels
     */
    public static void main(String[] args) {
        Result r = measure(Integer.parseInt(args[0]), 1).get(0);
        System.out.println(RESULT + r.toLine());
    }

    private static Result measureOnce(int channels) {
        Map<String, Long> totals = new LinkedHashMap<>();
        long state = 0;
        long handler = 0;
        long context = 0;
        Noop noop = new Noop();
        for (String impl : IMPLS) {
            MockTicker ticker = Ticker.newMockTicker();
            ManualIoEventLoop loop = Pipelines.sharedLoop(ticker);
            Supplier<ChannelHandler> factory = "noop".equals(impl) ? () -> noop
                    : Pipelines.handler(impl, Duration.ofSeconds(60), Duration.ofSeconds(10));
            ChannelPipeline[] pipelines = Pipelines.build(channels, ticker, loop, null,
                    new Pipelines.Sink(), new Pipelines.Consumer(), null);
            if (factory == null) {
                throw new IllegalStateException(impl);
            }
            long before = retained();
            for (ChannelPipeline p : pipelines) {
                addIdle(p, loop, factory.get());
            }
            Object wheel = "vigil".equals(impl) ? TimerWheels.forExecutor(loop) : null;
            long after = retained();
            totals.put(impl, after - before);
            if ("vigil".equals(impl)) {
                KeepAliveHandler h = (KeepAliveHandler) pipelines[0].get("idle");
                state = ClassLayout.parseInstance(entryOf(h)).instanceSize();
                handler = ClassLayout.parseInstance(h).instanceSize();
                context = ClassLayout.parseInstance(pipelines[0].context("idle")).instanceSize();
            }
            java.lang.ref.Reference.reachabilityFence(wheel);
            java.lang.ref.Reference.reachabilityFence(pipelines);
            // Closing disarms every timer (the registry lets the wheel go); the loop owns no thread and is dropped.
            for (ChannelPipeline p : pipelines) {
                p.channel().close();
            }
            loop.runNow();
        }
        return new Result(channels, totals, state, handler, context);
    }

    // addLast(executor, ...) is deprecated in Netty 4.2; it is how the channels share one loop's timers.
    @SuppressWarnings("deprecation")
    private static void addIdle(ChannelPipeline p, ManualIoEventLoop loop, ChannelHandler handler) {
        p.addBefore(loop, "consumer", "idle", handler);
    }

    /**
     * Heap in use after full collections (stable to a few KB on an idle heap).
     *
     * @return bytes
     */
    public static long retained() {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The handler's private state object: what the wheel holds for the channel. */
    private static Object entryOf(KeepAliveHandler handler) {
        try {
            Field f = KeepAliveHandler.class.getDeclaredField("entry");
            f.setAccessible(true);
            @Nullable Object entry = f.get(handler);
            if (entry == null) {
                throw new IllegalStateException("the handler has no state: is the channel active?");
            }
            return entry;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("KeepAliveHandler.entry not found", e);
        }
    }
}
