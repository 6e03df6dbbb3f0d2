package io.vigil.core.probe;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.ProtocolViolation;
import java.util.Objects;

/**
 * Answers the peer's probes and passes every other message on. Place it after {@code KeepAliveHandler} (name
 * {@code VigilPipeline.PROBE_RESPONDER}) so that the peer's probes still count as traffic there; removing it makes
 * this side stop answering while the socket stays open.
 *
 * <p>What a peer can make this side hold is bounded: at most one reply in flight per connection (a probe that
 * arrives while the previous reply has not been written yet, or while the channel is unwritable, is dropped: the
 * peer's next probe gets the answer), so a peer that sends probes and never reads the replies cannot fill memory.
 * A peer that sends more than {@link #maxProbesPerSecond()} probes within a second is flooding: the handler fires a
 * {@link ProtocolViolation} that says so and closes the channel.
 *
 * <p><b>Thread safety:</b> one instance per channel (it counts the peer's probes), confined to its event loop.
 *
 * @since 0.1
 */
public class ProbeResponderHandler extends ChannelInboundHandlerAdapter implements ChannelFutureListener {

    /** The default for {@link #maxProbesPerSecond()}: far above any sane keepalive, far below a flood. */
    public static final int DEFAULT_MAX_PROBES_PER_SECOND = 100;

    private static final long SECOND = 1_000_000_000L;

    private final ProbeResponder responder;
    private final int maxProbesPerSecond;
    private boolean replyInFlight;
    private boolean flooded;
    private long windowStart;
    private int probesInWindow;

    /**
     * Creates the handler with {@link #DEFAULT_MAX_PROBES_PER_SECOND}.
     *
     * @param responder answers the probes
     */
    public ProbeResponderHandler(ProbeResponder responder) {
        this(responder, DEFAULT_MAX_PROBES_PER_SECOND);
    }

    /**
     * Creates the handler.
     *
     * @param responder answers the probes
     * @param maxProbesPerSecond the most probes the peer may send within one second before the connection is closed
     *        as a flood, 1 .. 1,000,000
     * @throws IllegalArgumentException if {@code maxProbesPerSecond} is out of range
     */
    public ProbeResponderHandler(ProbeResponder responder, int maxProbesPerSecond) {
        this.responder = Objects.requireNonNull(responder, "responder");
        if (maxProbesPerSecond < 1 || maxProbesPerSecond > 1_000_000) {
            throw new IllegalArgumentException("maxProbesPerSecond = " + maxProbesPerSecond
                    + " probes/s is out of range: allowed 1 .. 1000000 probes/s");
        }
        this.maxProbesPerSecond = maxProbesPerSecond;
    }

    /**
     * Returns the most probes the peer may send within one second.
     *
     * @return probes per second
     */
    public int maxProbesPerSecond() {
        return maxProbesPerSecond;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (responder.isProbe(msg)) {
            try {
                onProbe(ctx, msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        } else if (responder.isDroppedControl(msg)) {
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onProbe(ChannelHandlerContext ctx, Object probe) {
        if (flooded) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        if (probesInWindow == 0 || now - windowStart >= SECOND) {
            windowStart = now;
            probesInWindow = 0;
        }
        if (++probesInWindow > maxProbesPerSecond) {
            flooded = true;
            ctx.fireUserEventTriggered(new ProtocolViolation(responder.protocol(), "probe flood: more than "
                    + maxProbesPerSecond + " probes within 1 s (limit " + maxProbesPerSecond
                    + " probes/s); closing the connection"));
            ctx.close();
            return;
        }
        if (replyInFlight || !ctx.channel().isWritable()) {
            return; // bounded: the peer's next probe gets the answer
        }
        replyInFlight = true;
        ChannelFuture write = ctx.writeAndFlush(responder.replyTo(probe));
        if (write.isDone()) {
            replyInFlight = false;
        } else {
            write.addListener(this);
        }
    }

    /** The reply left (or failed to): the next probe may be answered. Nothing is thrown into the pipeline. */
    @Override
    public void operationComplete(ChannelFuture future) {
        replyInFlight = false;
    }
}
