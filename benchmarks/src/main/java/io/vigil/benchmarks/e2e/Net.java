package io.vigil.benchmarks.e2e;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatFrame;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What the end-to-end measurements share: the transports ({@code nio}, {@code epoll}), the keepalive modes and their
 * pipelines (every mode uses the same wire format, Vigil's heartbeat framing, so only the keepalive differs), and
 * child-process handling.
 *
 * <p><b>Thread safety:</b> stateless helpers.
 *
 * @since 0.1
 */
public final class Net {

    /** The loopback address every measurement uses. */
    public static final String HOST = "127.0.0.1";

    private Net() {
    }

    /**
     * The transports available here: {@code nio} always, {@code epoll} when its native library loads.
     *
     * @return transport names
     */
    public static List<String> transports() {
        List<String> t = new ArrayList<>();
        if (Epoll.isAvailable()) {
            t.add("epoll");
        }
        t.add("nio");
        return t;
    }

    /**
     * An event-loop group of one transport.
     *
     * @param transport {@code nio} or {@code epoll}
     * @param threads loop threads
     * @param name thread name (at most 15 characters, so that {@code /proc}'s {@code comm} shows it whole)
     * @return the group
     */
    public static EventLoopGroup group(String transport, int threads, String name) {
        IoHandlerFactory f = "epoll".equals(transport) ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
        return new MultiThreadIoEventLoopGroup(threads, tf, f);
    }

    /**
     * The server channel class of a transport.
     *
     * @param transport {@code nio} or {@code epoll}
     * @return the class
     */
    public static Class<? extends ServerChannel> serverChannel(String transport) {
        return "epoll".equals(transport) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * The client channel class of a transport.
     *
     * @param transport {@code nio} or {@code epoll}
     * @return the class
     */
    public static Class<? extends Channel> channel(String transport) {
        return "epoll".equals(transport) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Installs a mode's keepalive in a server-side pipeline, after the heartbeat codec every mode has.
     *
     * @param p the pipeline
     * @param mode {@code none}, {@code ish} (IdleStateHandler reader idle + {@link IshHeartbeat}), {@code vigil}
     *        (KeepAliveHandler with the heartbeat prober), or {@code kernel} (nothing here: TCP keepalive options)
     * @param idle idle time before the first probe
     * @param interval probe interval (also ISH's probe timeout)
     * @param probes unanswered probes before the verdict
     */
    public static void keepAlive(ChannelPipeline p, String mode, Duration idle, Duration interval, int probes) {
        p.addLast("codec", new HeartbeatCodec());
        switch (mode) {
            case "none":
            case "kernel":
                break;
            case "ish":
                p.addLast("idle", new IdleStateHandler(idle.toNanos(), 0, 0, TimeUnit.NANOSECONDS));
                p.addLast("prober", new IshHeartbeat(interval, probes));
                break;
            case "vigil":
                KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(idle).interval(interval).probes(probes)
                        .build();
                p.addLast("keepalive", new KeepAliveHandler(policy, HeartbeatProber.INSTANCE));
                break;
            default:
                throw new IllegalArgumentException("mode " + mode + " is unknown");
        }
        p.addLast("responder", HeartbeatResponder.handler());
    }

    /**
     * What a user of IdleStateHandler writes to do Vigil's job: on the reader-idle event send a ping and schedule a
     * timeout; a pong cancels it and re-arms nothing (ISH's own timer goes on); after {@code probes} unanswered
     * pings, one per interval, close the channel.
     */
    public static final class IshHeartbeat extends ChannelInboundHandlerAdapter {
        private final long intervalNanos;
        private final int probes;
        private int sent;
        private long nextId;
        private @Nullable ScheduledFuture<?> timeout;

        /**
         * Creates the prober.
         *
         * @param interval time between probes
         * @param probes unanswered probes before closing
         */
        public IshHeartbeat(Duration interval, int probes) {
            this.intervalNanos = interval.toNanos();
            this.probes = probes;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && timeout == null) {
                probe(ctx);
            }
            ctx.fireUserEventTriggered(evt);
        }

        private void probe(ChannelHandlerContext ctx) {
            sent++;
            ctx.writeAndFlush(HeartbeatFrame.ping(++nextId), ctx.voidPromise());
            timeout = ctx.executor().schedule(() -> {
                timeout = null;
                if (sent >= probes) {
                    ctx.close();
                } else {
                    probe(ctx);
                }
            }, intervalNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HeartbeatFrame && !((HeartbeatFrame) msg).isPing()) {
                ScheduledFuture<?> t = timeout;
                if (t != null) {
                    t.cancel(false);
                    timeout = null;
                }
                sent = 0;
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            ctx.fireChannelInactive();
        }
    }

    /**
     * Starts a Java child process running {@code main} of this jar (or class path) with the same JVM.
     *
     * @param heap {@code -Xmx} value, e.g. {@code 1g}
     * @param main the main class
     * @param args its arguments
     * @return the process (the caller destroys it in {@code finally})
     * @throws IOException if it cannot start
     */
    public static Process java(String heap, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xms" + heap);
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+AlwaysPreTouch");
        cmd.add("-Dio.netty.leakDetection.level=disabled");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /**
     * Runs {@code main} in a Java child process of its own ({@link #java}) and returns its result: the text after
     * {@code prefix} on the first line of its output that starts with it (lines before it, such as a library's
     * warnings, are skipped), once the child has exited with status 0.
     *
     * @param heap {@code -Xmx} value, e.g. {@code 1g}
     * @param timeout how long the child may take to print its result
     * @param prefix what the result line starts with
     * @param main the main class
     * @param args its arguments
     * @return the result line without the prefix
     * @throws IOException if the child cannot start, prints no result within {@code timeout}, or does not exit
     *         cleanly within 60 s after it
     * @throws InterruptedException if interrupted while waiting for its exit
     */
    public static String resultOf(String heap, Duration timeout, String prefix, Class<?> main, String... args)
            throws IOException, InterruptedException {
        Process child = java(heap, main, args);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            String line = "";
            for (int lines = 0; lines < 100 && !line.startsWith(prefix); lines++) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException(main.getSimpleName() + " printed no result within " + timeout);
                }
                line = readLine(child.getInputStream(), Duration.ofNanos(left));
            }
            if (!line.startsWith(prefix)) {
                throw new IOException(main.getSimpleName() + " printed no result: " + line);
            }
            if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
                throw new IOException(main.getSimpleName() + " " + String.join(" ", args) + " did not end cleanly");
            }
            return line.substring(prefix.length());
        } finally {
            kill(child);
        }
    }

    /**
     * Reads one line from a child's output, waiting at most {@code timeout}.
     *
     * @param in the child's stdout
     * @param timeout the bound
     * @return the line (without the newline)
     * @throws IOException if the child ended or the bound passed
     */
    public static String readLine(InputStream in, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder sb = new StringBuilder();
        while (System.nanoTime() < deadline) {
            if (in.available() == 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                continue;
            }
            int c = in.read();
            if (c < 0) {
                throw new IOException("the child process ended; read so far: " + sb);
            }
            if (c == '\n') {
                return sb.toString();
            }
            sb.append((char) c);
            if (sb.length() > 1 << 20) {
                throw new IOException("line too long");
            }
        }
        throw new IOException("no line from the child process within " + timeout + "; read so far: "
                + new String(sb.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    /**
     * Kills a child process and waits for it (bounded).
     *
     * @param p the process, or null
     */
    public static void kill(@Nullable Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The CPU time of this whole process so far.
     *
     * @return nanoseconds
     */
    public static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return -1;
    }
}
