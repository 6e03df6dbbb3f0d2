package io.vigil.benchmarks;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.MockTicker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * One {@code write} on the next of {@code channels} channels, in a shuffled order; a sink next to the head completes
 * the promise at once. Overhead = impl − bare, same run. {@code ish} is IdleStateHandler with reader idle only, the
 * matched comparator (it does the job Vigil does, and does not intercept writes either: its write path is one more
 * context); {@code ish-all} has reader, writer and all idle (it turns a void promise into a real one and adds a
 * listener that reads the clock): a feature Vigil does not have, published separately and labelled as such;
 * {@code vigil} is KeepAliveHandler (writes are not intercepted: write progress is read from the outbound buffer when
 * its timer fires).
 *
 * @since 0.1
 */
public class WritePathBenchmark extends AbstractBenchmark {

    /** The handler under test. */
    @Param({"bare", "ish", "ish-all", "vigil"})
    public String impl;

    /** How many channels to cycle over. */
    @Param({"1000", "100000"})
    public int channels;

    /** {@code void}: the channel's void promise; {@code real}: a new promise per write (48 B in every impl). */
    @Param({"void", "real"})
    public String promise;

    /** In creation order, so a copying collector cannot lay them out in the cycling order. */
    private ChannelPipeline[] pipelines;
    private int[] order;
    private int next;
    private boolean voidPromise;

    /** Builds the channels and checks that the writes pass and that the handler's timers fire. */
    @Setup(Level.Trial)
    public void setup() {
        MockTicker ticker = BenchTicker.create();
        ManualIoEventLoop loop = Pipelines.sharedLoop(ticker);
        Pipelines.Sink sink = new Pipelines.Sink();
        Pipelines.Consumer consumer = new Pipelines.Consumer();
        String handler = impl;
        ChannelPipeline[] pipelines = Pipelines.build(channels, ticker, loop,
                Pipelines.handler(handler, Pipelines.IDLE, Duration.ofSeconds(10)), sink, consumer, null);
        voidPromise = "void".equals(promise);
        for (ChannelPipeline p : pipelines) {
            write(p);
        }
        check(sink.writes == channels, "every write reached the sink: " + sink.writes + " of " + channels);
        if (!"bare".equals(impl)) {
            ticker.advance(Pipelines.IDLE.toSeconds() + 1, TimeUnit.SECONDS);
            long events = "ish-all".equals(impl) ? 3L * channels : channels;
            Pipelines.runTicking(loop, ticker, () -> consumer.idle >= events, 100_000);
            check(consumer.idle == events, "idle events of every channel: " + consumer.idle + " of " + events);
        }
        check(consumer.errors == 0, "no exceptions: " + consumer.errors);
        this.pipelines = pipelines;
        order = shuffled(channels);
        next = 0;
    }

    private ChannelFuture write(ChannelPipeline p) {
        return voidPromise ? p.write(Pipelines.MSG, p.voidPromise()) : p.write(Pipelines.MSG);
    }

    /**
     * One write on the next channel.
     *
     * @return the write's future (consumed by JMH)
     */
    @Benchmark
    public ChannelFuture write() {
        ChannelPipeline p = pipelines[order[next]];
        if (++next == order.length) {
            next = 0;
        }
        return write(p);
    }
}
