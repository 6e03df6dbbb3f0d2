package io.vigil.core.metrics;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.vigil.core.event.LifecycleEvent;
import io.vigil.core.event.PeerDead;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.machine.HealthState;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * The one place that says "a recorder never breaks a connection": a decorator that calls its recorder and catches
 * whatever it throws. The first failure of a recorder is logged at WARN once for the whole process, however many
 * channels share that recorder; later ones at DEBUG. Vigil's handlers guard the recorder they are given, so a
 * recorder need not guard itself.
 *
 * <p>Allocation-free on every call that does not fail.
 *
 * <p><b>Thread safety:</b> as thread-safe as the recorder it guards.
 *
 * @since 0.1
 */
public final class GuardedHealthRecorder implements HealthRecorder {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(GuardedHealthRecorder.class);

    /** The recorders that already had their one WARN line (weakly held; touched only on failure). */
    private static final Map<HealthRecorder, Boolean> WARNED = Collections.synchronizedMap(new WeakHashMap<>());

    private final HealthRecorder recorder;

    private GuardedHealthRecorder(HealthRecorder recorder) {
        this.recorder = recorder;
    }

    /**
     * Guards a recorder.
     *
     * @param recorder the recorder
     * @return the recorder itself when it needs no guard ({@link HealthRecorder#NOOP}, or already guarded),
     *         otherwise a guard around it
     */
    public static HealthRecorder of(HealthRecorder recorder) {
        Objects.requireNonNull(recorder, "recorder");
        if (recorder == HealthRecorder.NOOP || recorder instanceof GuardedHealthRecorder) {
            return recorder;
        }
        return new GuardedHealthRecorder(recorder);
    }

    /**
     * Returns the recorder this guard calls.
     *
     * @return the guarded recorder
     */
    public HealthRecorder recorder() {
        return recorder;
    }

    /** {@inheritDoc} A failure counts as false. */
    @Override
    public boolean tagsRemoteAddress() {
        try {
            return recorder.tagsRemoteAddress();
        } catch (Throwable failure) {
            failed("tagsRemoteAddress", failure);
            return false;
        }
    }

    @Override
    public void probeSent(HealthSubject subject, int probe) {
        try {
            recorder.probeSent(subject, probe);
        } catch (Throwable failure) {
            failed("probeSent", failure);
        }
    }

    @Override
    public void probeFailed(HealthSubject subject, int probe) {
        try {
            recorder.probeFailed(subject, probe);
        } catch (Throwable failure) {
            failed("probeFailed", failure);
        }
    }

    @Override
    public void peerAlive(HealthSubject subject, int probes, long rttNanos) {
        try {
            recorder.peerAlive(subject, probes, rttNanos);
        } catch (Throwable failure) {
            failed("peerAlive", failure);
        }
    }

    @Override
    public void peerDead(HealthSubject subject, PeerDead verdict) {
        try {
            recorder.peerDead(subject, verdict);
        } catch (Throwable failure) {
            failed("peerDead", failure);
        }
    }

    @Override
    public void shadowVerdict(HealthSubject subject, PeerDead wouldBe) {
        try {
            recorder.shadowVerdict(subject, wouldBe);
        } catch (Throwable failure) {
            failed("shadowVerdict", failure);
        }
    }

    @Override
    public void lifecycle(HealthSubject subject, LifecycleEvent event) {
        try {
            recorder.lifecycle(subject, event);
        } catch (Throwable failure) {
            failed("lifecycle", failure);
        }
    }

    @Override
    public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
        try {
            recorder.stateChanged(subject, from, to);
        } catch (Throwable failure) {
            failed("stateChanged", failure);
        }
    }

    @Override
    public void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
        try {
            recorder.kernelOptions(subject, report);
        } catch (Throwable failure) {
            failed("kernelOptions", failure);
        }
    }

    @Override
    public void kernelSample(HealthSubject subject, KernelSample sample) {
        try {
            recorder.kernelSample(subject, sample);
        } catch (Throwable failure) {
            failed("kernelSample", failure);
        }
    }

    private void failed(String call, Throwable failure) {
        if (WARNED.put(recorder, Boolean.TRUE) == null) {
            logger.warn("HealthRecorder {} threw in {}; no connection is affected (its further failures are logged at"
                    + " debug level).", recorder, call, failure);
        } else {
            logger.debug("HealthRecorder {} threw again in {}.", recorder, call, failure);
        }
    }

    @Override
    public String toString() {
        return "Guarded(" + recorder + ")";
    }
}
