package io.vigil.core.handler;

/** What tests in other packages may ask a {@link KeepAliveHandler} that is not public API. */
public final class HandlerAccess {

    private HandlerAccess() {
    }

    /**
     * Tells whether the timer holds the handler's channel. Call on the channel's event loop.
     *
     * @param handler the handler
     * @return true while armed
     */
    public static boolean isTimerArmed(KeepAliveHandler handler) {
        return handler.isTimerArmed();
    }
}
