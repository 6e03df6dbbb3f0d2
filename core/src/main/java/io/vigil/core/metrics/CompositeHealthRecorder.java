package io.vigil.core.metrics;

import io.vigil.core.kernel.KernelSample;
import io.vigil.core.event.LifecycleEvent;
import io.vigil.core.event.PeerDead;
import io.vigil.core.machine.HealthState;
import io.vigil.core.kernel.KernelOptionsReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Hands every call to several recorders, in order: metrics and flight-recorder events from one handler.
 *
 * <pre>{@code
 * MicrometerHealthRecorder metrics = new MicrometerHealthRecorder();
 * metrics.bindTo(registry);
 * HealthRecorder recorder = CompositeHealthRecorder.of(metrics, JfrHealthRecorder.INSTANCE);
 * HeartbeatKeepAlive.install(ch.pipeline(), policy, recorder);
 * }</pre>
 *
 * <p>Each recorder is called through a {@link GuardedHealthRecorder}, so one that throws is logged there and does not
 * keep the others from recording; the composite itself never throws.
 *
 * <p><b>Thread safety:</b> immutable; as thread-safe as the recorders it holds.
 *
 * @since 0.1
 */
public final class CompositeHealthRecorder implements HealthRecorder {

    private final HealthRecorder[] recorders;

    private CompositeHealthRecorder(HealthRecorder[] recorders) {
        this.recorders = recorders;
    }

    /**
     * Combines recorders. Nested composites are flattened and {@link HealthRecorder#NOOP} is left out, so no
     * recorder gives {@code NOOP} and one gives that one itself.
     *
     * @param recorders the recorders, called in this order
     * @return a recorder that calls them all
     * @throws NullPointerException if any recorder is null
     */
    public static HealthRecorder of(HealthRecorder... recorders) {
        List<HealthRecorder> flat = new ArrayList<>();
        for (HealthRecorder r : recorders) {
            Objects.requireNonNull(r, "recorder");
            if (r instanceof CompositeHealthRecorder) {
                for (HealthRecorder guarded : ((CompositeHealthRecorder) r).recorders) {
                    flat.add(((GuardedHealthRecorder) guarded).recorder());
                }
            } else if (r != HealthRecorder.NOOP) {
                flat.add(r);
            }
        }
        if (flat.isEmpty()) {
            return HealthRecorder.NOOP;
        }
        if (flat.size() == 1) {
            return flat.get(0);
        }
        HealthRecorder[] guarded = new HealthRecorder[flat.size()];
        for (int i = 0; i < guarded.length; i++) {
            HealthRecorder r = flat.get(i);
            guarded[i] = r instanceof GuardedHealthRecorder ? r : GuardedHealthRecorder.of(r);
        }
        return new CompositeHealthRecorder(guarded);
    }

    /**
     * Returns the recorders this one calls.
     *
     * @return a copy, in call order
     */
    public List<HealthRecorder> recorders() {
        List<HealthRecorder> list = new ArrayList<>(recorders.length);
        for (HealthRecorder r : recorders) {
            list.add(((GuardedHealthRecorder) r).recorder());
        }
        return List.copyOf(list);
    }

    /** True if any of the recorders wants the peer's address. */
    @Override
    public boolean tagsRemoteAddress() {
        for (HealthRecorder r : recorders) {
            if (r.tagsRemoteAddress()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void probeSent(HealthSubject subject, int probe) {
        for (HealthRecorder r : recorders) {
            r.probeSent(subject, probe);
        }
    }

    @Override
    public void probeFailed(HealthSubject subject, int probe) {
        for (HealthRecorder r : recorders) {
            r.probeFailed(subject, probe);
        }
    }

    @Override
    public void peerAlive(HealthSubject subject, int probes, long rttNanos) {
        for (HealthRecorder r : recorders) {
            r.peerAlive(subject, probes, rttNanos);
        }
    }

    @Override
    public void peerDead(HealthSubject subject, PeerDead verdict) {
        for (HealthRecorder r : recorders) {
            r.peerDead(subject, verdict);
        }
    }

    @Override
    public void shadowVerdict(HealthSubject subject, PeerDead wouldBe) {
        for (HealthRecorder r : recorders) {
            r.shadowVerdict(subject, wouldBe);
        }
    }

    @Override
    public void lifecycle(HealthSubject subject, LifecycleEvent event) {
        for (HealthRecorder r : recorders) {
            r.lifecycle(subject, event);
        }
    }

    @Override
    public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
        for (HealthRecorder r : recorders) {
            r.stateChanged(subject, from, to);
        }
    }

    @Override
    public void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
        for (HealthRecorder r : recorders) {
            r.kernelOptions(subject, report);
        }
    }

    @Override
    public void kernelSample(HealthSubject subject, KernelSample sample) {
        for (HealthRecorder r : recorders) {
            r.kernelSample(subject, sample);
        }
    }

    @Override
    public String toString() {
        return "CompositeHealthRecorder" + recorders();
    }
}
