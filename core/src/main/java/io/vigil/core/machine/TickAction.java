package io.vigil.core.machine;

/**
 * What the handler must do after {@link HealthStateMachine#onTick}. Whenever the action re-arms, the new deadline
 * is already in {@link HealthStateMachine#deadline()}.
 *
 * @since 0.1
 */
public enum TickAction {
    /** Re-arm the timer at the new deadline; send nothing. */
    REARM,
    /** Send one probe now, then re-arm at the new deadline. */
    PROBE,
    /** Declare the peer dead for {@link HealthStateMachine#deathReason()}; do not re-arm. */
    DEAD,
    /** The channel is half-closed: stop probing; do not re-arm. */
    SUSPEND,
    /** The machine is not armed (suspended, dead or closed): do nothing. */
    NONE
}
