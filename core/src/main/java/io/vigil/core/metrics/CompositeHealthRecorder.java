package io.vigil.core.metrics;

import io.vigil.core.event.KernelSample;
import io.vigil.core.event.PeerDead;
import io.vigil.core.machine.HealthState;
import io.vigil.core.socket.KernelOptionsReport;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Hands every call to several recorders, in order: metrics and flight-recorder events from one handler.
 *
 * <pre>{@code
 * HealthRecorder recorder = CompositeHealthRecorder.of(micrometerRecorder, new JfrHealthRecorder());
 * HeartbeatKeepAlive.install(ch.pipeline(), policy, recorder);
 * }</pre>
 *
 * <p>A recorder that throws does not keep the others from recording: every recorder is called, then the first
 * failure is rethrown (later ones attached as suppressed) for the caller to log, as the keepalive handler does.
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
                flat.addAll(Arrays.asList(((CompositeHealthRecorder) r).recorders));
            } else if (r != HealthRecorder.NOOP) {
                flat.add(r);
            }
        }
        if (flat.isEmpty()) {
            return HealthRecorder.NOOP;
        }
        return flat.size() == 1 ? flat.get(0) : new CompositeHealthRecorder(flat.toArray(new HealthRecorder[0]));
    }

    /**
     * Returns the recorders this one calls.
     *
     * @return a copy, in call order
     */
    public List<HealthRecorder> recorders() {
        return List.of(recorders);
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
        Throwable failure = null;
        for (HealthRecorder r : recorders) {
            try {
                r.probeSent(subject, probe);
            } catch (Throwable t) {
                failure = keep(failure, t);
            }
        }
        rethrow(failure);
    }

    @Override
    public void probeAcked(HealthSubject subject, int probes, long rttNanos) {
        Throwable failure = null;
        for (HealthRecorder r : recorders) {
            try {
                r.probeAcked(subject, probes, rttNanos);
            } catch (Throwable t) {
                failure = keep(failure, t);
            }
        }
        rethrow(failure);
    }

    @Override
    public void peerDead(HealthSubject subject, PeerDead verdict) {
        Throwable failure = null;
        for (HealthRecorder r : recorders) {
            try {
                r.peerDead(subject, verdict);
            } catch (Throwable t) {
                failure = keep(failure, t);
            }
        }
        rethrow(failure);
    }

    @Override
    public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
        Throwable failure = null;
        for (HealthRecorder r : recorders) {
            try {
                r.stateChanged(subject, from, to);
            } catch (Throwable t) {
                failure = keep(failure, t);
            }
        }
        rethrow(failure);
    }

    @Override
    public void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
        Throwable failure = null;
        for (HealthRecorder r : recorders) {
            try {
                r.kernelOptions(subject, report);
            } catch (Throwable t) {
                failure = keep(failure, t);
            }
        }
        rethrow(failure);
    }

    @Override
    public void kernelSample(HealthSubject subject, KernelSample sample) {
        Throwable failure = null;
        for (HealthRecorder r : recorders) {
            try {
                r.kernelSample(subject, sample);
            } catch (Throwable t) {
                failure = keep(failure, t);
            }
        }
        rethrow(failure);
    }

    private static Throwable keep(@Nullable Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    private static void rethrow(@Nullable Throwable failure) {
        if (failure == null) {
            return;
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        throw new UndeclaredThrowableException(failure);
    }

    @Override
    public String toString() {
        return "CompositeHealthRecorder" + Arrays.toString(recorders);
    }
}
