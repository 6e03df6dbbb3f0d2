package io.vigil.core.event;

/**
 * A user event Vigil fires down the pipeline (with {@code ChannelHandlerContext.fireUserEventTriggered}).
 *
 * <p>Every event is immutable. Handle them in {@code userEventTriggered}; switch over the permitted types:
 * <pre>{@code
 * public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
 *     if (evt instanceof PeerDead dead) {
 *         log.warn("closing {}: {}", ctx.channel(), dead);
 *     }
 *     ctx.fireUserEventTriggered(evt);
 * }
 * }</pre>
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @since 0.1
 */
public sealed interface HealthEvent
        permits PeerIdle, ProbeSent, ProbeFailed, PeerAlive, PeerDead, ShadowVerdict, ProtocolViolation,
        KernelOptionsApplied, LifecycleEvent {
}
