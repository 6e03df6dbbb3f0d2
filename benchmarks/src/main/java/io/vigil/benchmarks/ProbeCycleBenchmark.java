package io.vigil.benchmarks;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ManualIoEventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigil.core.internal.timer.LoopTimer;
import io.vigil.core.internal.timer.TimerWheelConfig;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.probe.HeartbeatFrame;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The whole probe cycle on {@code channels} channels at once: idle detected → probe sent (probe timeout armed) →
 * pong read → timeout cancelled → idle timer re-armed. {@code vigil}: KeepAliveHandler with the heartbeat prober;
 * {@code ish}: IdleStateHandler plus the user handler one writes with it ({@link IshProber}: on the idle event send a
 * ping and schedule a timeout; on the pong cancel it). One invocation is one cycle of every channel; the report
 * divides by {@code channels}. The peer's pong answers each channel's own ping id (Vigil accepts only a reply to an
 * outstanding probe), so the benchmark makes one pong per channel and cycle, as the peer's decoder would; the
 * allocation figure counts it in both implementations.
 *
 * @since 0.1
 */
public class ProbeCycleBenchmark extends AbstractBenchmark {

    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The wheel's tick, nanoseconds (the properties are read once here, not on the measured path). */
    private static final long TICK = TimerWheelConfig.fromSystemProperties().tickNanos();

    /** The implementation. */
    @Param({"ish", "vigil"})
    public String impl;

    /** How many channels. */
    @Param({"1000", "100000"})
    public int channels;

    private MockTicker ticker;
    private ManualIoEventLoop loop;
    private Pipelines.Sink sink;
    private Pipelines.Consumer consumer;
    private ChannelPipeline[] pipelines;
    private int[] order;
    private @Nullable LoopTimer wheel;
    private long expiries;
    private long[][] pingIds;

    /** What a user of IdleStateHandler writes to probe: ping on idle, a timeout, cancelled by the pong. */
    static final class IshProber extends ChannelInboundHandlerAdapter {
        static long acks;
        static long timeouts;
        private @Nullable ScheduledFuture<?> timeout;
        private @Nullable ChannelHandlerContext ctx;
        private final Runnable onTimeout = () -> {
            timeouts++;
            ChannelHandlerContext c = ctx;
            if (c != null) {
                c.close();
            }
        };

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && timeout == null) {
                ctx.writeAndFlush(HeartbeatFrame.ping(ctx.executor().ticker().nanoTime()), ctx.voidPromise());
                timeout = ctx.executor().schedule(onTimeout, TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HeartbeatFrame && !((HeartbeatFrame) msg).isPing()) {
                ScheduledFuture<?> t = timeout;
                if (t != null) {
                    t.cancel(false);
                    timeout = null;
                    acks++;
                }
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Builds the channels and runs one checked cycle. */
    @Setup(Level.Trial)
    public void setup() {
        TimerWheels.configure(TimerWheelConfig.fromSystemProperties());
        ticker = BenchTicker.create();
        loop = Pipelines.sharedLoop(ticker);
        sink = new Pipelines.Sink();
        consumer = new Pipelines.Consumer();
        boolean isIsh = "ish".equals(impl);
        Supplier<ChannelHandler> prober = isIsh ? IshProber::new : null;
        pipelines = Pipelines.build(channels, ticker, loop, Pipelines.handler(impl, IDLE, TIMEOUT), sink, consumer,
                prober);
        order = shuffled(channels);
        pingIds = new long[channels][1];
        sink.pingIds = new java.util.IdentityHashMap<>();
        for (int i = 0; i < channels; i++) {
            sink.pingIds.put(pipelines[i].channel(), pingIds[i]);
        }
        if (!isIsh) {
            wheel = TimerWheels.forExecutor(loop);
        }
        IshProber.acks = 0;
        IshProber.timeouts = 0;
        expiries = wheel == null ? 0 : wheel.expiredTotal();
        cycle();
        check(sink.pings == channels, "one ping per channel: " + sink.pings + " of " + channels);
        check(consumer.idle == channels, "one idle event per channel: " + consumer.idle);
        long acks = isIsh ? IshProber.acks : consumer.acks;
        check(acks == channels, "every pong acknowledged: " + acks);
        check(IshProber.timeouts == 0 && consumer.errors == 0, "no timeout fired, no exception");
        check(wheel == null || wheel.size() == channels, "every channel re-armed");
    }

    /** One probe cycle of every channel. */
    @Benchmark
    public void cycle() {
        long pings = sink.pings + channels;
        ticker.advance(IDLE.toNanos(), TimeUnit.NANOSECONDS);
        runUntil(() -> sink.pings >= pings);
        for (int i = 0; i < order.length; i++) {
            int c = order[i];
            ChannelPipeline p = pipelines[c];
            p.fireChannelRead(HeartbeatFrame.pong(pingIds[c][0]));
            p.fireChannelReadComplete();
        }
        // The probe timer comes due: Vigil re-arms the idle timer from the last arrival (the heap has nothing due).
        ticker.advance(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        LoopTimer w = wheel;
        if (w != null) {
            expiries += channels;
            runUntil(() -> w.expiredTotal() >= expiries);
        } else {
            loop.runNow();
        }
    }

    private void runUntil(java.util.function.BooleanSupplier done) {
        int runs = 0;
        while (!done.getAsBoolean()) {
            if (runs++ == 1_000_000) {
                throw new IllegalStateException("the probe cycle did not complete");
            }
            loop.runNow();
            ticker.advance(TICK, TimeUnit.NANOSECONDS);
        }
    }
}
