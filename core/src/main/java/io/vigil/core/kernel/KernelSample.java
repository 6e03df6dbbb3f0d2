package io.vigil.core.kernel;

/**
 * One sample of the kernel's {@code TCP_INFO} for a socket: the kernel's own evidence about the peer. Taken when
 * Vigil's timer fires or a verdict is made, never per message. Units are the kernel's.
 *
 * @param state {@code tcpi_state}: 1 ESTABLISHED, 7 CLOSE, ...
 * @param probes {@code tcpi_probes}: unanswered keepalive (or zero-window) probes
 * @param retransmits {@code tcpi_retransmits}: consecutive retransmissions of the head segment
 * @param backoff {@code tcpi_backoff}: retransmission backoff exponent; non-zero means a stall, not keepalive
 * @param unacked {@code tcpi_unacked}: segments in flight; non-zero means keepalive is dormant
 * @param lastDataReceivedMillis {@code tcpi_last_data_recv}: ms since data was last received
 * @param lastAckReceivedMillis {@code tcpi_last_ack_recv}: ms since an ACK was last received
 * @param rttMicros {@code tcpi_rtt}: smoothed round-trip time, µs (not updated by keepalive probes)
 * @param rttVarMicros {@code tcpi_rttvar}: round-trip time variance, µs
 * @param totalRetransmits {@code tcpi_total_retrans}: retransmissions over the connection's life
 * @param lastDataSentMillis {@code tcpi_last_data_sent}: ms since data was last sent (retransmissions included)
 * @since 0.1
 */
public record KernelSample(int state, int probes, int retransmits, int backoff, long unacked,
                           long lastDataReceivedMillis, long lastAckReceivedMillis, long rttMicros, long rttVarMicros,
                           long totalRetransmits, long lastDataSentMillis) {
}
