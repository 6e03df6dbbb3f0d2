package io.vigil.core.metrics;

import io.vigil.core.kernel.KernelSample;
import io.vigil.core.event.LifecycleEvent;
import io.vigil.core.event.PeerDead;
import io.vigil.core.machine.HealthState;
import io.vigil.core.kernel.KernelOptionsReport;

/**
 * Receives what the health layer does, for metrics and tracing. Called on the channel's event loop, per probe,
 * per verdict and per state change; never per message.
 *
 * <p>Implementations must be cheap and must not throw; {@code KeepAliveHandler} catches and logs anything they
 * throw all the same, so a broken recorder never breaks a connection. Every method defaults to doing nothing.
 *
 * <p><b>Thread safety:</b> one recorder serves channels on every event loop, so implementations must be
 * thread-safe.
 *
 * @since 0.1
 */
public interface HealthRecorder {

    /** A recorder that records nothing. */
    HealthRecorder NOOP = new HealthRecorder() {
        @Override
        public String toString() {
            return "HealthRecorder.NOOP";
        }
    };

    /**
     * Tells whether this recorder wants the peer's address in the {@link HealthSubject}s it receives. Off by
     * default: an address makes one subject per connection and, in a metrics backend, one series per peer host.
     * Asked once per channel, when it becomes active.
     *
     * @return true to receive subjects carrying {@link HealthSubject#remoteAddress()}
     */
    default boolean tagsRemoteAddress() {
        return false;
    }

    /**
     * A probe was sent.
     *
     * @param subject the channel's tags
     * @param probe the number of unanswered probes including this one
     */
    default void probeSent(HealthSubject subject, int probe) {
    }

    /**
     * A probe could not be written (its write failed).
     *
     * @param subject the channel's tags
     * @param probe the number of the probe that failed
     */
    default void probeFailed(HealthSubject subject, int probe) {
    }

    /**
     * The peer proved alive while probes were outstanding.
     *
     * @param subject the channel's tags
     * @param probes how many probes were outstanding
     * @param rttNanos the answered probe's round-trip time, nanoseconds, or -1 if unknown
     */
    default void peerAlive(HealthSubject subject, int probes, long rttNanos) {
    }

    /**
     * The peer was declared dead.
     *
     * @param subject the channel's tags
     * @param verdict the verdict with its reason and evidence
     */
    default void peerDead(HealthSubject subject, PeerDead verdict) {
    }

    /**
     * In shadow mode, the peer would have been declared dead; nothing was closed.
     *
     * @param subject the channel's tags
     * @param wouldBe the verdict that was not enforced
     */
    default void shadowVerdict(HealthSubject subject, PeerDead wouldBe) {
    }

    /**
     * A connection moved between states. A new connection goes from {@link HealthState#CLOSED} to
     * {@link HealthState#ACTIVE}; a closed one ends in {@link HealthState#CLOSED}.
     *
     * @param subject the channel's tags
     * @param from the previous state
     * @param to the new state
     */
    default void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
    }

    /**
     * The kernel options of the policy were set on a socket and read back.
     *
     * @param subject the channel's tags
     * @param report what applied and what could not
     */
    default void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
    }

    /**
     * The kernel's {@code TCP_INFO} was sampled, when the health timer fired or a verdict was made.
     *
     * @param subject the channel's tags
     * @param sample the sample
     */
    default void kernelSample(HealthSubject subject, KernelSample sample) {
    }

    /**
     * A connection lifecycle policy acted: a ping strike or a connection ended for too many pings (server), a
     * probe back-off (client), a connection retired for its idleness or age. Called on the channel's event loop,
     * once per event; never per message.
     *
     * @param subject the channel's tags
     * @param event what happened
     * @since 0.2
     */
    default void lifecycle(HealthSubject subject, LifecycleEvent event) {
    }
}
