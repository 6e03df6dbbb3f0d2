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
import org.jspecify.annotations.Nullable;

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
 * connects.
 *
 * <p>A server's accepted sockets, by default ({@link AcceptPath#LISTENER}), inherit the options from the listening
 * socket, on which they are set once when it registers, before it binds: Linux copies them to every socket it
 * accepts, which saves five {@code setsockopt} per accepted connection. Epoll and io_uring (with vigil-epoll) carry
 * all five on the listener; NIO three (each NIO child still sets {@code SO_KEEPALIVE}); other transports none, so
 * there each child sets them as with {@link AcceptPath#EACH_CHILD}, where every accepted child sets all five when it
 * registers, right after the accept.
 *
 * <p>After connect or accept, every requested option is read back and the {@link KernelOptionsReport} is
 * published three ways: a {@link io.vigil.core.event.KernelOptionsApplied} user event through the pipeline, a
 * debug log line, and {@link HealthRecorder#kernelOptions}. By default an option that could not be applied is only
 * reported; in strict mode the channel then fails with a {@link KernelOptionsException} through
 * {@code exceptionCaught} and is closed. The handler that does this ({@value VigilPipeline#SOCKET_KEEPALIVE}) goes
 * first in the pipeline and removes itself once it has reported.
 *
 * <p>On the {@link AcceptPath#LISTENER} path the listener is read back and reported (the event goes through the
 * server channel's pipeline; the recorder gets it as a {@link io.vigil.core.metrics.HealthSubject#SERVER} subject)
 * once it is bound; of the accepted children, the first and then one in {@link Builder#childReports(int)}
 * ({@value #DEFAULT_CHILD_REPORTS} by default) are read back and reported, which verifies on real accepted sockets
 * that they inherited the options. Every child is read back in strict mode, and whenever the listener's own
 * read-back was not all applied (on NIO, whose missing {@code TCP_USER_TIMEOUT} each child's
 * {@code KeepAliveHandler} must hear of). What it costs per accepted connection, on epoll and io_uring: nothing for
 * an unsampled child; five {@code getsockopt} and a pipeline handler for a sampled one (against five
 * {@code setsockopt}, five {@code getsockopt} and the handler for every child on {@link AcceptPath#EACH_CHILD}).
 *
 * <p><b>Thread safety:</b> immutable; one instance may configure any number of bootstraps.
 *
 * @since 0.1
 */
public final class SocketKeepAlive {

    /** The protocol tag of the kernel layer's {@link io.vigil.core.metrics.HealthSubject}. */
    public static final String PROTOCOL = "tcp";

    /**
     * The default sampling of accepted children read back on the {@link AcceptPath#LISTENER} path: the first child
     * and then one in {@value}.
     *
     * @since 0.2
     */
    public static final int DEFAULT_CHILD_REPORTS = 1024;

    private final KeepAlivePolicy policy;
    private final KernelKeepAlive kernel;
    private final boolean strict;
    private final HealthRecorder recorder;
    private final HealthRecorder guardedRecorder;
    private final AcceptPath acceptPath;
    private final int childReports;

    private SocketKeepAlive(Builder b) {
        this.policy = b.policy;
        this.kernel = b.policy.toKernel(b.rounding);
        this.strict = b.strict;
        this.recorder = b.recorder;
        this.guardedRecorder = GuardedHealthRecorder.of(b.recorder);
        this.acceptPath = b.acceptPath;
        this.childReports = b.childReports;
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
     * Configures a server bootstrap: every accepted child gets the options, by default ({@link AcceptPath#LISTENER})
     * inherited from the listening socket, on which they are set once. Call it after
     * {@link ServerBootstrap#childHandler(ChannelHandler)} (and after {@link ServerBootstrap#handler(ChannelHandler)},
     * if you set one): on the listener path it wraps the server channel's handler in an initializer that puts the
     * listener's options handler first and the original handler after it; per child it wraps the child handler like
     * {@link #configure(Bootstrap)}. Calling it again replaces the earlier configuration.
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
        ChannelHandler serverHandler = ListenerInitializer.unwrap(bootstrap.config().handler());
        if (acceptPath == AcceptPath.EACH_CHILD) {
            if (serverHandler != bootstrap.config().handler()) {
                // An earlier listener configuration: back to the bootstrap's own handler (Netty takes no null).
                bootstrap.handler(serverHandler != null ? serverHandler : new ListenerInitializer(null, null));
            }
            return bootstrap.childHandler(new Initializer(this, handler));
        }
        return bootstrap.handler(new ListenerInitializer(this, serverHandler))
                .childHandler(Initializer.unwrap(handler));
    }

    /**
     * Returns a new handler that sets the options on its channel, reads them back and reports them, for
     * pipelines built without {@link #configure(Bootstrap)}. Add it first, in the channel initializer, under
     * {@value io.vigil.core.VigilPipeline#SOCKET_KEEPALIVE}; it removes itself after reporting.
     *
     * @return a handler for one channel
     */
    public ChannelHandler newHandler() {
        return new SocketKeepAliveHandler(this, SocketKeepAliveHandler.ALL);
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
        return new SocketKeepAliveHandler(this, 0);
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

    /**
     * Returns where a server's accepted sockets get the options from.
     *
     * @return {@link AcceptPath#LISTENER} by default
     * @since 0.2
     */
    public AcceptPath acceptPath() {
        return acceptPath;
    }

    /**
     * Returns the sampling of accepted children read back on the {@link AcceptPath#LISTENER} path.
     *
     * @return n: the first child and then one in n; 1 for every child
     * @since 0.2
     */
    public int childReports() {
        return childReports;
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
        return "SocketKeepAlive(" + kernel + (strict ? ", strict" : "") + ", accept path " + acceptPath
                + (acceptPath == AcceptPath.LISTENER ? ", one in " + childReports + " children reported" : "") + ")";
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
        private AcceptPath acceptPath = AcceptPath.LISTENER;
        private int childReports = DEFAULT_CHILD_REPORTS;

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
         * Sets where a server's accepted sockets get the options from.
         *
         * @param acceptPath {@link AcceptPath#LISTENER} (the default: set once on the listening socket, inherited by
         *        every accepted socket) or {@link AcceptPath#EACH_CHILD}
         * @return this builder
         * @since 0.2
         */
        public Builder acceptPath(AcceptPath acceptPath) {
            this.acceptPath = Objects.requireNonNull(acceptPath, "acceptPath");
            return this;
        }

        /**
         * Sets which accepted children are read back and reported on the {@link AcceptPath#LISTENER} path, where
         * they inherit the options: the first, then one in {@code oneIn}. Each report costs five {@code getsockopt}
         * and a handler added to and removed from the child's pipeline. Strict mode, and a listener whose own
         * read-back was not all applied, report every child whatever this says.
         *
         * @param oneIn 1 (every child) .. {@link Integer#MAX_VALUE} (in effect the first child only); default
         *        {@value SocketKeepAlive#DEFAULT_CHILD_REPORTS}
         * @return this builder
         * @throws IllegalArgumentException if {@code oneIn} is below 1
         * @since 0.2
         */
        public Builder childReports(int oneIn) {
            if (oneIn < 1) {
                throw new IllegalArgumentException("childReports : " + oneIn + " (expected: >= 1, report one in n"
                        + " accepted children; 1 reports every child)");
            }
            this.childReports = oneIn;
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
            this.handler = unwrap(handler);
        }

        /** The application's handler behind an earlier configuration's initializer. */
        static ChannelHandler unwrap(ChannelHandler handler) {
            return handler instanceof Initializer ? ((Initializer) handler).handler : handler;
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(VigilPipeline.SOCKET_KEEPALIVE, settings.newHandler()).addLast(handler);
        }
    }

    /** Puts a {@link ListenerKeepAliveHandler} first on each server channel, and the bootstrap's own handler after. */
    @ChannelHandler.Sharable
    static final class ListenerInitializer extends ChannelInitializer<Channel> {
        /** Null for one that only stands in for the bootstrap's absent handler. */
        private final @Nullable SocketKeepAlive settings;
        private final @Nullable ChannelHandler handler;

        ListenerInitializer(@Nullable SocketKeepAlive settings, @Nullable ChannelHandler handler) {
            this.settings = settings;
            this.handler = handler;
        }

        /** The bootstrap's own server handler behind an earlier configuration's initializer; may be null. */
        static @Nullable ChannelHandler unwrap(@Nullable ChannelHandler handler) {
            return handler instanceof ListenerInitializer ? ((ListenerInitializer) handler).handler : handler;
        }

        @Override
        protected void initChannel(Channel ch) {
            if (settings != null) {
                ch.pipeline().addLast(VigilPipeline.SOCKET_KEEPALIVE, new ListenerKeepAliveHandler(settings));
            }
            if (handler != null) {
                ch.pipeline().addLast(handler);
            }
        }
    }
}
