package io.vigil.examples.metrics;

import io.vigil.core.event.PeerDead;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Prints what Vigil reports (kernel options, answered probes, verdicts) for the examples' {@code main} methods.
 *
 * <p><b>Thread safety:</b> thread-safe.
 *
 * @since 0.1
 */
public final class PrintingRecorder implements HealthRecorder {

    private final CountDownLatch answered = new CountDownLatch(1);

    /** Creates a recorder that prints to standard output. */
    public PrintingRecorder() {
    }

    @Override
    public void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
        System.out.println("kernel options read back (" + subject.side() + ", " + report.transport() + "): "
                + report.outcomes() + (report.allApplied() ? ", all applied" : ""));
    }

    @Override
    public void peerAlive(HealthSubject subject, int probes, long rttNanos) {
        System.out.println(subject.side() + " " + subject.protocol() + " probe answered: rtt "
                + (rttNanos < 0 ? "unknown" : rttNanos / 1_000 + " us"));
        answered.countDown();
    }

    @Override
    public void peerDead(HealthSubject subject, PeerDead verdict) {
        System.out.println(subject.side() + " " + subject.protocol() + " peer dead: " + verdict);
    }

    /**
     * Waits for the first answered probe.
     *
     * @param seconds the bound
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if no probe was answered in time
     */
    public void awaitFirstAnswer(long seconds) throws InterruptedException {
        if (!answered.await(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no probe answered within " + seconds + " s");
        }
    }
}
