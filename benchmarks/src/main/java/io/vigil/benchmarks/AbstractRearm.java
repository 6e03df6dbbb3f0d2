package io.vigil.benchmarks;

import io.vigil.core.internal.timer.TimerWheelConfig;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Base of the re-arm benchmarks: re-arm (cancel + arm) of the next of {@code channels} armed timers at a steady size, for each timer design of
 * {@link TimerDesigns}: {@code heap} (Netty's loop scheduler: a heap-timer re-arm, <b>not</b> what IdleStateHandler
 * does per read), {@code hwt} (HashedWheelTimer), {@code agrona} (DeadlineTimerWheel), {@code vigil} (the loop's
 * wheel). Two more impls measure what each handler really does per read batch for its idle timer:
 * {@code ish-read} (IdleStateHandler: a clock read stored on the channel's state; it re-arms only when its timer
 * fires) and {@code vigil-read} (one store of the loop's cached time).
 *
 * <p>{@code deadlines=random}: a new random deadline 1–2 h ahead; {@code same-slot}: the channel's own fixed delay,
 * which for Vigil's wheel lands in the slot the entry is already in: a no-op that only reads the channel's state,
 * <b>the physical floor</b> (reaching a random channel's state), not a re-arm.
 *
 * <p>{@link RearmBenchmark}: the next channel of a pre-shuffled order, so consecutive operations are independent and the
 * CPU overlaps their cache misses (a throughput figure). {@link RearmLatencyBenchmark}: the next channel is read from the
 * state of the one just re-armed (one dependent operation at a time, a latency figure); only for designs with a
 * per-channel state object ({@code heap}, {@code vigil}); compare with {@link LatencyFloorBenchmark} on the same run.
 *
 * <p><b>Two orders, alternating per pass.</b> A list-based wheel links an entry next to the entries re-armed just
 * before and after it into the same slot. Were every pass over the channels in the same order, unlinking a channel
 * would touch the channels due a few operations later in this pass and bring them into the cache: the benchmark
 * would prefetch for the wheel (measured: a dependent re-arm at 1M came out at half the machine's dependent chase).
 * So passes alternate between two independent permutations (and, for the dependent variant, two independent
 * cycles): a channel's neighbours from the previous pass sit at random places in this one.
 *
 * @since 0.1
 */
public abstract class AbstractRearm extends TimerBench {

    private static final int DELAYS = 1 << 16;

    /** The timer design, or a per-read path (set by the subclass's parameter). */
    protected String impl;
    /** How many timers are armed. */
    protected int channels;
    /** {@code random} or {@code same-slot}. */
    protected String deadlines;

    /** Copies the subclass's parameters into the fields above. */
    protected abstract void params();

    private TimerDesigns timers;
    private TimerDesigns.Heap heap;
    private TimerDesigns.Wheel wheel;
    private int readPath;
    private long[] delays;
    private long[] ownDelay;
    private int[] order;
    private int[] otherOrder;
    private boolean second;
    private boolean random;
    private boolean linked;
    private int next;
    private int nextDelay;
    private int current;

    /** Arms every timer, checks that the design's timers fire, and links the dependent chain. */
    @Setup(Level.Trial)
    public void setup() {
        params();
        startLoop(TimerWheelConfig.fromSystemProperties());
        random = "random".equals(deadlines);
        delays = randomDelays(DELAYS);
        ownDelay = randomDelays(channels);
        order = shuffled(channels);
        otherOrder = shuffled(channels, SEED + 2);
        String design = impl.equals("ish-read") ? "heap" : impl.equals("vigil-read") ? "vigil" : impl;
        readPath = impl.equals("ish-read") ? 1 : impl.equals("vigil-read") ? 2 : 0;
        timers = TimerDesigns.create(design, channels, this);
        if (timers instanceof TimerDesigns.Heap) {
            heap = (TimerDesigns.Heap) timers;
        } else if (timers instanceof TimerDesigns.Wheel) {
            wheel = (TimerDesigns.Wheel) timers;
        }
        for (int i = 0; i < channels; i++) {
            timers.arm(i, ownDelay[i]);
        }
        check(timers.firesShortTimer(channels), impl + ": a short timer fires");
        int[] successor = new int[channels];
        int[] otherSuccessor = new int[channels];
        for (int k = 0; k < channels; k++) {
            successor[order[k]] = order[(k + 1) % channels];
            otherSuccessor[otherOrder[k]] = otherOrder[(k + 1) % channels];
        }
        linked = timers.link(successor, otherSuccessor);
        next = 0;
        second = false;
        nextDelay = 0;
        current = order[0];
    }

    /** Stops HashedWheelTimer's thread. */
    @TearDown
    public void closeTimers() {
        timers.close();
    }

    private long delay(int i) {
        if (!random) {
            return ownDelay[i];
        }
        long d = delays[nextDelay];
        nextDelay = (nextDelay + 1) & (DELAYS - 1);
        return d;
    }

    protected final void op(int i) {
        if (readPath == 1) {
            heap.readStamp(i);
        } else if (readPath == 2) {
            wheel.readStamp(i);
        } else {
            timers.arm(i, delay(i));
        }
    }

    /** The next channel of the shuffled order (independent operations: throughput). */
    protected final void independent() {
        int i = (second ? otherOrder : order)[next];
        if (++next == channels) {
            next = 0;
            second = !second;
        }
        op(i);
    }

    /** The channel named by the previous one's state (one dependent operation at a time: latency). */
    protected final void dependent() {
        if (!linked) {
            throw new UnsupportedOperationException(impl + " has no per-channel state object to chain through");
        }
        int i = current;
        op(i);
        current = timers.next(i, second);
        if (++next == channels) {
            next = 0; // a whole cycle: the next pass follows the other one (both visit every channel)
            second = !second;
        }
    }
}
