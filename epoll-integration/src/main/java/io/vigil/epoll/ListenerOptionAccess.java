package io.vigil.epoll;

import io.netty.channel.Channel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.vigil.core.kernel.KernelOption;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.socket.KernelOptionAccess;

/**
 * The keepalive options of a native transport's <em>listening</em> socket, as raw socket options
 * ({@link IntegerUnixChannelOption}: level and number from {@code <sys/socket.h>} and {@code <netinet/tcp.h>}):
 * Netty's epoll and io_uring server-socket configs refuse the typed {@code TCP_*} constants ("Unknown channel
 * option"), but take raw ones. Linux copies these five options from a listener to every socket it accepts.
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 */
final class ListenerOptionAccess implements KernelOptionAccess {

    private static final int SOL_SOCKET = 1;
    private static final int IPPROTO_TCP = 6;
    private static final IntegerUnixChannelOption SO_KEEPALIVE =
            new IntegerUnixChannelOption("SO_KEEPALIVE", SOL_SOCKET, 9);
    private static final IntegerUnixChannelOption TCP_KEEPIDLE =
            new IntegerUnixChannelOption("TCP_KEEPIDLE", IPPROTO_TCP, 4);
    private static final IntegerUnixChannelOption TCP_KEEPINTVL =
            new IntegerUnixChannelOption("TCP_KEEPINTVL", IPPROTO_TCP, 5);
    private static final IntegerUnixChannelOption TCP_KEEPCNT =
            new IntegerUnixChannelOption("TCP_KEEPCNT", IPPROTO_TCP, 6);
    private static final IntegerUnixChannelOption TCP_USER_TIMEOUT =
            new IntegerUnixChannelOption("TCP_USER_TIMEOUT", IPPROTO_TCP, 18);

    static final KernelOptionAccess EPOLL = new ListenerOptionAccess("epoll");
    static final KernelOptionAccess IO_URING = new ListenerOptionAccess("io_uring");

    private final String transport;

    private ListenerOptionAccess(String transport) {
        this.transport = transport;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public boolean set(Channel channel, KernelOption option, int value) {
        return channel.config().setOption(raw(option), value);
    }

    @Override
    public long get(Channel channel, KernelOption option) {
        Integer value = channel.config().getOption(raw(option));
        return value == null ? OptionOutcome.UNKNOWN : option == KernelOption.SO_KEEPALIVE ? value != 0 ? 1 : 0
                : value;
    }

    private static IntegerUnixChannelOption raw(KernelOption option) {
        switch (option) {
            case SO_KEEPALIVE:
                return SO_KEEPALIVE;
            case TCP_KEEPIDLE:
                return TCP_KEEPIDLE;
            case TCP_KEEPINTVL:
                return TCP_KEEPINTVL;
            case TCP_KEEPCNT:
                return TCP_KEEPCNT;
            case TCP_USER_TIMEOUT:
                return TCP_USER_TIMEOUT;
            default:
                throw new AssertionError(option);
        }
    }

    @Override
    public String toString() {
        return "ListenerOptionAccess(" + transport + ", raw socket options)";
    }
}
