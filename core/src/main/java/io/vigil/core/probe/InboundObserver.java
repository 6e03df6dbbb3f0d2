package io.vigil.core.probe;

/**
 * Sees each inbound message inside the codec that decodes it, before the codec passes it on: how a keepalive is fed
 * without a pipeline handler of its own on the read path ({@code io.vigil.core.handler.ReadPath#CODEC}). The
 * keepalive's implementation is {@code io.vigil.core.handler.CodecFeed}.
 *
 * <p><b>Thread safety:</b> called on the channel's event loop, once per decoded message.
 *
 * @since 0.2
 */
@FunctionalInterface
public interface InboundObserver {

    /**
     * Sees one decoded inbound message.
     *
     * @param msg the message, about to be passed on
     * @return true if the observer consumed it (a reply to its own probe): the codec releases it and passes nothing on
     */
    boolean observe(Object msg);
}
