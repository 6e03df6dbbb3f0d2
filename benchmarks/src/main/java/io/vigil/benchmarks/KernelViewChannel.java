package io.vigil.benchmarks;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigil.core.event.DeathReason;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.socket.KernelAccessProvider;
import io.vigil.core.socket.KernelInspector;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory channel whose transport, to Vigil, shows the kernel's view, as epoll and io_uring do: Vigil's handler
 * then takes its epoll read path (no clock read at the end of a read batch: the tick reads the kernel's receipt
 * instead). Its {@link Provider} is registered in {@code META-INF/services} and answers for this class only; its
 * inspector samples nothing ({@code TCP_INFO} belongs to the tick, never to a read, and there is no socket here), so
 * liveness is judged by the read path's stamps, as on a socket whose sample failed.
 *
 * <p><b>Thread safety:</b> that of {@link EmbeddedChannel}.
 *
 * @since 0.2
 */
public final class KernelViewChannel extends EmbeddedChannel {

    /**
     * Creates the channel.
     *
     * @param builder as for {@link EmbeddedChannel}
     */
    KernelViewChannel(Builder builder) {
        super(builder);
    }

    /**
     * Offers itself as the inspector of {@link KernelViewChannel}s, and nothing for any other channel: a kernel view
     * that is there (so the read path trusts the tick) but has no sample to give and recognises no kernel verdict.
     */
    public static final class Provider implements KernelAccessProvider, KernelInspector {
        @Override
        public @Nullable KernelInspector inspectorFor(Channel channel) {
            return channel instanceof KernelViewChannel ? this : null;
        }

        @Override
        public @Nullable KernelSample sample(Channel channel) {
            return null;
        }

        @Override
        public @Nullable DeathReason classify(Throwable cause) {
            return null;
        }
    }
}
