package io.vigil.examples.demo;

import io.netty.channel.epoll.EpollTcpInfo;
import io.vigil.examples.demo.peer.PeerProcess;
import java.util.List;
import java.util.Locale;

/**
 * Scenario 2: a hung peer. Bob is a separate process with two connections, one watched by each layer alone; the
 * demo stops him with {@code SIGSTOP}. His kernel still ACKs every segment, so the kernel's keepalive probes are
 * answered and the kernel layer, by design, never fires; the userspace layer's probes go unanswered and it declares
 * him dead at the policy's verdict time.
 */
final class HungPeer implements Scenario {

    private static final long MS = 1_000_000L;

    @Override
    public String title() {
        return "2 hung peer";
    }

    @Override
    public String story(Stage stage) {
        return "bob, a separate process, is stopped with SIGSTOP. His kernel still ACKs every segment: the kernel"
                + " layer's probes are answered and it cannot see the hang; the userspace layer's probes go unanswered."
                + " One connection per layer.";
    }

    @Override
    public List<Row> run(Stage stage) throws Exception {
        Bounds.Window user = stage.bounds().userspaceSilent();
        Bounds.Window kernel = stage.bounds().kernelSilent();
        try (VigilServer kernelServer = VigilServer.listen(stage, "bob:kernel", Layers.KERNEL, Stage.LOOPBACK);
             VigilServer userServer = VigilServer.listen(stage, "bob:user", Layers.USERSPACE, Stage.LOOPBACK);
             PeerProcess bob = stage.startPeer("bob", List.of(), "client", Stage.LOOPBACK,
                     kernelServer.port() + "," + userServer.port())) {
            Watch k = kernelServer.accepted();
            Watch u = userServer.accepted();
            Watch.Quiet kq = k.quiet();
            u.quiet();
            bob.stop();
            stage.timeline().act("bob", "SIGSTOP to process " + bob.pid() + ": the application hangs, its kernel"
                    + " still ACKs");

            long userDue = u.lastInbound() + user.highNanos();
            stage.timeline().countdown("userspace verdict due " + Scenario.ms(user.lowNanos())
                    + " after bob's last message", userDue, u.dead::isDone);
            long kernelWatch = kq.lastSegment() + kernel.highNanos() + 500 * MS;
            stage.timeline().countdown("watching the kernel layer past its own verdict time", kernelWatch,
                    k.dead::isDone);

            Row userRow = Scenario.silentPeerRow(title(), u, user);

            Watch.Verdict kv = k.dead.getNow(null);
            long openFor = System.nanoTime() - kq.lastSegment();
            EpollTcpInfo info = Transport.tcpInfo(k.channel());
            String tcpInfo = info == null ? "" : String.format(Locale.ROOT,
                    "; TCP_INFO: state %d (1 = established), unanswered probes %d, last ACK %d ms ago",
                    info.state(), info.probes(), info.lastAckRecv());
            Row kernelRow = new Row(title(), k.name(), "kernel", "no verdict: bob's kernel ACKs the probes",
                    kv == null ? "still open at " + Scenario.ms(openFor) + tcpInfo : kv.reason() + " (unexpected)",
                    Row.Outcome.of(kv == null && k.channel().isActive()));
            stage.timeline().act("bob", "kernel layer: " + kernelRow.detected());
            return List.of(userRow, kernelRow);
        }
    }
}
