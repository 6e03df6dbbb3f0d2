package io.vigil.benchmarks;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import io.vigil.core.event.PeerIdle;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.handler.FedKeepAliveHandler;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatFrame;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.InboundObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Pipelines for the Netty-facing benchmarks: many {@link EmbeddedChannel}s, each
 * {@code head → Sink → [idle handler] → Consumer → tail}, where the idle handler (if any) is added with
 * {@code pipeline.addLast(sharedLoop, handler)} so that every channel's timers live on one event loop: one heap for
 * {@code IdleStateHandler}, one wheel for Vigil, as at scale in production.
 *
 * <p><b>Thread safety:</b> everything here runs on the benchmark thread, which owns the shared loop.
 *
 * @since 0.1
 */
public final class Pipelines {

    /** The inbound and outbound message: a plain object, not reference counted, never copied. */
    public static final Object MSG = new Object() {
        @Override
        public String toString() {
            return "msg";
        }
    };

    /** Idle time of the handlers under test in the read and write benchmarks: nothing fires while measuring. */
    public static final Duration IDLE = Duration.ofSeconds(60);

    private Pipelines() {
    }

    /**
     * Creates an event loop owned by the calling thread, driven by hand with {@code runNow()}.
     *
     * @param ticker its clock
     * @return the loop
     */
    public static ManualIoEventLoop sharedLoop(Ticker ticker) {
        return new ManualIoEventLoop(null, Thread.currentThread(), LocalIoHandler.newFactory(), ticker);
    }

    /**
     * Returns the handler factory for an {@code impl} parameter.
     *
     * @param impl {@code bare} (none), {@code hop} (a handler that only passes reads on: the floor of any handler
     *        on the read path), {@code codec-stamp} (a hop that also stamps the loop's cached time, as a codec
     *        feeding the keepalive would), {@code ish} (IdleStateHandler, reader idle), {@code ish-writer},
     *        {@code ish-all} (reader, writer and all idle), {@code vigil} (KeepAliveHandler; {@code vigil-epoll} is the
     *        same, for {@link KernelViewChannel}s), {@code vigil-codec}
     *        (a FedKeepAliveHandler, for a codec to feed: see {@link FeedingCodec})
     * @param idle the idle time
     * @param interval Vigil's probe interval
     * @return a factory, or null for {@code bare}
     */
    public static @Nullable Supplier<ChannelHandler> handler(String impl, Duration idle, Duration interval) {
        long idleNanos = idle.toNanos();
        switch (impl) {
            case "bare":
                return null;
            case "hop":
                return Hop::new;
            case "codec-stamp":
                return CodecStamp::new;
            case "ish":
                return () -> new IdleStateHandler(idleNanos, 0, 0, TimeUnit.NANOSECONDS);
            case "ish-writer":
                return () -> new IdleStateHandler(0, idleNanos, 0, TimeUnit.NANOSECONDS);
            case "ish-all":
                return () -> new IdleStateHandler(idleNanos, idleNanos, idleNanos, TimeUnit.NANOSECONDS);
            // Probe jitter off: the timer paths are compared at the same deadlines as IdleStateHandler's (which has
            // none), and a herd stays a herd; jitter moves when a first probe goes, not what any path costs.
            case "vigil":
            case "vigil-epoll":
                KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(idle).interval(interval).probes(3).build();
                return () -> new KeepAliveHandler(policy, HeartbeatProber.INSTANCE).probeJitter(0);
            case "vigil-codec":
                KeepAlivePolicy fed = KeepAlivePolicy.builder().idle(idle).interval(interval).probes(3).build();
                return () -> new FedKeepAliveHandler(new KeepAliveHandler(fed, HeartbeatProber.INSTANCE)
                        .probeJitter(0));
            default:
                throw new IllegalArgumentException("impl = " + impl + " is unknown");
        }
    }

    /**
     * Builds {@code n} active channels.
     *
     * @param n how many
     * @param ticker the channels' clock
     * @param sharedLoop the loop the idle handlers run on
     * @param handler the idle handler factory, or null for none
     * @param sink the outbound sink (shared)
     * @param consumer the inbound consumer (shared)
     * @param extra another handler per channel, added after the idle handler (may be null)
     * @return the pipelines
     */
    public static ChannelPipeline[] build(int n, Ticker ticker, ManualIoEventLoop sharedLoop,
                                          @Nullable Supplier<ChannelHandler> handler, Sink sink, Consumer consumer,
                                          @Nullable Supplier<ChannelHandler> extra) {
        return build(n, ticker, sharedLoop, handler, sink, consumer, extra, false);
    }

    /**
     * Builds {@code n} active channels, which may show Vigil the kernel's view.
     *
     * @param n how many
     * @param ticker the channels' clock
     * @param sharedLoop the loop the idle handlers run on
     * @param handler the idle handler factory, or null for none
     * @param sink the outbound sink (shared)
     * @param consumer the inbound consumer (shared)
     * @param extra another handler per channel, added after the idle handler (may be null)
     * @param kernelView true for {@link KernelViewChannel}s (Vigil takes its epoll read path), false for plain
     *        in-memory channels (its NIO path)
     * @return the pipelines
     */
    // addLast(executor, ...) is deprecated in Netty 4.2, but it is how many channels share one loop's timers here.
    @SuppressWarnings("deprecation")
    public static ChannelPipeline[] build(int n, Ticker ticker, ManualIoEventLoop sharedLoop,
                                          @Nullable Supplier<ChannelHandler> handler, Sink sink, Consumer consumer,
                                          @Nullable Supplier<ChannelHandler> extra, boolean kernelView) {
        ChannelPipeline[] pipelines = new ChannelPipeline[n];
        for (int i = 0; i < n; i++) {
            EmbeddedChannel.Builder b = EmbeddedChannel.builder().ticker(ticker).handlers(sink);
            EmbeddedChannel ch = kernelView ? new KernelViewChannel(b) : b.build();
            ChannelPipeline p = ch.pipeline();
            if (handler != null) {
                p.addLast(sharedLoop, "idle", handler.get());
            }
            if (extra != null) {
                p.addLast(sharedLoop, "extra", extra.get());
            }
            p.addLast("consumer", consumer);
            pipelines[i] = p;
        }
        return pipelines;
    }

    /**
     * Runs the shared loop until {@code done} holds, at most {@code maxRuns} times.
     *
     * @param loop the loop
     * @param done the condition
     * @param maxRuns the bound
     * @return how many runs it took
     */
    public static int runUntil(ManualIoEventLoop loop, java.util.function.BooleanSupplier done, int maxRuns) {
        int runs = 0;
        while (!done.getAsBoolean()) {
            if (runs++ == maxRuns) {
                throw new IllegalStateException("the loop did not get there in " + maxRuns + " runs");
            }
            loop.runNow();
        }
        return runs;
    }

    /**
     * Runs the shared loop until {@code done} holds, moving the clock one wheel tick (10 ms) after each run, at most
     * {@code maxRuns} times: for checks after a clock jump, which Vigil's local-stall guard treats as a stalled loop
     * (its verdicts then wait for the ticks that follow).
     *
     * @param loop the loop
     * @param ticker the loop's clock
     * @param done the condition
     * @param maxRuns the bound
     * @return how many runs it took
     */
    public static int runTicking(ManualIoEventLoop loop, io.netty.util.concurrent.MockTicker ticker,
                                 java.util.function.BooleanSupplier done, int maxRuns) {
        int runs = 0;
        while (!done.getAsBoolean()) {
            if (runs++ == maxRuns) {
                throw new IllegalStateException("the loop did not get there in " + maxRuns + " runs");
            }
            loop.runNow();
            ticker.advance(10, TimeUnit.MILLISECONDS);
        }
        return runs;
    }

    /** A handler that passes every read on and does nothing else: what one more hop in the pipeline costs. */
    public static final class Hop extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * A handler the application already has (a codec: it sees every inbound message) that also stamps the loop's
     * cached time for the keepalive, as a codec calling {@code HealthFeed.inboundSeen()} would, instead of one more
     * handler on the read path: the hop plus one store of the wheel's cached time. Its cost over {@code hop} is
     * what stamping from inside a codec costs; Vigil's overhead minus it is what the separate handler costs.
     */
    public static final class CodecStamp extends ChannelInboundHandlerAdapter {
        private io.vigil.core.internal.timer.@Nullable LoopTimer wheel;
        /** The latest stamp. */
        public long latestRx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            wheel = io.vigil.core.internal.timer.TimerWheels.forExecutor(ctx.executor());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.vigil.core.internal.timer.LoopTimer w = wheel;
            if (w != null) {
                latestRx = w.now();
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * A handler the application already has (a codec) feeding Vigil through {@code ReadPath.CODEC}'s
     * {@link InboundObserver}, as {@code HeartbeatCodec} does with each decoded message; a consumed message (a reply
     * to Vigil's probe) is not passed on.
     */
    public static final class FeedingCodec extends ChannelInboundHandlerAdapter {
        private final InboundObserver observer;

        /**
         * Creates the codec.
         *
         * @param observer what it feeds
         */
        public FeedingCodec(InboundObserver observer) {
            this.observer = observer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (observer.observe(msg)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** The outbound end, next to the head: completes every write's promise and drops it; counts writes and pings. */
    @ChannelHandler.Sharable
    public static final class Sink extends ChannelOutboundHandlerAdapter {
        /** Writes seen. */
        public long writes;
        /** Heartbeat pings seen. */
        public long pings;
        /** The id of the latest ping. */
        public long lastPingId;
        /** If set, each channel's latest ping id goes to its slot (a lookup, no allocation). */
        public java.util.@Nullable Map<io.netty.channel.Channel, long[]> pingIds;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes++;
            if (msg instanceof HeartbeatFrame) {
                HeartbeatFrame frame = (HeartbeatFrame) msg;
                if (frame.isPing()) {
                    pings++;
                    lastPingId = frame.id();
                    java.util.Map<io.netty.channel.Channel, long[]> ids = pingIds;
                    long[] slot = ids == null ? null : ids.get(ctx.channel());
                    if (slot != null) {
                        slot[0] = frame.id();
                    }
                }
            }
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // Nothing reaches the head: the sink took every write.
        }
    }

    /** The inbound end, before the tail: counts reads and idle events, passes nothing on. */
    @ChannelHandler.Sharable
    public static final class Consumer extends ChannelInboundHandlerAdapter {
        /** Messages read. */
        public long reads;
        /** Idle events seen: {@link IdleStateEvent}s and {@link PeerIdle}s. */
        public long idle;
        /** {@link PeerAlive} events seen. */
        public long acks;
        /** Exceptions seen. */
        public long errors;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reads++;
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // The end of the line.
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent || evt instanceof PeerIdle) {
                idle++;
            } else if (evt instanceof PeerAlive) {
                acks++;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors++;
        }

        /** Sets every count back to zero. */
        public void reset() {
            reads = 0;
            idle = 0;
            acks = 0;
            errors = 0;
        }
    }
}
