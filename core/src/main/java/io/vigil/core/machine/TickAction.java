package io.vigil.core.machine;

import io.vigil.core.event.DeathReason;
import org.jspecify.annotations.Nullable;

/**
 * What the caller must do after {@link HealthStateMachine#onTick}. Whenever the action re-arms, the new deadline is
 * already in {@link HealthStateMachine#deadline()}. A verdict carries its reason ({@link #verdict()}).
 *
 * @since 0.1
 */
public enum TickAction {
    /** Re-arm the timer at the new deadline; send nothing. */
    REARM(null),
    /** Send one probe now, then re-arm at the new deadline. */
    PROBE(null),
    /** Declare the peer dead: its probes went unanswered (row 10); do not re-arm. */
    DEAD_PROBES_UNANSWERED(DeathReason.PROBES_UNANSWERED),
    /** Declare the peer dead: the user timeout cut probing short (row 10); do not re-arm. */
    DEAD_USER_TIMEOUT(DeathReason.USER_TIMEOUT),
    /** Declare the peer dead: no probe of the episode could be written (row 10); do not re-arm. */
    DEAD_PROBES_UNWRITABLE(DeathReason.PROBES_UNWRITABLE),
    /** Declare the peer dead: pending writes made no progress for the user timeout (row 8); do not re-arm. */
    DEAD_WRITE_STALLED(DeathReason.WRITE_STALLED),
    /** The channel is half-closed: stop probing; do not re-arm. */
    SUSPEND(null),
    /** The machine is not armed (suspended, dead or closed): do nothing. */
    NONE(null);

    private final @Nullable DeathReason verdict;

    TickAction(@Nullable DeathReason verdict) {
        this.verdict = verdict;
    }

    /**
     * Returns the reason of the verdict this action declares.
     *
     * @return the reason, or null if this action is not a verdict
     */
    public @Nullable DeathReason verdict() {
        return verdict;
    }

    static TickAction deadFor(DeathReason reason) {
        switch (reason) {
            case PROBES_UNANSWERED:
                return DEAD_PROBES_UNANSWERED;
            case USER_TIMEOUT:
                return DEAD_USER_TIMEOUT;
            case WRITE_STALLED:
                return DEAD_WRITE_STALLED;
            case PROBES_UNWRITABLE:
                return DEAD_PROBES_UNWRITABLE;
            default:
                throw new IllegalArgumentException("not a userspace verdict: " + reason);
        }
    }
}
