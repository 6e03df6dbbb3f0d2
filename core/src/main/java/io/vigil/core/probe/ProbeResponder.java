package io.vigil.core.probe;

/**
 * Answers the peer's probes in a given protocol: the application-level counterpart of the kernel ACKing a
 * keepalive probe. Installed with {@link ProbeResponderHandler}, which decides whether to answer: it keeps at most
 * one reply in flight per connection, sends none while the channel is unwritable, and ends a flood of probes.
 *
 * <p><b>Thread safety:</b> called on the channel's event loop; implementations shared between channels must be
 * stateless.
 *
 * @since 0.1
 */
public interface ProbeResponder {

    /**
     * Returns the protocol's name, for the reason a flood is ended with: low-cardinality, e.g. {@code "heartbeat"}.
     *
     * @return the name
     */
    String protocol();

    /**
     * Tells whether an inbound message is a probe from the peer.
     *
     * @param msg an inbound message
     * @return true if it is a probe
     */
    boolean isProbe(Object msg);

    /**
     * Builds the reply to a probe. The caller still owns (and releases) the probe.
     *
     * @param probe a message for which {@link #isProbe(Object)} returned true
     * @return the reply to write
     */
    Object replyTo(Object probe);

    /**
     * Tells whether an inbound message is this protocol's own control traffic that no application handler should
     * see, such as a reply that answered none of this side's probes (the keepalive handler consumed those that
     * did). Such a message is released and dropped.
     *
     * @param msg an inbound message
     * @return true to drop it; false (the default) to pass it on
     */
    default boolean isDroppedControl(Object msg) {
        return false;
    }
}
