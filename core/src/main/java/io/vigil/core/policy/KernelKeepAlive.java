package io.vigil.core.policy;

/**
 * The kernel half of a {@link KeepAlivePolicy}: the exact values to pass to {@code setsockopt}.
 *
 * @param idleSeconds {@code TCP_KEEPIDLE}, seconds, 1..32767
 * @param intervalSeconds {@code TCP_KEEPINTVL}, seconds, 1..32767
 * @param probes {@code TCP_KEEPCNT}, 1..127
 * @param userTimeoutMillis {@code TCP_USER_TIMEOUT}, milliseconds, 0 (off) .. {@link Integer#MAX_VALUE}
 * @since 0.1
 */
public record KernelKeepAlive(int idleSeconds, int intervalSeconds, int probes, int userTimeoutMillis) {

    /**
     * Checks the kernel's ranges.
     *
     * @throws IllegalArgumentException naming the option, the value, the range and the unit
     */
    public KernelKeepAlive {
        Limits.checkRange("TCP_KEEPIDLE", idleSeconds, 1, Limits.MAX_KERNEL_SECONDS, "s");
        Limits.checkRange("TCP_KEEPINTVL", intervalSeconds, 1, Limits.MAX_KERNEL_SECONDS, "s");
        Limits.checkRange("TCP_KEEPCNT", probes, 1, Limits.MAX_PROBES, "probes");
        Limits.checkRange("TCP_USER_TIMEOUT", userTimeoutMillis, 0, Integer.MAX_VALUE, "ms");
    }

    /**
     * Returns the nominal time after the last inbound segment at which the kernel closes a connection to a
     * silent peer: {@code tcp_keepalive_timer}'s rules on the exact grid {@code idle + k × interval}. The kernel's
     * timer expiries come late, so its real verdict is later, or one expiry earlier for a user timeout just past a
     * grid point: {@link KernelSchedule} has the real one.
     *
     * @return milliseconds
     */
    public long silentPeerVerdictMillis() {
        return Limits.silentPeerVerdict(idleSeconds * 1000L, intervalSeconds * 1000L, probes, userTimeoutMillis);
    }
}
