package io.vigil.core.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vigil.core.event.KernelOptionsApplied;
import io.vigil.core.kernel.KernelOptionsReport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Accepts one connection over loopback and returns the kernel options report its accepted child published, for the
 * tests of the report paths frameworks use ({@code childOption}s read back by a report-only handler).
 */
public final class ChildReport {

    private ChildReport() {
    }

    /**
     * Binds the server bootstrap on loopback, connects one client, and waits at most 5 s for the child's report.
     *
     * @param server a server bootstrap with its group and channel set; its child handler is set here
     * @param childSetUp adds handlers to each accepted child's pipeline before the report is awaited (may do nothing)
     * @param client the client's channel class, on the server's group
     * @return the accepted child's report
     * @throws Exception if no report arrives in time
     */
    public static KernelOptionsReport accept(ServerBootstrap server, Consumer<Channel> childSetUp,
                                             Class<? extends Channel> client) throws Exception {
        CompletableFuture<KernelOptionsReport> report = new CompletableFuture<>();
        server.childHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                childSetUp.accept(ctx.channel());
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof KernelOptionsApplied) {
                    report.complete(((KernelOptionsApplied) evt).report());
                }
            }
        });
        Channel bound = server.bind("127.0.0.1", 0).sync().channel();
        ChannelHandler idle = new ChannelInboundHandlerAdapter();
        Channel connected = new Bootstrap().group(server.config().group()).channel(client).handler(idle)
                .connect(bound.localAddress()).sync().channel();
        try {
            return report.get(5, TimeUnit.SECONDS);
        } finally {
            connected.close().sync();
            bound.close().sync();
        }
    }
}
