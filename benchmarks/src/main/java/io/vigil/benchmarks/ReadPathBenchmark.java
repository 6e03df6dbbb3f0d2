package io.vigil.benchmarks;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.MockTicker;
import io.vigil.core.handler.CodecFeed;
import io.vigil.core.handler.FedKeepAliveHandler;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.socket.KernelAccess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * One read batch (one {@code channelRead} and one {@code channelReadComplete}) on the next of {@code channels}
 * channels, in a shuffled order. Overhead = impl − bare, from the same run: {@code ish} is IdleStateHandler with
 * reader idle (one clock read per batch), {@code ish-all} with all three timers, {@code vigil} is KeepAliveHandler
 * (one store of the loop's cached time per message); {@code hop} is a handler that only passes reads on, the floor
 * that any handler on the read path pays; {@code codec-stamp} is that hop also storing the loop's cached time: what
 * stamping from inside a codec the application already has costs, with no keepalive handler on the read path;
 * {@code vigil-codec} is the real thing, {@code ReadPath.CODEC}: that hop (the application's codec) feeding Vigil
 * through {@link CodecFeed}, with the keepalive in the pipeline as a {@link FedKeepAliveHandler}, which Netty skips
 * on the read path. Vigil's read cost with a codec the application has anyway is then {@code vigil-codec − hop},
 * against {@code vigil − bare} for the handler of its own.
 *
 * <p>The in-memory channels have no {@code TCP_INFO}, so {@code vigil} (and {@code vigil-codec}) take Vigil's NIO read
 * path: one clock read at the end of each read batch that carried data, which makes the stamp tight where the tick
 * cannot read the kernel's receipt. {@code vigil-epoll} is the same handler on {@link KernelViewChannel}s, which show
 * Vigil a kernel view as epoll and io_uring do: its read path, which skips that clock read.
 *
 * @since 0.1
 */
public class ReadPathBenchmark extends AbstractBenchmark {

    /** The handler under test. */
    @Param({"bare", "hop", "codec-stamp", "ish", "ish-all", "vigil", "vigil-epoll", "vigil-codec"})
    public String impl;

    /** How many channels to cycle over. */
    @Param({"1000", "100000", "1000000"})
    public int channels;

    /** In creation order, so a copying collector cannot lay them out in the cycling order. */
    private ChannelPipeline[] pipelines;
    private int[] order;
    private int next;

    /** Builds the channels and checks that the handler sees the reads and that its timers fire. */
    @Setup(Level.Trial)
    public void setup() {
        MockTicker ticker = BenchTicker.create();
        ManualIoEventLoop loop = Pipelines.sharedLoop(ticker);
        Pipelines.Sink sink = new Pipelines.Sink();
        Pipelines.Consumer consumer = new Pipelines.Consumer();
        ChannelPipeline[] pipelines = Pipelines.build(channels, ticker, loop,
                Pipelines.handler(impl, Pipelines.IDLE, Duration.ofSeconds(10)), sink, consumer, null,
                "vigil-epoll".equals(impl));
        if ("vigil-epoll".equals(impl)) {
            check(KernelAccess.inspector(pipelines[0].channel()) instanceof KernelViewChannel.Provider,
                    "the kernel-view channels show Vigil a kernel view (its provider is registered)");
        }
        if ("vigil-codec".equals(impl)) {
            for (ChannelPipeline p : pipelines) {
                feedFromACodec(p, loop);
            }
        }
        for (ChannelPipeline p : pipelines) {
            p.fireChannelRead(Pipelines.MSG).fireChannelReadComplete();
        }
        check(consumer.reads == channels, "every read reached the consumer: " + consumer.reads + " of " + channels);
        if (!"bare".equals(impl) && !"hop".equals(impl) && !"codec-stamp".equals(impl)) {
            // ish-all fires reader, writer and all-idle events.
            long events = "ish-all".equals(impl) ? 3L * channels : channels;
            ticker.advance(Pipelines.IDLE.toSeconds() + 1, TimeUnit.SECONDS);
            Pipelines.runTicking(loop, ticker, () -> consumer.idle >= events, 100_000);
            check(consumer.idle == events, "idle events of every channel: " + consumer.idle + " of " + events);
            for (ChannelPipeline p : pipelines) {
                p.fireChannelRead(Pipelines.MSG).fireChannelReadComplete();
            }
            if (impl.startsWith("vigil")) {
                check(consumer.acks == channels, "every probe acknowledged by a read: " + consumer.acks);
                check(sink.pings == channels, "one probe per channel: " + sink.pings);
            }
        }
        check(consumer.errors == 0, "no exceptions: " + consumer.errors);
        consumer.reset();
        this.pipelines = pipelines;
        order = shuffled(channels);
        next = 0;
    }

    /** Puts the application's codec (a hop) before the fed keepalive, stamping it through {@link CodecFeed}. */
    @SuppressWarnings("deprecation") // addBefore(executor, ...): the keepalive's loop, as Pipelines.build does
    private static void feedFromACodec(ChannelPipeline p, ManualIoEventLoop loop) {
        KeepAliveHandler keepAlive = ((FedKeepAliveHandler) p.get("idle")).keepAlive();
        p.addBefore(loop, "idle", "codec", new Pipelines.FeedingCodec(new CodecFeed(keepAlive,
                HeartbeatProber.INSTANCE)));
    }

    /** One read batch of one message on the next channel. */
    @Benchmark
    public void readBatch() {
        ChannelPipeline p = pipelines[order[next]];
        if (++next == order.length) {
            next = 0;
        }
        p.fireChannelRead(Pipelines.MSG);
        p.fireChannelReadComplete();
    }
}
