package io.vigil.epoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.util.concurrent.FastThreadLocal;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.KernelSample;
import io.vigil.core.socket.KernelInspector;
import org.jspecify.annotations.Nullable;

/**
 * The kernel's view of an {@link EpollSocketChannel}: {@code TCP_INFO} through
 * {@link EpollSocketChannel#tcpInfo(EpollTcpInfo)} into one holder per thread (one {@code getsockopt}, no holder
 * allocated per sample), and the kernel's verdicts in {@code NativeIoException}s.
 *
 * <p><b>Thread safety:</b> thread-safe; the holder is per thread.
 */
final class EpollKernelInspector implements KernelInspector {

    static final EpollKernelInspector INSTANCE = new EpollKernelInspector();

    private static final FastThreadLocal<EpollTcpInfo> HOLDER = new FastThreadLocal<>() {
        @Override
        protected EpollTcpInfo initialValue() {
            return new EpollTcpInfo();
        }
    };

    private EpollKernelInspector() {
    }

    @Override
    public @Nullable KernelSample sample(Channel channel) {
        if (!channel.isOpen()) {
            return null;
        }
        EpollTcpInfo i;
        try {
            i = ((EpollSocketChannel) channel).tcpInfo(HOLDER.get());
        } catch (ChannelException e) {
            return null;
        }
        return new KernelSample(i.state(), i.probes(), i.retransmits(), i.backoff(), i.unacked(), i.lastDataRecv(),
                i.lastAckRecv(), i.rtt(), i.rttvar(), i.totalRetrans());
    }

    @Override
    public @Nullable DeathReason classify(Throwable cause) {
        return KernelErrors.classify(cause);
    }

    @Override
    public String toString() {
        return "EpollKernelInspector";
    }
}
