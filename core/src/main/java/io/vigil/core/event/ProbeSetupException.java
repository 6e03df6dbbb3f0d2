package io.vigil.core.event;

import java.util.Objects;

/**
 * The channel cannot carry probes at all: the pipeline could not encode one (most often the keepalive handler sits
 * closer to the socket than the codec that encodes its probes). Fired once through {@code exceptionCaught}; probing
 * stops on that channel and no verdict is made about its peer, since the peer was never asked. It has no stack
 * trace: the cause says where the write failed.
 *
 * @since 0.1
 */
public final class ProbeSetupException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and the likely cause
     * @param cause the write's failure
     */
    public ProbeSetupException(String message, Throwable cause) {
        super(message, Objects.requireNonNull(cause, "cause"));
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
