package io.vigil.core.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.vigil.core.event.ProbeSetupException;
import io.vigil.core.internal.timer.HealthTimer;
import io.vigil.core.probe.Prober;
import org.jspecify.annotations.Nullable;

/**
 * One channel's probes on the wire: sends them through its {@link Prober} with ids, remembers the ids of the current
 * probing episode so that only a reply to one of them is taken as ours (a reply with any other id, an
 * application's own ping answered, a forged or stale id, is not consumed and gives no round-trip time), and tells a
 * probe the pipeline cannot encode from one the network lost. Keeps the last {@value #CAPACITY} ids; a reply to an
 * older probe of a longer episode is not matched.
 *
 * <p>Made on a channel's first probe, then reused: no allocation per probe beyond the write's own future.
 *
 * <p><b>Thread safety:</b> confined to the channel's event loop.
 */
final class ProbeDispatch {

    /** How many ids are kept. */
    static final int CAPACITY = 8;

    private final Prober prober;
    private final long[] ids = new long[CAPACITY];
    private int count;
    private int next;

    ProbeDispatch(Prober prober) {
        this.prober = prober;
    }

    /**
     * Writes probe number {@code n} of the episode; its id is the send time. The write's outcome goes to
     * {@code written}, at once if the write already completed.
     *
     * @param c the keepalive handler's context
     * @param t the channel's timer, for the send time
     * @param n the probe's number in its episode, 1 for the first
     * @param written hears of the write's outcome
     */
    void send(ChannelHandlerContext c, HealthTimer t, int n, ChannelFutureListener written) throws Exception {
        if (n == 1) {
            count = 0;
            next = 0;
        }
        long id = t.preciseNow();
        ids[next] = id;
        next = (next + 1) % CAPACITY;
        count = Math.min(count + 1, CAPACITY);
        ChannelFuture write = prober.sendProbe(c, id);
        if (write.isDone()) {
            written.operationComplete(write);
        } else {
            write.addListener(written);
        }
    }

    /**
     * Returns the send time of the latest probe (its id).
     *
     * @return nanoseconds in the loop's clock; meaningless before the first probe
     */
    long lastSentAt() {
        return ids[(next + CAPACITY - 1) % CAPACITY];
    }

    /**
     * Tells whether a reply's id is that of an outstanding probe; if so the episode's ids are forgotten.
     *
     * @param id the reply's id
     * @return true if the reply answers one of this episode's probes
     */
    boolean answers(long id) {
        if (id == Prober.NO_ID) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (ids[i] == id) {
                count = 0;
                next = 0;
                return true;
            }
        }
        return false;
    }

    /**
     * Recognises a probe that failed because nothing in the pipeline could turn it into bytes (the keepalive handler
     * sits before its codec, or the codec is missing), and says so.
     *
     * @param cause the write's failure
     * @param ch the channel
     * @return the error to report, or null if the failure is not of that kind
     */
    static @Nullable ProbeSetupException setupFailure(Throwable cause, Channel ch) {
        boolean unencodable = cause instanceof UnsupportedOperationException || cause instanceof ClassCastException
                || cause instanceof EncoderException;
        if (!unencodable) {
            return null;
        }
        return new ProbeSetupException("KeepAliveHandler could not write its probe: " + cause
                + ". The likely cause: the handler sits before (closer to the socket than) the codec that encodes its"
                + " probes, or that codec is missing; see VigilPipeline for the order. Probing is stopped on " + ch
                + " and no verdict will be made on its peer.", cause);
    }
}
