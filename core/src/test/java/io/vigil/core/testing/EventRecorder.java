package io.vigil.core.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The last handler of a test pipeline: records user events and exceptions with the time they arrived, and
 * releases inbound messages (keeping a count).
 */
public final class EventRecorder extends ChannelInboundHandlerAdapter {

    /** One recorded event or exception. */
    public record Timed(long nanos, Object what) {
        @Override
        public String toString() {
            return what + " @" + nanos / 1_000_000 + "ms";
        }
    }

    private final LongSupplier clock;
    private final List<Timed> events = new ArrayList<>();
    private final List<Timed> exceptions = new ArrayList<>();
    private int messagesRead;

    /**
     * Creates a recorder that reads time from a ticker.
     *
     * @param ticker the clock
     */
    public EventRecorder(Ticker ticker) {
        this.clock = ticker::nanoTime;
    }

    /**
     * Creates a recorder that reads time from a supplier.
     *
     * @param clock the clock, nanoseconds
     */
    public EventRecorder(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(new Timed(clock.getAsLong(), evt));
        ReferenceCountUtil.release(evt);
    }

    @Override
    public synchronized void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exceptions.add(new Timed(clock.getAsLong(), cause));
    }

    @Override
    public synchronized void channelRead(ChannelHandlerContext ctx, Object msg) {
        messagesRead++;
        ReferenceCountUtil.release(msg);
    }

    /**
     * Returns the recorded user events, in order.
     *
     * @return a copy
     */
    public synchronized List<Timed> events() {
        return new ArrayList<>(events);
    }

    /**
     * Returns the recorded user events of a type, in order.
     *
     * @param type the event type
     * @param <T> the event type
     * @return the events
     */
    public synchronized <T> List<T> events(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Timed t : events) {
            if (type.isInstance(t.what())) {
                out.add(type.cast(t.what()));
            }
        }
        return out;
    }

    /**
     * Returns the recorded exceptions, in order.
     *
     * @return a copy
     */
    public synchronized List<Timed> exceptions() {
        return new ArrayList<>(exceptions);
    }

    /**
     * Returns how many messages reached the end of the pipeline.
     *
     * @return the count
     */
    public synchronized int messagesRead() {
        return messagesRead;
    }

    /** Forgets everything recorded so far. */
    public synchronized void clear() {
        events.clear();
        exceptions.clear();
        messagesRead = 0;
    }
}
