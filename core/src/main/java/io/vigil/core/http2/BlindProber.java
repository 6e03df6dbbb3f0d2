package io.vigil.core.http2;

import io.vigil.core.probe.Prober;

/**
 * A prober whose handler sees no frames (they go to a codec's listener, or the handler sits on raw bytes): it
 * recognises nothing as a reply or as the peer's probe; answers reach the handler, if at all, through
 * {@link io.vigil.core.handler.HealthFeed}.
 *
 * <p><b>Thread safety:</b> stateless.
 */
abstract class BlindProber implements Prober {

    @Override
    public final String protocol() {
        return Http2Prober.PROTOCOL;
    }

    @Override
    public final boolean isReply(Object msg) {
        return false;
    }

    @Override
    public final long replyId(Object reply) {
        return NO_ID;
    }

    @Override
    public final boolean isPeerProbe(Object msg) {
        return false;
    }
}
