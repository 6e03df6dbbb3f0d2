package io.vigil.epoll;

import io.netty.channel.Channel;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.uring.IoUringTcpInfo;
import io.netty.util.concurrent.FastThreadLocal;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.socket.KernelInspector;
import io.vigil.core.socket.KernelOptionAccess;

/**
 * The kernel's view of an {@link IoUringSocketChannel}, kept apart so that nothing of io_uring is linked unless its
 * classes are present: {@link IoUringChannelOption} constants, {@code TCP_INFO} through
 * {@link IoUringSocketChannel#tcpInfo(IoUringTcpInfo)} into one holder per thread, and kernel verdicts.
 *
 * <p><b>Thread safety:</b> thread-safe; the holder is per thread.
 */
final class IoUringKernel extends NativeKernelInspector {

    static final KernelInspector INSPECTOR = new IoUringKernel();
    static final KernelOptionAccess OPTIONS = KernelOptionAccess.of("io_uring",
            IoUringChannelOption.TCP_KEEPIDLE, IoUringChannelOption.TCP_KEEPINTVL, IoUringChannelOption.TCP_KEEPCNT,
            IoUringChannelOption.TCP_USER_TIMEOUT);

    private static final FastThreadLocal<IoUringTcpInfo> HOLDER = new FastThreadLocal<>() {
        @Override
        protected IoUringTcpInfo initialValue() {
            return new IoUringTcpInfo();
        }
    };

    private IoUringKernel() {
    }

    static boolean handles(Channel channel) {
        return channel instanceof IoUringSocketChannel;
    }

    static boolean handlesServer(Channel channel) {
        return channel instanceof IoUringServerSocketChannel;
    }

    static boolean handlesType(Class<? extends Channel> channelType) {
        return IoUringSocketChannel.class.isAssignableFrom(channelType)
                || IoUringServerSocketChannel.class.isAssignableFrom(channelType);
    }

    @Override
    KernelSample tcpInfo(Channel channel) {
        IoUringTcpInfo i = ((IoUringSocketChannel) channel).tcpInfo(HOLDER.get());
        return new KernelSample(i.state(), i.probes(), i.retransmits(), i.backoff(), i.unacked(), i.lastDataRecv(),
                i.lastAckRecv(), i.rtt(), i.rttvar(), i.totalRetrans(), i.lastDataSent());
    }

    @Override
    public String toString() {
        return "IoUringKernelInspector";
    }
}
