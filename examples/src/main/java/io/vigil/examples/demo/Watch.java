package io.vigil.examples.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.Evidence;
import io.vigil.core.event.HealthEvent;
import io.vigil.core.event.KernelOptionsApplied;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.ProbeSent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The demo's eyes on one server-side connection, last in its pipeline: prints Vigil's health events on the
 * timeline (the layer that produced each), captures the verdict with its {@link System#nanoTime()} instant, and
 * speaks the peer's echo rule (a {@code DATA} payload starting with {@code 'E'} comes back with {@code 'e'}) so that
 * a scenario can make the connection quiet at a known instant ({@link #quiet()}). A second handler,
 * {@link #stamp()}, goes first in the pipeline and stamps the arrival of every inbound read.
 *
 * <p><b>Thread safety:</b> handlers run on the channel's event loop; the futures and stamps are read by the
 * scenario thread.
 */
final class Watch extends ChannelInboundHandlerAdapter {

    private static final long MS = 1_000_000L;
    /** The kernel counts in jiffies: one jiffy at HZ >= 100. */
    private static final long JIFFY = 10 * MS;

    /**
     * A verdict as the demo saw it.
     *
     * @param nanos when the event arrived, {@link System#nanoTime()}
     * @param reason the {@code DeathReason}'s name, or for an unrecognised kernel error its message
     * @param kernel whether the kernel made it
     */
    record Verdict(long nanos, String reason, boolean kernel) {
    }

    /**
     * Instants a connection went quiet at.
     *
     * @param lastMessage arrival of the last message (the echo), {@link System#nanoTime()}
     * @param lastSegment lower bound of the last segment the kernel received ({@code TCP_INFO}, less a jiffy), or
     *        the last message where the transport has no {@code TCP_INFO}
     */
    record Quiet(long lastMessage, long lastSegment) {
    }

    final CompletableFuture<Verdict> dead = new CompletableFuture<>();
    final CompletableFuture<Long> closed = new CompletableFuture<>();
    private final String name;
    private final Timeline timeline;
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger echoes = new AtomicInteger();
    private volatile long lastInbound = System.nanoTime();
    private volatile @Nullable Channel channel;
    private CompletableFuture<Long> echo = new CompletableFuture<>();

    Watch(String name, Timeline timeline) {
        this.name = name;
        this.timeline = timeline;
    }

    /**
     * Returns the connection's name, e.g. {@code bob:user}.
     *
     * @return the name
     */
    String name() {
        return name;
    }

    /**
     * Returns the channel.
     *
     * @return the channel, once the handler was added
     */
    Channel channel() {
        Channel ch = channel;
        if (ch == null) {
            throw new IllegalStateException(name + " is not connected yet");
        }
        return ch;
    }

    /**
     * Returns the arrival of the last inbound read.
     *
     * @return {@link System#nanoTime()}
     */
    long lastInbound() {
        return lastInbound;
    }

    /**
     * Returns the time from a reference instant to the verdict.
     *
     * @param reference {@link System#nanoTime()}
     * @return nanoseconds, or -1 without a verdict
     */
    long verdictAfter(long reference) {
        Verdict v = dead.getNow(null);
        return v == null ? -1 : v.nanos() - reference;
    }

    /**
     * Describes the verdict for the summary.
     *
     * @param reference the instant it is timed from, {@link System#nanoTime()}
     * @return e.g. {@code PROBES_UNANSWERED at 5023 ms}, or {@code no verdict}
     */
    String describeVerdict(long reference) {
        Verdict v = dead.getNow(null);
        return v == null ? "no verdict" : v.reason() + " at " + Scenario.ms(v.nanos() - reference);
    }

    /**
     * Returns how many probes the userspace layer sent on this connection.
     *
     * @return the count
     */
    int probesSent() {
        return probes.get();
    }

    /**
     * Returns the handler to put first in the pipeline: it stamps the arrival of every inbound read.
     *
     * @return a new handler
     */
    ChannelHandler stamp() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                lastInbound = System.nanoTime();
                ctx.fireChannelRead(msg);
            }
        };
    }

    /**
     * Makes the connection quiet at a known instant: one echo round trip (the last message the peer sends); then,
     * where {@code TCP_INFO} can be read, one more byte so that the echo is acknowledged at once and a wait until
     * nothing is unacknowledged (the last segment the kernel counts keepalive idleness from). Bounded: 15 s.
     *
     * @return the instants
     * @throws Exception if the peer does not echo or acknowledge in time
     */
    Quiet quiet() throws Exception {
        Channel ch = channel();
        CompletableFuture<Long> next;
        synchronized (this) {
            echo = new CompletableFuture<>();
            next = echo;
        }
        ch.writeAndFlush(ascii("E" + echoes.incrementAndGet()));
        long lastMessage = next.get(10, TimeUnit.SECONDS);
        if (Transport.tcpInfo(ch) == null) {
            // No TCP_INFO to see acknowledgements by: the echo itself acknowledged all this side sent, so send
            // nothing more (a byte still unacknowledged would keep the kernel's keepalive dormant).
            return new Quiet(lastMessage, lastMessage);
        }
        ChannelFuture written = ch.writeAndFlush(ascii("x"));
        if (!written.await(5, TimeUnit.SECONDS) || !written.isSuccess()) {
            throw new IOException(name + ": could not write: " + written.cause());
        }
        long deadline = System.nanoTime() + 5_000 * MS;
        while (true) {
            long before = System.nanoTime();
            EpollTcpInfo info = Transport.tcpInfo(ch);
            if (info == null) {
                throw new IOException(name + ": closed while going quiet");
            }
            if (info.unacked() == 0) {
                long sinceLast = Math.min(info.lastAckRecv(), info.lastDataRecv());
                return new Quiet(lastMessage, before - sinceLast * MS - JIFFY);
            }
            if (before - deadline > 0) {
                throw new IOException(name + ": the peer did not acknowledge within 5 s");
            }
            Thread.sleep(2);
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = System.nanoTime();
        try {
            if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
                ByteBuf in = (ByteBuf) msg;
                if (in.getByte(in.readerIndex()) == 'e') {
                    synchronized (this) {
                        echo.complete(now);
                    }
                } else {
                    timeline.event(name, "peer", "says \"" + in.toString(StandardCharsets.UTF_8) + "\"", "");
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        long now = System.nanoTime();
        if (evt instanceof PeerDead) {
            PeerDead verdict = (PeerDead) evt;
            boolean kernel = verdict.reason().isKernel();
            timeline.event(name, kernel ? "kernel" : "user", "PeerDead(" + verdict.reason() + ")",
                    evidence(verdict.evidence()));
            dead.complete(new Verdict(now, verdict.reason().name(), kernel));
        } else if (evt instanceof KernelOptionsApplied) {
            StringBuilder options = new StringBuilder();
            for (var outcome : ((KernelOptionsApplied) evt).report().outcomes()) {
                options.append(options.length() == 0 ? "" : ", ").append(outcome.option().optionName()).append(' ')
                        .append(outcome.effective()).append(outcome.option().unit().isEmpty() ? "" : " ")
                        .append(outcome.option().unit())
                        .append("APPLIED".equals(outcome.status().name()) ? "" : " (" + outcome.status() + ")");
            }
            timeline.event(name, "kernel", "options read back", options.toString());
        } else if (evt instanceof HealthEvent) {
            if (evt instanceof ProbeSent) {
                probes.incrementAndGet();
            }
            timeline.event(name, "user", evt.toString(), "");
        }
        ReferenceCountUtil.release(evt);
    }

    /** What a verdict rests on, in a line. The kernel sample's type is not named here: it may move packages. */
    private static String evidence(Evidence e) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "silent %d ms, %d probes unanswered",
                e.sinceLastInboundNanos() / MS, e.probesOut()));
        if (e.pendingBytes() > 0) {
            s.append(String.format(Locale.ROOT, ", %.1f MB pending, no write progress for %d ms",
                    e.pendingBytes() / 1e6, e.sinceWriteProgressNanos() / MS));
        }
        var k = e.kernel();
        if (k != null) {
            s.append(String.format(Locale.ROOT, "; TCP_INFO: state %d, probes %d, retransmits %d, unacked %d,"
                    + " last ACK %d ms ago", k.state(), k.probes(), k.retransmits(), k.unacked(),
                    k.lastAckReceivedMillis()));
        }
        return s.toString();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long now = System.nanoTime();
        if (dead.isDone()) {
            return; // Vigil's DeadPeerException after its PeerDead event: already on the timeline.
        }
        // A socket error Vigil did not recognise as a kernel verdict: on NIO, which has no kernel inspector, the
        // kernel's ETIMEDOUT arrives as a bare IOException.
        String message = String.valueOf(cause.getMessage());
        boolean kernel = cause instanceof IOException && message.toLowerCase(Locale.ROOT).contains("timed out");
        timeline.event(name, kernel ? "kernel" : "-", "closed: " + cause.getClass().getSimpleName(), message);
        dead.complete(new Verdict(now, cause.getClass().getSimpleName() + ": " + message, kernel));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed.complete(System.nanoTime());
        timeline.event(name, "-", "connection closed", "");
    }

    @Override
    public String toString() {
        return name;
    }
}
