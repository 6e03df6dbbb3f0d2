package io.vigil.core.loopback;

import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The loopback suite over Java NIO. */
class NioKeepAliveLoopbackTest extends AbstractKeepAliveLoopbackTest {

    @Override
    protected Transport transport() {
        return new Transport(NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }
}
