package io.vigil.core.socket;

import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.kernel.KernelOption;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;

/**
 * Sets and reads the kernel keepalive options on one transport's sockets, through that transport's own
 * {@link ChannelOption} constants (Netty ignores another transport's constants with only a log line).
 * {@link SocketKeepAlive} finds the access for a channel with {@link KernelAccess#options(Channel)}.
 *
 * <p><b>Thread safety:</b> called on the channel's event loop; implementations serve many channels and must be
 * thread-safe.
 *
 * @since 0.1
 */
public interface KernelOptionAccess {

    /**
     * Returns an access that sets {@code SO_KEEPALIVE} with {@link ChannelOption#SO_KEEPALIVE} and the four
     * {@code TCP_*} options with the given constants, in the kernel's units (seconds, seconds, probes, ms).
     *
     * @param transport the transport's name, e.g. {@code "epoll"}; a metrics tag value
     * @param keepIdle the transport's {@code TCP_KEEPIDLE} option, or null if it has none
     * @param keepInterval the transport's {@code TCP_KEEPINTVL} option, or null if it has none
     * @param keepCount the transport's {@code TCP_KEEPCNT} option, or null if it has none
     * @param userTimeout the transport's {@code TCP_USER_TIMEOUT} option, or null if it has none
     * @return a thread-safe access
     */
    static KernelOptionAccess of(String transport, @Nullable ChannelOption<Integer> keepIdle,
                                 @Nullable ChannelOption<Integer> keepInterval,
                                 @Nullable ChannelOption<Integer> keepCount,
                                 @Nullable ChannelOption<Integer> userTimeout) {
        return new ChannelOptionAccess(transport, keepIdle, keepInterval, keepCount, userTimeout);
    }

    /**
     * Returns the transport's name.
     *
     * @return e.g. {@code "epoll"}, {@code "io_uring"}, {@code "nio"}
     */
    String transport();

    /**
     * Sets one option on the channel's socket.
     *
     * @param channel the channel
     * @param option the option
     * @param value the value in the option's unit ({@code SO_KEEPALIVE}: 1 on, 0 off)
     * @return false if this transport cannot carry the option at all
     * @throws RuntimeException (typically {@link io.netty.channel.ChannelException}) if the kernel refused it
     */
    boolean set(Channel channel, KernelOption option, int value);

    /**
     * Reads one option back from the channel's socket.
     *
     * @param channel the channel
     * @param option the option
     * @return the value in the option's unit, or {@link OptionOutcome#UNKNOWN} if this transport cannot read it
     * @throws RuntimeException (typically {@link io.netty.channel.ChannelException}) if the read failed
     */
    long get(Channel channel, KernelOption option);

    /**
     * Returns the transport's {@link ChannelOption} constant for one of the four {@code TCP_*} options, as
     * {@link SocketKeepAlive#channelOptions(Class)} hands them to a framework's {@code childOption}.
     *
     * @param option the option; {@code SO_KEEPALIVE} is always {@link ChannelOption#SO_KEEPALIVE}
     * @return the constant, or null if this transport cannot carry the option (the default)
     * @since 0.1
     */
    default @Nullable ChannelOption<Integer> channelOption(KernelOption option) {
        return null;
    }
}
