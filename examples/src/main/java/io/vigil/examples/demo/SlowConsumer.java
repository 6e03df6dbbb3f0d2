package io.vigil.examples.demo;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vigil.examples.demo.peer.PeerMain;
import io.vigil.examples.demo.peer.PeerProcess;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

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
                + " both layers, one with the userspace layer alone.", CHUNK * CHUNKS >> 20, CHUNK >> 10, PERIOD_MS,
                Scenario.ms(drainNanos(stage)));
    }

    private static long drainNanos(Stage stage) {
        return stage.policy().userTimeoutNanos() + 1_000 * MS;
    }

    @Override
    public List<Row> run(Stage stage) throws Exception {
        Bounds.Window kernel = stage.bounds().kernelZeroWindow();
        Bounds.Window user = stage.bounds().userspaceWriteStall();
        try (VigilServer bothServer = VigilServer.listen(stage, "dave:both", Layers.BOTH, Stage.LOOPBACK);
             VigilServer userServer = VigilServer.listen(stage, "dave:user", Layers.USERSPACE, Stage.LOOPBACK);
             PeerProcess dave = stage.startPeer("dave", List.of(), "sink", Stage.LOOPBACK,
                     bothServer.port() + "," + userServer.port(), Integer.toString(RCVBUF), Integer.toString(CHUNK),
                     Long.toString(PERIOD_MS))) {
            Watch b = bothServer.accepted();
            Watch u = userServer.accepted();
            AtomicLong bWritten = flood(b.channel());
            AtomicLong uWritten = flood(u.channel());
            long start = System.nanoTime();
            stage.timeline().act("dave", "writes " + (CHUNK * CHUNKS >> 20) + " MB on each connection");
            stage.timeline().countdown("dave drains slowly: no verdict allowed", start + drainNanos(stage),
                    () -> b.dead.isDone() || u.dead.isDone());
            long drained = Math.min(bWritten.get(), uWritten.get());
            double rate = drained / 1024.0 / ((System.nanoTime() - start) / 1e9);
            Row draining = new Row(title(), "dave:both, dave:user", "both", "no verdict while draining for "
                    + Scenario.ms(drainNanos(stage)), String.format(Locale.ROOT, "none; each took >= %.1f MB at"
                    + " %.0f KB/s, >= %.1f MB still pending", drained / 1e6, rate,
                    (CHUNK * (long) CHUNKS - Math.max(bWritten.get(), uWritten.get())) / 1e6),
                    Row.Outcome.of(!b.dead.isDone() && !u.dead.isDone()));

            dave.command(PeerMain.STOP_DRAINING);
            long stall = System.nanoTime();
            stage.timeline().act("dave", "stops reading: his window closes, his socket stays open");
            long due = stall + Math.max(kernel.highNanos(), user.highNanos());
            stage.timeline().countdown("verdicts due " + Scenario.ms(kernel.lowNanos()) + " after the stall", due,
                    () -> b.dead.isDone() && u.dead.isDone());

            Watch.Verdict bv = b.dead.getNow(null);
            long bAt = bv == null ? -1 : bv.nanos() - stall;
            boolean kernelFirst = stage.transport().kernelAware();
            boolean bothOk = bv != null && (kernelFirst
                    ? "KERNEL_TIMEOUT".equals(bv.reason()) && kernel.contains(bAt)
                    : "WRITE_STALLED".equals(bv.reason()) && user.contains(bAt));
            Row both = new Row(title(), b.name(), "both", kernelFirst
                    ? "kernel first: KERNEL_TIMEOUT (TCP_USER_TIMEOUT on a zero window) in " + kernel + " after the"
                            + " stall" : "WRITE_STALLED in " + user + " after the stall (NIO: no TCP_USER_TIMEOUT)",
                    bv == null ? "no verdict" : bv.reason() + " at " + Scenario.ms(bAt), Row.Outcome.of(bothOk));
            Watch.Verdict uv = u.dead.getNow(null);
            long uAt = uv == null ? -1 : uv.nanos() - stall;
            Row userRow = new Row(title(), u.name(), "user", "WRITE_STALLED in " + user + " after the stall",
                    uv == null ? "no verdict" : uv.reason() + " at " + Scenario.ms(uAt),
                    Row.Outcome.of(uv != null && "WRITE_STALLED".equals(uv.reason()) && user.contains(uAt)));
            return List.of(draining, both, userRow);
        }
    }

    /**
     * Queues {@value #CHUNKS} writes of one shared {@value #CHUNK}-byte array (no copies) and counts the bytes the
     * socket has taken.
     */
    private static AtomicLong flood(Channel ch) {
        AtomicLong written = new AtomicLong();
        for (int i = 0; i < CHUNKS; i++) {
            ch.write(Unpooled.wrappedBuffer(PAYLOAD)).addListener(f -> {
                if (f.isSuccess()) {
                    written.addAndGet(CHUNK);
                }
            });
        }
        ch.flush();
        return written;
    }
}
