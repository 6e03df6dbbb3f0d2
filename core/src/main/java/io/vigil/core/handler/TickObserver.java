package io.vigil.core.handler;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.FastThreadLocal;
import io.vigil.core.internal.timer.HealthTimer;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.machine.ChannelSnapshot;
import io.vigil.core.machine.HealthStateMachine;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;

/**
 * What the machine judges a tick by: fills a {@link ChannelSnapshot} from the channel. The latest inbound stamp,
 * raised if our loop stalled after taking it; the outbound buffer; where the transport shows it, what the kernel
 * saw (data received that the application has not read, data in flight, data sent), asked only when the machine may
 * probe or judge; writability and half-closure; and whether our own loop lagged.
 *
 * <p><b>Thread safety:</b> on the channel's event loop; one snapshot per loop thread, reused by every tick.
 */
final class TickObserver {

    /** A tick runs to completion, so one snapshot per event loop thread is never used twice at once. */
    private static final FastThreadLocal<ChannelSnapshot> SNAPSHOT = new FastThreadLocal<>() {
        @Override
        protected ChannelSnapshot initialValue() {
            return new ChannelSnapshot();
        }
    };

    private TickObserver() {
    }

    /**
     * Observes the channel at a tick.
     *
     * @param ch the channel
     * @param t its loop's timer
     * @param k its kernel view
     * @param p the policy in force
     * @param latestRx the read path's latest stamp
     * @param seenBy the machine: its deadline (to tell a late tick) and its probes out
     * @param kernelReceiptsCount whether data the kernel received counts as proof of life (the policy's rule)
     * @param lastProbeAt when the latest probe was sent, nanoseconds (read only while probes are out)
     * @param now the tick's time, nanoseconds
     * @return the snapshot, valid until the next tick on this loop
     */
    static ChannelSnapshot observe(Channel ch, HealthTimer t, KernelEvidence k, KeepAlivePolicy p, long latestRx,
                                   HealthStateMachine seenBy, boolean kernelReceiptsCount, long lastProbeAt,
                                   long now) {
        long inbound = t.upperBound(latestRx);
        ChannelSnapshot seen = SNAPSHOT.get().reset(inbound);
        long pending = OutboundSnapshot.flushedBytes(ch);
        seen.outbound(pending, pending == 0 ? 0 : OutboundSnapshot.progressFingerprint(ch));
        KernelClock grid = seenBy.clock();
        if (k.canSee() && (pending != 0 || k.recording() || now - inbound >= p.idleNanos() || !grid.isNominal())) {
            long sampledAt = t.preciseNow();
            KernelSample sample = k.sampleAtTick(ch, t);
            if (sample != null) {
                // The kernel's rule: data in flight or queued unsent keeps keepalive dormant. Our own probes are data
                // in flight too (one small segment each), so only more than they can account for counts; and data
                // the kernel is still sending after our latest probe (a slow reader's window opening now and then)
                // is the application's, queued ahead of that probe, so the probe is not judged behind it.
                long sentAt = KernelEvidence.sentAt(sample, sampledAt);
                boolean stillSending = seenBy.probesOut() > 0 && sample.retransmits() == 0
                        && sentAt - lastProbeAt > 2 * KernelEvidence.RECEIPT_MARGIN_NANOS
                        && sampledAt - sentAt < p.intervalNanos();
                seen.kernelSend(sample.unacked() > seenBy.probesOut() || stillSending, sample.retransmits() != 0,
                        sentAt);
                if (kernelReceiptsCount && grid.isNominal()) {
                    seen.inbound(KernelEvidence.receivedAt(sample, sampledAt));
                } else if (kernelReceiptsCount) {
                    // On the kernel's grid the kernel's own receipt jiffy is the last arrival, whatever our loop did.
                    seen.kernelReceipt(grid.startNanos(KernelEvidence.receiptJiffy(sample, grid, t.preciseNow())));
                }
            }
        } else if (!k.canSee()) {
            seen.readsPaused(!ch.config().isAutoRead());
        }
        boolean inputShutdown = ch instanceof DuplexChannel && ((DuplexChannel) ch).isInputShutdown();
        boolean outputShutdown = ch instanceof DuplexChannel && ((DuplexChannel) ch).isOutputShutdown();
        seen.channel(ch.isWritable(), inputShutdown, outputShutdown);
        // Our own loop fell behind by more than a quarter of the interval (at least the stamp margin): late for this
        // tick, or stalled since the last probe went out. Replies may then wait unread; the machine probes once more.
        long tolerance = Math.max(t.stampMarginNanos(), p.intervalNanos() / 4);
        seen.lagged(now - seenBy.deadline() > tolerance
                || t.longestStallEndingAfter(now - p.intervalNanos()) > tolerance);
        return seen;
    }
}
