package io.vigil.examples.demo;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The Netty transport the demo runs on: epoll where the native library loads, otherwise NIO.
 *
 * @param name {@code epoll} or {@code nio}
 * @param ioHandler the event loops' I/O handler
 * @param serverClass the server channel class
 * @param clientClass the client channel class
 * @param kernelAware whether the socket's {@code TCP_INFO} can be read and the kernel's verdicts are recognised (and
 *        {@code TCP_USER_TIMEOUT} can be set): epoll yes, JDK 17's NIO no
 */
record Transport(String name, IoHandlerFactory ioHandler, Class<? extends ServerChannel> serverClass,
                 Class<? extends Channel> clientClass, boolean kernelAware) {

    /**
     * Picks a transport.
     *
     * @param choice {@code auto}, {@code epoll} or {@code nio}
     * @return the transport
     * @throws IllegalArgumentException for an unknown choice, or {@code epoll} where it cannot load
     */
    static Transport choose(String choice) {
        switch (choice.toLowerCase(Locale.ROOT)) {
            case "auto":
                return Epoll.isAvailable() ? epoll() : nio();
            case "epoll":
                if (!Epoll.isAvailable()) {
                    throw new IllegalArgumentException("--transport epoll: the epoll transport is not available here: "
                            + Epoll.unavailabilityCause());
                }
                return epoll();
            case "nio":
                return nio();
            default:
                throw new IllegalArgumentException("--transport " + choice + ": expected auto, epoll or nio");
        }
    }

    private static Transport epoll() {
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class, true);
    }

    private static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                false);
    }

    /**
     * Reads a connection's {@code TCP_INFO} with Netty's own epoll API.
     *
     * @param ch the channel
     * @return the sample, or null where the transport has none or the socket is closed
     */
    static @Nullable EpollTcpInfo tcpInfo(Channel ch) {
        if (!(ch instanceof EpollSocketChannel) || !ch.isOpen()) {
            return null;
        }
        try {
            return ((EpollSocketChannel) ch).tcpInfo();
        } catch (RuntimeException closedMeanwhile) {
            return null;
        }
    }
}
