package io.vigil.examples.demo;

import io.netty.channel.EventLoopGroup;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.examples.demo.peer.PeerProcess;
import java.io.IOException;
import java.util.List;

/**
 * What every scenario shares: the policy and its bounds, the transport and its event loops, the timeline, the
 * metrics recorder and the janitor that cleans up after it.
 *
 * @param policy the one policy of both layers
 * @param transport the transport
 * @param group the event loops of servers and relays
 * @param timeline the console
 * @param recorder Vigil's recorder (Prometheus and JFR)
 * @param janitor closes what the scenarios make, also on Ctrl-C
 */
record Stage(KeepAlivePolicy policy, Transport transport, EventLoopGroup group, Timeline timeline,
             HealthRecorder recorder, Janitor janitor) {

    /** The loopback address as servers bind it. */
    static final String LOOPBACK = "127.0.0.1";

    Bounds bounds() {
        return new Bounds(policy);
    }

    /**
     * Starts a peer process that connects to the given ports, and prints what it says on the timeline.
     *
     * @param who the peer's name on the timeline
     * @param prefix a command to run it under ({@code ip netns exec NS}), or empty
     * @param args {@link io.vigil.examples.demo.peer.PeerMain}'s arguments
     * @return the running peer, registered for cleanup
     * @throws IOException if it cannot start or connect
     */
    PeerProcess startPeer(String who, List<String> prefix, String... args) throws IOException {
        timeline.act(who, "starts a peer process" + (prefix.isEmpty() ? "" : " in " + prefix.get(prefix.size() - 1))
                + ": PeerMain " + String.join(" ", args));
        PeerProcess peer = PeerProcess.start(prefix, line -> {
            if (!line.startsWith("CONNECTED ")) {
                timeline.event(who, "peer", line, "");
            }
        }, args);
        timeline.act(who, "peer process " + peer.pid() + " connected");
        return janitor.register(peer);
    }
}
