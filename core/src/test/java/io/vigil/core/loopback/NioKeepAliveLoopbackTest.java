package io.vigil.core.loopback;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The loopback suite over Java NIO. */
class NioKeepAliveLoopbackTest extends AbstractKeepAliveLoopbackTest {

    @Override
    protected Transport transport() {
        return new Transport() {
            @Override
            public EventLoopGroup newGroup(int threads) {
                return new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
            }

            @Override
            public Class<? extends ServerChannel> serverChannel() {
                return NioServerSocketChannel.class;
            }

            @Override
            public Class<? extends Channel> clientChannel() {
                return NioSocketChannel.class;
            }
        };
    }
}
