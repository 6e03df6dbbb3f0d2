package io.vigil.core.socket;

import io.vigil.core.VigilPipeline;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.kernel.KernelOption;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.vigil.core.metrics.GuardedHealthRecorder;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelKeepAlive;
import io.vigil.core.policy.KernelRounding;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The kernel half of a {@link KeepAlivePolicy} on every socket of a bootstrap: {@code SO_KEEPALIVE},
 * {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT} and {@code TCP_USER_TIMEOUT} (the policy's
 * user timeout; by default {@code idle + probes × interval}), then the effective values read back from the socket
 * and reported.
 *
 * <pre>{@code
 * Bootstrap client = new Bootstrap().group(group).channel(EpollSocketChannel.class).handler(initializer);
 * SocketKeepAlive.of(policy).configure(client);
 *
 * ServerBootstrap server = new ServerBootstrap().group(boss, workers).channel(EpollServerSocketChannel.class)
 *         .childHandler(childInitializer);
 * SocketKeepAlive.builder(policy).strict(true).recorder(recorder).build().configure(server); // accepted children
 * }</pre>
 *
 * <p>Validation comes first: {@link #of(KeepAlivePolicy)} and {@link Builder#build()} convert the policy with
 * {@link KeepAlivePolicy#toKernel(KernelRounding)} and throw its {@link IllegalArgumentException} (naming the
 * setting, the value, the range and the unit) before any socket exists.
 *
 * <p>Each channel's options are set with its own transport's constants, chosen from the channel the bootstrap's
 * factory made: epoll and io_uring through the provider in {@code vigil-epoll}, NIO through
 * {@code jdk.net.ExtendedSocketOptions} (which has no {@code TCP_USER_TIMEOUT} on JDK 17: that option is reported
 * {@link OptionOutcome.Status#UNSUPPORTED}), any other transport {@code SO_KEEPALIVE} at most (see
 * {@link KernelAccess#options(Channel)}). A client's options are set when its channel registers, before it
 * connects; an accepted child's when it registers, right after the accept.
 *
 * <p>After connect or accept, every requested option is read back and the {@link KernelOptionsReport} is
 * published three ways: a {@link io.vigil.core.event.KernelOptionsApplied} user event through the pipeline, a
 * debug log line, and {@link HealthRecorder#kernelOptions}. By default an option that could not be applied is only
 * reported; in strict mode the channel then fails with a {@link KernelOptionsException} through
 * {@code exceptionCaught} and is closed. The handler that does this ({@value VigilPipeline#SOCKET_KEEPALIVE}) goes
 * first in the pipeline and removes itself once it has reported.
 *
 * <p><b>Thread safety:</b> immutable; one instance may configure any number of bootstraps.
 *
 * @since 0.1
 */
public final class SocketKeepAlive {

    /** The protocol tag of the kernel layer's {@link io.vigil.core.metrics.HealthSubject}. */
    public static final String PROTOCOL = "tcp";

    private final KeepAlivePolicy policy;
    private final KernelKeepAlive kernel;
    private final boolean strict;
    private final HealthRecorder recorder;
    private final HealthRecorder guardedRecorder;

    private SocketKeepAlive(Builder b) {
        this.policy = b.policy;
        this.kernel = b.policy.toKernel(b.rounding);
        this.strict = b.strict;
        this.recorder = b.recorder;
        this.guardedRecorder = GuardedHealthRecorder.of(b.recorder);
    }

    /**
     * Returns the kernel half of a policy in reporting mode, rejecting values the kernel cannot represent.
     *
     * @param policy the policy
     * @return the configuration
     * @throws IllegalArgumentException if the kernel cannot carry the policy, with the policy's message
     */
    public static SocketKeepAlive of(KeepAlivePolicy policy) {
        return builder(policy).build();
    }

    /**
     * Returns a builder for the kernel half of a policy.
     *
     * @param policy the policy
     * @return a new builder: {@link KernelRounding#REJECT}, reporting mode, {@link HealthRecorder#NOOP}
     */
    public static Builder builder(KeepAlivePolicy policy) {
        return new Builder(policy);
    }

    /**
     * Configures a client bootstrap: every channel it creates gets the options. Call it after
     * {@link Bootstrap#handler(ChannelHandler)}: the bootstrap's handler becomes an initializer that puts this
     * configuration's handler first and the original handler after it. Calling it again replaces the earlier
     * configuration.
     *
     * @param bootstrap the bootstrap
     * @return the bootstrap
     * @throws IllegalStateException if the bootstrap has no handler yet
     */
    public Bootstrap configure(Bootstrap bootstrap) {
        ChannelHandler handler = bootstrap.config().handler();
        if (handler == null) {
            throw new IllegalStateException("Bootstrap has no handler: call handler(...) before "
                    + "SocketKeepAlive.configure(..), which puts the kernel options handler in front of it");
        }
        return bootstrap.handler(new Initializer(this, handler));
    }

    /**
     * Configures a server bootstrap: every accepted child gets the options. Call it after
     * {@link ServerBootstrap#childHandler(ChannelHandler)}, which it wraps like {@link #configure(Bootstrap)}.
     *
     * @param bootstrap the server bootstrap
     * @return the server bootstrap
     * @throws IllegalStateException if the bootstrap has no child handler yet
     */
    public ServerBootstrap configure(ServerBootstrap bootstrap) {
        ChannelHandler handler = bootstrap.config().childHandler();
        if (handler == null) {
            throw new IllegalStateException("ServerBootstrap has no child handler: call childHandler(...) before "
                    + "SocketKeepAlive.configure(..), which puts the kernel options handler in front of it");
        }
        return bootstrap.childHandler(new Initializer(this, handler));
    }

    /**
     * Returns a new handler that sets the options on its channel, reads them back and reports them, for
     * pipelines built without {@link #configure(Bootstrap)}. Add it first, in the channel initializer, under
     * {@value io.vigil.core.VigilPipeline#SOCKET_KEEPALIVE}; it removes itself after reporting.
     *
     * @return a handler for one channel
     */
    public ChannelHandler newHandler() {
        return new SocketKeepAliveHandler(this, true);
    }

    /**
     * Returns the options as {@link ChannelOption}s of one transport, for frameworks that take options rather than a
     * bootstrap: grpc-java's {@code NettyServerBuilder.withChildOption}, Reactor Netty's {@code childOption} and
     * {@code option}. {@code SO_KEEPALIVE} comes last, as when Vigil sets them; an option the transport cannot carry
     * is left out (NIO on JDK 17 has no {@code TCP_USER_TIMEOUT}), and {@link #newReportHandler()} reports it.
     *
     * <pre>{@code
     * SocketKeepAlive kernel = SocketKeepAlive.of(policy);        // validated here, before any socket exists
     * NettyServerBuilder builder = NettyServerBuilder.forPort(port).channelType(EpollServerSocketChannel.class);
     * kernel.channelOptions(EpollServerSocketChannel.class).forEach(builder::withChildOption);
     * }</pre>
     *
     * <p>The keys are typed {@code ChannelOption<Object>} so that the map feeds the frameworks' generic
     * {@code <T> option(ChannelOption<T>, T)} methods directly; each value has its option's real type
     * ({@code Boolean} for {@code SO_KEEPALIVE}, {@code Integer} for the others, in seconds, seconds, probes and ms).
     * The constants are the transport's own: Netty ignores another transport's constants with only a log line, so
     * pass the class of the transport the framework really uses.
     *
     * @param channelType the transport's socket or server socket channel class, e.g.
     *        {@code EpollServerSocketChannel.class}, {@code IoUringServerSocketChannel.class},
     *        {@code NioServerSocketChannel.class} (epoll and io_uring need vigil-epoll)
     * @return an unmodifiable map in the order to set the options
     * @throws IllegalArgumentException for a transport Vigil knows no options of
     */
    @SuppressWarnings("unchecked")
    public Map<ChannelOption<Object>, Object> channelOptions(Class<? extends Channel> channelType) {
        KernelOptionAccess access = KernelAccess.options(Objects.requireNonNull(channelType, "channelType"));
        Map<ChannelOption<Object>, Object> options = new LinkedHashMap<>();
        for (KernelOption option : SocketKeepAliveHandler.SET_ORDER) {
            if (option == KernelOption.SO_KEEPALIVE) {
                options.put((ChannelOption<Object>) (ChannelOption<?>) ChannelOption.SO_KEEPALIVE, Boolean.TRUE);
                continue;
            }
            ChannelOption<Integer> constant = access.channelOption(option);
            if (constant != null) {
                options.put((ChannelOption<Object>) (ChannelOption<?>) constant, requested(option));
            }
        }
        return Collections.unmodifiableMap(options);
    }

    /**
     * Returns a new handler that only reads the options back and reports them (a
     * {@link io.vigil.core.event.KernelOptionsApplied} event, a debug line, {@link HealthRecorder#kernelOptions}, and
     * in strict mode a failed channel), for sockets whose options a framework set from {@link #channelOptions}. Add
     * it first in the channel's pipeline, under {@value io.vigil.core.VigilPipeline#SOCKET_KEEPALIVE}, before or
     * after the channel is active (Reactor Netty: {@code doOnChannelInit}); it removes itself after reporting.
     *
     * @return a handler for one channel
     */
    public ChannelHandler newReportHandler() {
        return new SocketKeepAliveHandler(this, false);
    }

    /**
     * Returns a handler for a <em>server</em> channel's pipeline that puts a {@link #newReportHandler()} first in
     * every child it accepts, before the child's own initializer runs: for frameworks that let you make the server
     * channel but not add to its children's pipelines (grpc-java's {@code NettyServerBuilder.channelFactory}).
     *
     * <pre>{@code
     * builder.channelFactory(() -> {
     *     EpollServerSocketChannel server = new EpollServerSocketChannel();
     *     server.pipeline().addLast(kernel.childReporter());
     *     return server;
     * });
     * }</pre>
     *
     * @return a sharable handler
     */
    public ChannelHandler childReporter() {
        return new ChildReporter(this);
    }

    /**
     * Returns the policy.
     *
     * @return the policy
     */
    public KeepAlivePolicy policy() {
        return policy;
    }

    /**
     * Returns the values set on each socket.
     *
     * @return the kernel values
     */
    public KernelKeepAlive kernel() {
        return kernel;
    }

    /**
     * Tells whether a channel fails when an option could not be applied.
     *
     * @return true in strict mode
     */
    public boolean isStrict() {
        return strict;
    }

    /**
     * Returns the recorder that receives each channel's report.
     *
     * @return the recorder
     */
    public HealthRecorder recorder() {
        return recorder;
    }

    /** The recorder behind the guard that keeps its failures from the connection. */
    HealthRecorder guardedRecorder() {
        return guardedRecorder;
    }

    /**
     * Returns the value requested for an option.
     *
     * @param option the option
     * @return the value in the option's unit; 1 for {@code SO_KEEPALIVE}
     */
    public int requested(KernelOption option) {
        switch (option) {
            case SO_KEEPALIVE:
                return 1;
            case TCP_KEEPIDLE:
                return kernel.idleSeconds();
            case TCP_KEEPINTVL:
                return kernel.intervalSeconds();
            case TCP_KEEPCNT:
                return kernel.probes();
            case TCP_USER_TIMEOUT:
                return kernel.userTimeoutMillis();
            default:
                throw new AssertionError(option);
        }
    }

    @Override
    public String toString() {
        return "SocketKeepAlive(" + kernel + (strict ? ", strict" : "") + ")";
    }

    /**
     * Builds a {@link SocketKeepAlive}.
     *
     * <p><b>Thread safety:</b> not thread-safe; use one builder from one thread.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final KeepAlivePolicy policy;
        private KernelRounding rounding = KernelRounding.REJECT;
        private boolean strict;
        private HealthRecorder recorder = HealthRecorder.NOOP;

        private Builder(KeepAlivePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        /**
         * Sets what to do with a policy value the kernel cannot represent (a sub-second idle, say).
         *
         * @param rounding the rule; default {@link KernelRounding#REJECT}
         * @return this builder
         */
        public Builder rounding(KernelRounding rounding) {
            this.rounding = Objects.requireNonNull(rounding, "rounding");
            return this;
        }

        /**
         * Sets strict mode: a channel on which a requested option could not be applied (unsupported by the
         * transport, refused by the kernel, or read back different) fails and is closed.
         *
         * @param strict true for strict mode; default false (report only)
         * @return this builder
         */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Sets the recorder that receives each channel's report.
         *
         * @param recorder the recorder; default {@link HealthRecorder#NOOP}
         * @return this builder
         */
        public Builder recorder(HealthRecorder recorder) {
            this.recorder = Objects.requireNonNull(recorder, "recorder");
            return this;
        }

        /**
         * Validates the policy's kernel half and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if the kernel cannot carry the policy under the rounding rule, with the
         *         policy's message
         */
        public SocketKeepAlive build() {
            return new SocketKeepAlive(this);
        }
    }

    /** Puts a report-only {@link SocketKeepAliveHandler} first in each child a server channel accepts. */
    @ChannelHandler.Sharable
    static final class ChildReporter extends ChannelInboundHandlerAdapter {
        private final SocketKeepAlive settings;

        ChildReporter(SocketKeepAlive settings) {
            this.settings = settings;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel) {
                ((Channel) msg).pipeline().addFirst(VigilPipeline.SOCKET_KEEPALIVE, settings.newReportHandler());
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Puts a {@link SocketKeepAliveHandler} in front of the application's handler on each new channel. */
    @ChannelHandler.Sharable
    static final class Initializer extends ChannelInitializer<Channel> {
        private final SocketKeepAlive settings;
        private final ChannelHandler handler;

        Initializer(SocketKeepAlive settings, ChannelHandler handler) {
            this.settings = settings;
            this.handler = handler instanceof Initializer ? ((Initializer) handler).handler : handler;
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(VigilPipeline.SOCKET_KEEPALIVE, settings.newHandler()).addLast(handler);
        }
    }
}
