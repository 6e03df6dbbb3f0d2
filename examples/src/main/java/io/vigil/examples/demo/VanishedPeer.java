package io.vigil.examples.demo;

import io.vigil.examples.demo.peer.DropRelay;
import io.vigil.examples.demo.peer.NetnsRig;
import io.vigil.examples.demo.peer.PeerProcess;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Scenario 3: a vanished peer. The network silently drops everything between the demo and carol. As root, carol
 * is a process in a network namespace of her own, and a blackhole route there drops all she sends: the kernel
 * layer's probes arrive and go unanswered, so both layers fire, the kernel with {@code ETIMEDOUT}, which Vigil
 * reports as {@code KERNEL_TIMEOUT}. Without root an in-process relay drops both directions instead, labelled as
 * simulated: it fools the userspace layer only, because the relay's own kernel answers the kernel layer's probes.
 * With {@code CI=true} the namespace path must run.
 */
final class VanishedPeer implements Scenario {

    private final @Nullable String noNamespace = NetnsRig.unavailableReason();
    private final boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));

    @Override
    public String title() {
        return noNamespace == null ? "3 vanished peer" : "3 vanished peer (simulated)";
    }

    @Override
    public String story(Stage stage) {
        return noNamespace == null
                ? "carol runs in her own network namespace; a blackhole route there drops all she sends. The kernel"
                        + " layer's probes arrive and go unanswered, like the userspace layer's: both fire. One"
                        + " connection per layer, their verdict times side by side."
                : "SIMULATED (" + noNamespace + "): a relay in this process drops both directions. The relay's own"
                        + " kernel answers the kernel layer's probes, so only the userspace layer can be shown; run"
                        + " as root for the real thing.";
    }

    @Override
    public List<Row> run(Stage stage) throws Exception {
        if (noNamespace != null && ci) {
            return List.of(new Row(title(), "carol", "both", "CI=true: the network namespace path runs",
                    "could not: " + noNamespace, Row.Outcome.NO));
        }
        List<AutoCloseable> made = new ArrayList<>();
        try {
            return run(stage, made);
        } finally {
            for (int i = made.size() - 1; i >= 0; i--) {
                made.get(i).close();
            }
        }
    }

    private List<Row> run(Stage stage, List<AutoCloseable> made) throws Exception {
        Bounds.Window user = stage.bounds().userspaceSilent();
        Bounds.Window kernel = stage.bounds().kernelSilent();
        NetnsRig rig = noNamespace == null ? add(stage, made, NetnsRig.create()) : null;
        String host = rig == null ? Stage.LOOPBACK : rig.hostAddress();
        if (rig != null) {
            stage.timeline().act("carol", "made " + rig);
        }
        VigilServer kernelServer = add(stage, made, VigilServer.listen(stage, "carol:kernel", Layers.KERNEL, host));
        VigilServer userServer = add(stage, made, VigilServer.listen(stage, "carol:user", Layers.USERSPACE, host));
        DropRelay[] relays = new DropRelay[0];
        String ports = kernelServer.port() + "," + userServer.port();
        if (rig == null) {
            relays = new DropRelay[] {relay(stage, made, kernelServer), relay(stage, made, userServer)};
            ports = relays[0].address().getPort() + "," + relays[1].address().getPort();
        }
        PeerProcess carol = add(stage, made, stage.startPeer("carol", rig == null ? List.of() : rig.exec(), "client",
                host, ports));
        Watch k = kernelServer.accepted();
        Watch u = userServer.accepted();
        Watch.Quiet kq = k.quiet();
        u.quiet();
        if (rig != null) {
            rig.blackholePeerOutput();
            stage.timeline().act("carol", "blackhole route in her namespace: all she sends is dropped");
        } else {
            for (DropRelay relay : relays) {
                relay.vanish();
            }
            stage.timeline().act("carol", "SIMULATED: the relay drops everything both ways");
        }
        long due = Math.max(kq.lastSegment() + kernel.highNanos(), u.lastInbound() + user.highNanos());
        stage.timeline().countdown("both layers' verdicts due " + Scenario.ms(user.lowNanos()) + " after the"
                + " last inbound", due, () -> k.dead.isDone() && u.dead.isDone());

        Row userRow = Scenario.silentPeerRow(title(), u, user);
        Watch.Verdict kv = k.dead.getNow(null);
        long kernelAt = k.verdictAfter(kq.lastSegment());
        Row kernelRow;
        if (rig == null) {
            kernelRow = new Row(title(), k.name(), "kernel", "not shown: the relay's kernel answers the probes",
                    k.describeVerdict(kq.lastSegment()), Row.Outcome.NOT_SHOWN);
        } else {
            boolean recognised = stage.transport().kernelAware();
            String expected = (recognised ? "KERNEL_TIMEOUT" : "ETIMEDOUT (NIO: not recognised)") + " in " + kernel
                    + " after the last segment";
            kernelRow = new Row(title(), k.name(), "kernel", expected, k.describeVerdict(kq.lastSegment()),
                    Row.Outcome.of(kv != null && kernel.contains(kernelAt)
                            && (recognised ? "KERNEL_TIMEOUT".equals(kv.reason()) : kv.kernel())));
            stage.timeline().act("carol", String.format(Locale.ROOT, "side by side: kernel %s, userspace %s",
                    kernelRow.detected(), userRow.detected()));
        }
        return List.of(kernelRow, userRow);
    }

    private static DropRelay relay(Stage stage, List<AutoCloseable> made, VigilServer to) throws Exception {
        return add(stage, made, DropRelay.start(stage.group(), stage.transport().serverClass(),
                stage.transport().clientClass(), new InetSocketAddress(Stage.LOOPBACK, to.port())));
    }

    private static <T extends AutoCloseable> T add(Stage stage, List<AutoCloseable> made, T resource) {
        made.add(resource);
        return stage.janitor().register(resource);
    }
}
