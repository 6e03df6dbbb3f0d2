package io.vigil.core.socket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.KernelOptionsApplied;
import io.vigil.core.kernel.KernelOption;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.metrics.HealthSubject;
import org.jspecify.annotations.Nullable;

/**
 * {@link AcceptPath#LISTENER} on a server channel: sets a {@link SocketKeepAlive}'s options on the listening socket
 * when it registers (before it binds), reads them back there and reports them when it is active (a
 * {@link KernelOptionsApplied} event through the server channel's pipeline, a debug line, the recorder); then, for
 * every child it accepts, puts a {@link SocketKeepAliveHandler} first in the child's pipeline only where one is
 * needed: to set what the listener could not carry, to read back a sampled child (the first, then one in
 * {@link SocketKeepAlive#childReports()}), or every child in strict mode or when the listener's own read-back was not
 * all applied. Stays in the server pipeline, before {@code ServerBootstrap}'s acceptor.
 *
 * <p>Cost: five {@code setsockopt} and five {@code getsockopt} once per listener; per unsampled accepted child on
 * epoll and io_uring, one counter increment on the acceptor's loop and no system call.
 *
 * <p><b>Thread safety:</b> one instance per server channel, confined to its event loop.
 */
final class ListenerKeepAliveHandler extends ChannelInboundHandlerAdapter {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(ListenerKeepAliveHandler.class);

    private final SocketKeepAlive settings;
    private @Nullable KernelOptionAccess access;
    private @Nullable KernelOptionsReport report;
    /** The options each child sets itself: those the listener did not take, or all. */
    private int childMask = SocketKeepAliveHandler.ALL;
    /** Whether every child is read back and reported. */
    private boolean everyChild = true;
    private long accepted;
    private boolean applied;
    private boolean reported;

    ListenerKeepAliveHandler(SocketKeepAlive settings) {
        this.settings = settings;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isRegistered()) {
            apply(ctx.channel());
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        apply(ctx.channel());
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        apply(ctx.channel());
        ctx.fireChannelActive();
        KernelOptionsReport r = report;
        if (r != null && !reported) {
            reported = true;
            Channel ch = ctx.channel();
            logger.debug("{} kernel keepalive options on the listener: {} {}", ch, r.transport(), r.outcomes());
            settings.guardedRecorder().kernelOptions(
                    HealthSubject.intern(Transport.nameOf(ch), HealthSubject.SERVER, SocketKeepAlive.PROTOCOL), r);
            ctx.fireUserEventTriggered(new KernelOptionsApplied(r));
        }
    }

    /** Hands each accepted child what it needs before its own initializer runs. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel) {
            long n = accepted++;
            if (childMask != 0 || everyChild || n % settings.childReports() == 0) {
                ((Channel) msg).pipeline().addFirst(VigilPipeline.SOCKET_KEEPALIVE,
                        new SocketKeepAliveHandler(settings, childMask));
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void apply(Channel listener) {
        if (applied) {
            return;
        }
        applied = true;
        KernelOptionAccess a = KernelAccess.listenerOptions(listener);
        access = a;
        if (a == null) {
            return; // this transport's listener carries nothing: each child sets and reports everything
        }
        int unsupported = 0;
        for (KernelOption option : SocketKeepAliveHandler.SET_ORDER) {
            try {
                if (!a.set(listener, option, settings.requested(option))) {
                    unsupported |= SocketKeepAliveHandler.bit(option);
                }
            } catch (RuntimeException refused) {
                // The children set it themselves (the read-back below shows the listener did not keep it).
                logger.debug("{} refused {} on the listener; each child sets it", listener, option, refused);
            }
        }
        KernelOptionsReport r = SocketKeepAliveHandler.readBack(settings, a, listener, unsupported);
        report = r;
        int mask = 0;
        for (OptionOutcome outcome : r.outcomes()) {
            if (outcome.status() != OptionOutcome.Status.APPLIED) {
                mask |= SocketKeepAliveHandler.bit(outcome.option());
            }
        }
        childMask = mask;
        everyChild = settings.isStrict() || !r.allApplied();
    }

    @Override
    public String toString() {
        return "ListenerKeepAliveHandler(" + (access == null ? "per child" : access.transport()) + ", childMask "
                + Integer.toBinaryString(childMask) + (everyChild ? ", every child reported" : ", one in "
                + settings.childReports() + " children reported") + ")";
    }
}
