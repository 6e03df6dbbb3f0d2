package io.vigil.core.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.testing.EventRecorder;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A WebSocket server and client, each an {@link EmbeddedChannel} with Netty's real HTTP and WebSocket codecs, on
 * one {@link MockTicker}; the bytes each writes are handed to the other by {@link #exchange()}. Time moves one timer
 * tick at a time, exchanging after each, so that probes and replies cross as on a fast network.
 */
final class WebSocketPair implements AutoCloseable {

    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;
    static final long TICK = TimerWheels.config().tickNanos();

    final MockTicker ticker = Ticker.newMockTicker();
    final EmbeddedChannel server;
    final EmbeddedChannel client;
    final EventRecorder serverEvents = new EventRecorder(ticker);
    final EventRecorder clientEvents = new EventRecorder(ticker);
    /** When true the client's bytes never reach the server: the client's process hung, or the path broke. */
    boolean clientSilent;
    /** Frames the client sent, counted by their first byte's opcode (index 0x0 to 0xF). */
    final int[] clientOpcodes = new int[16];

    /**
     * Builds the pair; the client starts its handshake, which completes at the first {@link #exchange()}.
     *
     * @param serverSide adds the server's WebSocket handlers after its HTTP codec and aggregator
     * @param clientSide adds the client's WebSocket handlers after its HTTP codec and aggregator
     */
    WebSocketPair(Consumer<Channel> serverSide, Consumer<Channel> clientSide) {
        server = EmbeddedChannel.builder().ticker(ticker).handlers(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65_536));
                serverSide.accept(ch);
                ch.pipeline().addLast(serverEvents);
            }
        }).build();
        client = EmbeddedChannel.builder().ticker(ticker).handlers(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65_536));
                clientSide.accept(ch);
                ch.pipeline().addLast(clientEvents);
            }
        }).build();
    }

    /** Hands each side's written bytes to the other until neither has anything left to say. */
    void exchange() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (ByteBuf b; (b = client.readOutbound()) != null; ) {
                moved = true;
                if (b.isReadable() && isFrameStart()) {
                    clientOpcodes[b.getByte(b.readerIndex()) & 0x0F]++;
                }
                if (clientSilent || !server.isOpen()) {
                    ReferenceCountUtil.release(b);
                } else {
                    server.writeInbound(b);
                }
            }
            for (ByteBuf b; (b = server.readOutbound()) != null; ) {
                moved = true;
                if (!client.isOpen()) {
                    ReferenceCountUtil.release(b);
                } else {
                    client.writeInbound(b);
                }
            }
        }
    }

    /** After the handshake every client write is one whole frame (Netty's encoder writes a frame at a time). */
    private boolean isFrameStart() {
        return client.pipeline().context(io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder.class) != null;
    }

    /** Moves the clock to {@code nanos}, one timer tick at a time, running both loops and exchanging at each. */
    void advanceTo(long nanos) {
        exchange();
        while (ticker.nanoTime() < nanos) {
            ticker.advance(Math.min(TICK, nanos - ticker.nanoTime()), TimeUnit.NANOSECONDS);
            server.runPendingTasks();
            client.runPendingTasks();
            exchange();
        }
    }

    long now() {
        return ticker.nanoTime();
    }

    @Override
    public void close() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }
}
