package io.vigil.epoll;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.util.concurrent.FastThreadLocal;
import io.vigil.core.kernel.KernelSample;

/**
 * The kernel's view of an {@link EpollSocketChannel}: {@code TCP_INFO} through
 * {@link EpollSocketChannel#tcpInfo(EpollTcpInfo)} into one holder per thread (one {@code getsockopt}, no holder
 * allocated per sample), and the kernel's verdicts in {@code NativeIoException}s.
 *
 * <p><b>Thread safety:</b> thread-safe; the holder is per thread.
 */
final class EpollKernelInspector extends NativeKernelInspector {

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
    KernelSample tcpInfo(Channel channel) {
        EpollTcpInfo i = ((EpollSocketChannel) channel).tcpInfo(HOLDER.get());
        return new KernelSample(i.state(), i.probes(), i.retransmits(), i.backoff(), i.unacked(), i.lastDataRecv(),
                i.lastAckRecv(), i.rtt(), i.rttvar(), i.totalRetrans(), i.lastDataSent());
    }

    @Override
    public String toString() {
        return "EpollKernelInspector";
    }
}
