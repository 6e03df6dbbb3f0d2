package io.vigil.core.socket;

import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.kernel.KernelOption;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A {@link KernelOptionAccess} over one transport's {@link ChannelOption} constants. Immutable. */
final class ChannelOptionAccess implements KernelOptionAccess {

    private final String transport;
    private final @Nullable ChannelOption<Integer> keepIdle;
    private final @Nullable ChannelOption<Integer> keepInterval;
    private final @Nullable ChannelOption<Integer> keepCount;
    private final @Nullable ChannelOption<Integer> userTimeout;

    ChannelOptionAccess(String transport, @Nullable ChannelOption<Integer> keepIdle,
                        @Nullable ChannelOption<Integer> keepInterval, @Nullable ChannelOption<Integer> keepCount,
                        @Nullable ChannelOption<Integer> userTimeout) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.keepIdle = keepIdle;
        this.keepInterval = keepInterval;
        this.keepCount = keepCount;
        this.userTimeout = userTimeout;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public boolean set(Channel channel, KernelOption option, int value) {
        if (option == KernelOption.SO_KEEPALIVE) {
            return channel.config().setOption(ChannelOption.SO_KEEPALIVE, value != 0);
        }
        ChannelOption<Integer> o = constant(option);
        return o != null && channel.config().setOption(o, value);
    }

    @Override
    public long get(Channel channel, KernelOption option) {
        if (option == KernelOption.SO_KEEPALIVE) {
            Boolean on = channel.config().getOption(ChannelOption.SO_KEEPALIVE);
            return on == null ? OptionOutcome.UNKNOWN : on ? 1 : 0;
        }
        ChannelOption<Integer> o = constant(option);
        Integer value = o == null ? null : channel.config().getOption(o);
        return value == null ? OptionOutcome.UNKNOWN : value;
    }

    @Override
    public @Nullable ChannelOption<Integer> channelOption(KernelOption option) {
        return constant(option);
    }

    private @Nullable ChannelOption<Integer> constant(KernelOption option) {
        switch (option) {
            case TCP_KEEPIDLE:
                return keepIdle;
            case TCP_KEEPINTVL:
                return keepInterval;
            case TCP_KEEPCNT:
                return keepCount;
            case TCP_USER_TIMEOUT:
                return userTimeout;
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        return "KernelOptionAccess(" + transport + ")";
    }
}
