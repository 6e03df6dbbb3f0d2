package io.vigil.examples.demo;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigil.examples.demo.peer.PeerMain;
import io.vigil.examples.demo.peer.PeerProcess;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 4: a slow consumer. The demo writes megabytes to dave, who reads a little every 100 ms: writes are
 * pending all along, but they make progress, so neither layer may declare him dead (no probe is sent while writes
 * wait, and the kernel sees its window reopen). Then dave stops reading: his window closes, his socket stays open,
 * his kernel keeps answering. Two connections: one with both layers, as in production, one with the userspace layer
 * alone.
 *
 * <p>What happens then, measured (and why): on the connection with both layers the kernel fires first, with
 * {@code ETIMEDOUT} from {@code TCP_USER_TIMEOUT}, which since Linux 5.11 also bounds a zero window that the peer
 * keeps acknowledging; it counts from its first zero-window probe, so it lands just after the user timeout. The
 * userspace layer checks write progress on its ticks, which come every {@code idle} while writes wait, so its
 * {@code WRITE_STALLED} comes up to about {@code idle} later; on the userspace-only connection it is the verdict.
 */
final class SlowConsumer implements Scenario {

    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 256;
    private static final int RCVBUF = 256 * 1024;
    /**
     * The server's {@code SO_SNDBUF} on NIO. On epoll and io_uring the userspace layer judges write progress by what
     * the kernel sends ({@code TCP_INFO}), so the kernel's autotuned buffer (up to {@code tcp_wmem}'s 4 MB) is left
     * alone. NIO shows only Netty's outbound buffer, which moves only when the socket's send buffer has room: it can
     * stand still for seconds while a consumer drains, so there the buffer is capped to keep Netty's view close.
     */
    private static final int SNDBUF = 128 * 1024;
    private static final long PERIOD_MS = 100;
    private static final long MS = 1_000_000L;
    private static final byte[] PAYLOAD = new byte[CHUNK];

    @Override
    public String title() {
        return "4 slow consumer";
    }

    @Override
    public String story(Stage stage) {
        return String.format(Locale.ROOT, "The demo writes %d MB to dave, who reads %d KB every %d ms; after %s"
                + " (longer than the user timeout) he stops reading, his socket still open. One connection with"
                + " both layers, one with the userspace layer alone; %s",
                CHUNK * CHUNKS >> 20, CHUNK >> 10, PERIOD_MS, Scenario.ms(drainNanos(stage)),
                stage.transport().kernelAware()
                        ? "the kernel's own send buffer, autotuned: write progress is what the kernel sends (TCP_INFO)."
                        : "the server's send buffer is capped at " + (SNDBUF >> 10) + " KB, because on NIO the"
                                + " userspace layer sees progress only in Netty's outbound buffer.");
    }

    private static int sendBuffer(Stage stage) {
        return stage.transport().kernelAware() ? 0 : SNDBUF;
    }

    private static long drainNanos(Stage stage) {
        return stage.policy().userTimeoutNanos() + 1_000 * MS;
    }

    @Override
    public List<Row> run(Stage stage) throws Exception {
        Bounds.Window kernel = stage.bounds().kernelZeroWindow();
        Bounds.Window user = stage.bounds().userspaceWriteStall();
        try (VigilServer bothServer = VigilServer.listen(stage, "dave:both", Layers.BOTH, Stage.LOOPBACK,
                sendBuffer(stage));
             VigilServer userServer = VigilServer.listen(stage, "dave:user", Layers.USERSPACE, Stage.LOOPBACK,
                     sendBuffer(stage));
             PeerProcess dave = stage.startPeer("dave", List.of(), "sink", Stage.LOOPBACK,
                     bothServer.port() + "," + userServer.port(), Integer.toString(RCVBUF), Integer.toString(CHUNK),
                     Long.toString(PERIOD_MS))) {
            Watch b = bothServer.accepted();
            Watch u = userServer.accepted();
            Flood bFlood = Flood.start(b.channel());
            Flood uFlood = Flood.start(u.channel());
            long start = System.nanoTime();
            stage.timeline().act("dave", "writes " + (CHUNK * CHUNKS >> 20) + " MB on each connection");
            // The first second fills the socket buffers; the draining rate is measured after it.
            ScheduledFuture<long[]> filled = stage.group().schedule(() -> new long[] {
                Math.min(bFlood.written(), uFlood.written()), System.nanoTime()}, 1, TimeUnit.SECONDS);
            stage.timeline().countdown("dave drains slowly: no verdict allowed", start + drainNanos(stage),
                    () -> b.dead.isDone() || u.dead.isDone());
            long drained = Math.min(bFlood.written(), uFlood.written());
            double rate = (drained - filled.get()[0]) / 1024.0 / ((System.nanoTime() - filled.get()[1]) / 1e9);
            Row draining = new Row(title(), "dave:both, dave:user", "both", "no verdict while draining for "
                    + Scenario.ms(drainNanos(stage)), String.format(Locale.ROOT, "none; each drained at >= %.0f KB/s"
                    + " with >= %.1f MB pending", rate,
                    (CHUNK * (long) CHUNKS - Math.max(bFlood.written(), uFlood.written())) / 1e6),
                    Row.Outcome.of(!b.dead.isDone() && !u.dead.isDone()));

            dave.command(PeerMain.STOP_DRAINING);
            long stop = System.nanoTime();
            stage.timeline().act("dave", "stops reading: his window closes, his socket stays open");
            long due = stop + Math.max(kernel.highNanos(), user.highNanos()) + 300 * MS;
            stage.timeline().countdown("verdicts due " + Scenario.ms(kernel.lowNanos()) + " after the stall", due,
                    () -> b.dead.isDone() && u.dead.isDone());

            Watch.Verdict bv = b.dead.getNow(null);
            long bAt = b.verdictAfter(bFlood.lastProgress());
            // With TCP_USER_TIMEOUT the kernel gives up on a zero window too, and the userspace layer judges the same
            // user timeout from the kernel's last send: both come due together and whichever fires first is right.
            boolean kernelToo = stage.transport().kernelAware();
            boolean bothOk = bv != null && ("WRITE_STALLED".equals(bv.reason()) && user.contains(bAt)
                    || kernelToo && "KERNEL_TIMEOUT".equals(bv.reason()) && kernel.contains(bAt));
            Row both = new Row(title(), b.name(), "both", kernelToo
                    ? "the first of KERNEL_TIMEOUT (TCP_USER_TIMEOUT on a zero window) in " + kernel
                            + " and WRITE_STALLED in " + user + " after the stall"
                    : "WRITE_STALLED in " + user + " after the stall (NIO: no TCP_USER_TIMEOUT)",
                    verdict(b, bFlood, stop), Row.Outcome.of(bothOk));
            Watch.Verdict uv = u.dead.getNow(null);
            long uAt = u.verdictAfter(uFlood.lastProgress());
            Row userRow = new Row(title(), u.name(), "user", "WRITE_STALLED in " + user + " after the stall",
                    verdict(u, uFlood, stop),
                    Row.Outcome.of(uv != null && "WRITE_STALLED".equals(uv.reason()) && user.contains(uAt)));
            return List.of(draining, both, userRow);
        }
    }

    /** A verdict, when it came after the stall, and when the stall was (the last write progress). */
    private static String verdict(Watch w, Flood flood, long stop) {
        long stall = flood.lastProgress() - stop;
        return w.describeVerdict(flood.lastProgress()) + " (last progress " + Scenario.ms(Math.abs(stall))
                + (stall < 0 ? " before" : " after") + " the stop)";
    }

    /**
     * {@value #CHUNKS} writes of one shared {@value #CHUNK}-byte array (no copies), and the demo's own view of their
     * progress: every 10 ms, on the channel's event loop, whether the bytes Netty holds have gone down. The last
     * time they did is the stall both layers are measured from.
     */
    private static final class Flood {
        private final Channel ch;
        private volatile long pending = (long) CHUNK * CHUNKS;
        private volatile long lastProgress = System.nanoTime();

        private Flood(Channel ch) {
            this.ch = ch;
        }

        static Flood start(Channel ch) {
            Flood flood = new Flood(ch);
            for (int i = 0; i < CHUNKS; i++) {
                ch.write(Unpooled.wrappedBuffer(PAYLOAD));
            }
            ch.flush();
            ScheduledFuture<?> watch = ch.eventLoop().scheduleAtFixedRate(flood::look, 10, 10, TimeUnit.MILLISECONDS);
            ch.closeFuture().addListener(f -> watch.cancel(false));
            return flood;
        }

        /** On the event loop. */
        private void look() {
            ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
            long now = buffer == null ? 0 : buffer.totalPendingWriteBytes();
            if (now < pending) {
                pending = now;
                lastProgress = System.nanoTime();
            }
        }

        /** Payload bytes the socket has taken (Netty's per-message overhead aside). */
        long written() {
            return Math.max(0, (long) CHUNK * CHUNKS - pending);
        }

        long lastProgress() {
            return lastProgress;
        }
    }
}
