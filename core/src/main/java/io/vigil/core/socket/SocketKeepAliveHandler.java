package io.vigil.core.socket;

import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.kernel.KernelOption;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.vigil.core.event.KernelOptionsApplied;
import io.vigil.core.metrics.HealthSubject;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sets a {@link SocketKeepAlive}'s options on its channel when the channel registers (before a client connects):
 * all of them, or only those its listening socket could not pass on to it ({@link AcceptPath#LISTENER}), or none in
 * report-only mode (the framework's {@code childOption} or the listener set them); reads them back when it is
 * active, publishes the {@link KernelOptionsReport}, fails the channel in strict mode if an option did not apply,
 * and removes itself.
 *
 * <p><b>Thread safety:</b> one instance per channel, confined to its event loop.
 */
final class SocketKeepAliveHandler extends ChannelInboundHandlerAdapter {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(SocketKeepAliveHandler.class);

    /** The order options are set in: {@code SO_KEEPALIVE} last, so the timer is armed with the new idle time. */
    static final KernelOption[] SET_ORDER = {
        KernelOption.TCP_KEEPIDLE, KernelOption.TCP_KEEPINTVL, KernelOption.TCP_KEEPCNT,
        KernelOption.TCP_USER_TIMEOUT, KernelOption.SO_KEEPALIVE,
    };
    private static final KernelOption[] REPORT_ORDER = KernelOption.values();
    /** Every option: {@link #bit} of each. */
    static final int ALL = (1 << REPORT_ORDER.length) - 1;

    private final SocketKeepAlive settings;
    /** The options this handler sets ({@link #bit}s); 0 for one that only reads back what others set. */
    private final int setMask;
    private @Nullable KernelOptionAccess access;
    private int unsupported;
    private @Nullable RuntimeException refusal;
    private boolean reported;

    SocketKeepAliveHandler(SocketKeepAlive settings, int setMask) {
        this.settings = settings;
        this.setMask = setMask;
    }

    /** The bit of an option in a mask of options. */
    static int bit(KernelOption option) {
        return 1 << option.ordinal();
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        if (ch.isRegistered()) {
            apply(ch);
            if (ch.isActive()) {
                // Added to a live channel: report once the handlers after this one are in place.
                ctx.executor().execute(() -> report(ctx));
            }
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
        report(ctx);
    }

    private void apply(Channel ch) {
        if (access != null) {
            return;
        }
        KernelOptionAccess a = KernelAccess.options(ch);
        access = a;
        for (KernelOption option : SET_ORDER) {
            if ((setMask & bit(option)) == 0) {
                // Set by someone else (the framework, the listener): unsupported only if this transport cannot name it.
                if (option != KernelOption.SO_KEEPALIVE && a.channelOption(option) == null) {
                    unsupported |= bit(option);
                }
                continue;
            }
            try {
                if (!a.set(ch, option, settings.requested(option))) {
                    unsupported |= bit(option);
                }
            } catch (RuntimeException e) {
                // Validated values, so a refusal is the kernel's own (EPERM, a closed socket, ...); the read-back
                // shows what the socket kept.
                if (refusal == null) {
                    refusal = e;
                }
            }
        }
    }

    private void report(ChannelHandlerContext ctx) {
        if (reported || ctx.isRemoved()) {
            return;
        }
        reported = true;
        Channel ch = ctx.channel();
        if (!ch.isActive()) {
            ctx.pipeline().remove(this);
            return;
        }
        KernelOptionsReport report = readBack(ch);
        logger.debug("{} kernel keepalive options: {} {}", ch, report.transport(), report.outcomes());
        settings.guardedRecorder().kernelOptions(Transport.subjectOf(ch, SocketKeepAlive.PROTOCOL, false), report);
        ctx.fireUserEventTriggered(new KernelOptionsApplied(report));
        if (settings.isStrict() && !report.allApplied()) {
            ctx.fireExceptionCaught(new KernelOptionsException(report, refusal));
            ctx.close();
        }
        ctx.pipeline().remove(this);
    }

    private KernelOptionsReport readBack(Channel ch) {
        KernelOptionAccess a = access;
        assert a != null;
        return readBack(settings, a, ch, unsupported);
    }

    /**
     * Reads every option back from a socket and compares it with the request.
     *
     * @param unsupported the options the transport could not carry ({@link #bit}s)
     */
    static KernelOptionsReport readBack(SocketKeepAlive settings, KernelOptionAccess a, Channel ch, int unsupported) {
        List<OptionOutcome> outcomes = new ArrayList<>(REPORT_ORDER.length);
        for (KernelOption option : REPORT_ORDER) {
            long requested = settings.requested(option);
            long effective;
            try {
                effective = a.get(ch, option);
            } catch (RuntimeException e) {
                effective = OptionOutcome.UNKNOWN;
            }
            OptionOutcome.Status status;
            if ((unsupported & bit(option)) != 0) {
                status = OptionOutcome.Status.UNSUPPORTED;
            } else if (effective == requested) {
                status = OptionOutcome.Status.APPLIED;
            } else {
                status = OptionOutcome.Status.DIFFERENT;
            }
            outcomes.add(new OptionOutcome(option, requested, effective, status));
        }
        return new KernelOptionsReport(a.transport(), outcomes);
    }
}
