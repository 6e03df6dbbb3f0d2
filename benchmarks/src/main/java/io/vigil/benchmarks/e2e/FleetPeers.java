package io.vigil.benchmarks.e2e;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatFrame;
import io.vigil.core.probe.HeartbeatResponder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peers of {@link IdleFleet}, a <b>separate process</b>: opens {@code connections} loopback connections (local
 * addresses 127.0.{@code block}.2, .3, … so that no address runs out of ephemeral ports; each run of the fleet uses
 * its own block, since the previous run's closed connections hold their ports in TIME_WAIT), each answering the server's heartbeat
 * probes and sending nothing else. Prints {@code VICTIM <address>} (the connection that will play dead) and
 * {@code READY}; then on the line {@code stop} from stdin stops reading the victim's socket (its process no longer
 * answers, its kernel still ACKs: a hung peer) and prints {@code STOPPED}; on the line {@code count} prints
 * {@code PINGS <n>}, the server's probes received so far on all connections; exits at end of input.
 *
 * <pre>{@code FleetPeers <transport> <port> <connections> <block>}</pre>
 *
 * <p><b>Thread safety:</b> a command-line tool.
 *
 * @since 0.1
 */
public final class FleetPeers {

    private static final int PER_ADDRESS = 25_000;
    private static final int BATCH = 500;

    private FleetPeers() {
    }

    /** Counts the server's pings (shared: every channel runs on the peers' one event loop). */
    @ChannelHandler.Sharable
    private static final class CountPings extends ChannelInboundHandlerAdapter {
        private final long[] pings;

        CountPings(long[] pings) {
            this.pings = pings;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HeartbeatFrame && ((HeartbeatFrame) msg).isPing()) {
                pings[0]++;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Closes a connection the server reset (it closes with our replies unread when its run ends), quietly. */
    private static final class CloseOnException extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Runs the peers.
     *
     * @param args see the class comment
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        int block = Integer.parseInt(args[3]);
        EventLoopGroup group = Net.group(transport, 1, "fleet-peers");
        long[] pings = new long[1];
        CountPings countPings = new CountPings(pings);
        try {
            Bootstrap b = new Bootstrap().group(group).channel(Net.channel(transport))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HeartbeatCodec()).addLast(countPings)
                                    .addLast(HeartbeatResponder.handler())
                                    .addLast(new CloseOnException());
                        }
                    });
            List<Channel> channels = new ArrayList<>(connections);
            InetSocketAddress server = new InetSocketAddress(Net.HOST, port);
            for (int i = 0; i < connections; i += BATCH) {
                List<ChannelFuture> batch = new ArrayList<>();
                for (int k = i; k < Math.min(connections, i + BATCH); k++) {
                    InetSocketAddress local = new InetSocketAddress("127.0." + block + "." + (2 + k / PER_ADDRESS), 0);
                    batch.add(b.connect(server, local));
                }
                for (ChannelFuture f : batch) {
                    if (!f.await(30, TimeUnit.SECONDS) || !f.isSuccess()) {
                        throw new IllegalStateException("connect failed after " + channels.size() + " connections",
                                f.cause());
                    }
                    channels.add(f.channel());
                }
            }
            Channel victim = channels.get(channels.size() / 2);
            InetSocketAddress v = (InetSocketAddress) victim.localAddress();
            System.out.println("VICTIM " + v.getAddress().getHostAddress() + ":" + v.getPort());
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if ("count".equals(line)) {
                    long n = group.next().submit(() -> pings[0]).get(10, TimeUnit.SECONDS);
                    System.out.println("PINGS " + n);
                    System.out.flush();
                } else if ("stop".equals(line)) {
                    victim.eventLoop().submit(() -> victim.config().setAutoRead(false)).sync();
                    System.out.println("STOPPED");
                    System.out.flush();
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}
