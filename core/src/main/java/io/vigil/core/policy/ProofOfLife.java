package io.vigil.core.policy;

/**
 * Which inbound traffic proves that the peer is alive and resets the probe count.
 *
 * <p>Whatever the setting, replies to our own probes always count.
 *
 * @since 0.1
 */
public enum ProofOfLife {
    /**
     * Any inbound message, including the peer's own probes. The default: a peer that sends probes has a live
     * application behind it.
     */
    ANY_MESSAGE,
    /**
     * Any inbound message except the peer's own probes. This is the kernel's rule: a received keepalive probe
     * does not refresh the receiver's keepalive clock.
     */
    ANY_MESSAGE_EXCEPT_PEER_PROBES
}
