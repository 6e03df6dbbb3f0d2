package io.vigil.core.handler;

import io.netty.channel.Channel;
import io.vigil.core.event.Evidence;
import io.vigil.core.internal.timer.HealthTimer;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.machine.HealthStateMachine;
import io.vigil.core.policy.KernelClock;
import org.jspecify.annotations.Nullable;

/**
 * What a verdict states: the silence (with its uncertainty), the probes out, what waits to be written and since when
 * it made no progress, and the kernel's last word ({@code TCP_INFO}), all as of the moment the verdict is made.
 *
 * <p><b>Thread safety:</b> on the channel's event loop.
 */
final class VerdictEvidence {

    private VerdictEvidence() {
    }

    /**
     * Gathers the evidence of a verdict.
     *
     * @param ch the channel
     * @param kernel its kernel view, or null before it was active
     * @param machine the machine that made the verdict
     * @param timer its loop's timer, or null
     * @param kernelReceiptsCount whether data the kernel received counts as proof of life (the policy's rule)
     * @param now the tick's time, nanoseconds
     * @return the evidence
     */
    static Evidence of(Channel ch, @Nullable KernelEvidence kernel, HealthStateMachine machine,
                       @Nullable HealthTimer timer, boolean kernelReceiptsCount, long now) {
        // Stated at the moment the verdict is made, not at the tick's (cached) time: a clock read on either side of
        // the sample, so that a pause between the two (the thread descheduled, a safepoint) widens the receipt's
        // jiffy window instead of moving it.
        long before = timer == null ? now : timer.preciseNow();
        KernelSample sample = kernel == null ? null : kernel.sampleNow(ch);
        long pending = OutboundSnapshot.payloadBytes(ch);
        KernelClock grid = machine.clock();
        long at = timer == null ? now : timer.preciseNow();
        long sampleBefore = before;
        long sampleAfter = at;
        boolean receiptKnown = sample != null;
        if (sample == null && kernel != null && kernel.lastSample() != null) {
            // The socket is gone (the kernel's verdict closed it): the latest tick's sample, whose relative times
            // count back from when it was taken (within a jiffy before the time read after it), not from now. It
            // tells the last receipt only if nothing was read after it.
            sample = kernel.lastSample();
            sampleAfter = kernel.lastSampleAfter();
            sampleBefore = sampleAfter - grid.tickNanos();
            receiptKnown = sampleAfter - machine.lastRx() >= 0;
        }
        long silence;
        long uncertainty;
        if (sample != null && receiptKnown && !grid.isNominal() && kernelReceiptsCount) {
            // The kernel's receipt, in whole jiffies: the data arrived within jiffy r, or, if the sample's jiffy
            // was not the same at both clock reads, within jiffies earliest .. r.
            // The kernel's jiffies can lag the nominal boundary a little (its tick runs after it): a clock read
            // just past a boundary may be a jiffy ahead of the sample's, so the earliest end allows one more jiffy.
            long r = KernelEvidence.receiptJiffy(sample, grid, sampleAfter);
            long earliest = KernelEvidence.receiptJiffy(sample, grid, sampleBefore - grid.tickNanos());
            silence = at - grid.startNanos(r + 1);
            uncertainty = grid.startNanos(r + 1) - grid.startNanos(Math.min(r, earliest));
        } else {
            // The stamp is an upper bound of the arrival, at most the stamp margin late; if the loop stalled just
            // before the read (the stamp raised to the stall's end, or taken right after it), the arrival can be
            // that stall earlier.
            silence = at - machine.lastRx();
            uncertainty = timer == null ? 0 : timer.stampMarginNanos() + timer.stallBefore(machine.lastRx());
        }
        return new Evidence(Math.max(0, silence), machine.probesOut(), pending,
                pending == 0 ? 0 : at - machine.lastWriteProgress(), sample, uncertainty);
    }
}
