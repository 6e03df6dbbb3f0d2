package io.vigil.core.probe;

import org.jspecify.annotations.Nullable;

/**
 * A heartbeat control frame: a {@code PING} carrying a 64-bit id, or the {@code PONG} that echoes it.
 *
 * @since 0.1
 */
public final class HeartbeatFrame {

    private final boolean ping;
    private final long id;

    private HeartbeatFrame(boolean ping, long id) {
        this.ping = ping;
        this.id = id;
    }

    /**
     * Returns a {@code PING}.
     *
     * @param id the id the peer echoes
     * @return the frame
     */
    public static HeartbeatFrame ping(long id) {
        return new HeartbeatFrame(true, id);
    }

    /**
     * Returns a {@code PONG}.
     *
     * @param id the echoed id
     * @return the frame
     */
    public static HeartbeatFrame pong(long id) {
        return new HeartbeatFrame(false, id);
    }

    /**
     * Tells whether this is a {@code PING}.
     *
     * @return true for a {@code PING}, false for a {@code PONG}
     */
    public boolean isPing() {
        return ping;
    }

    /**
     * Returns the id.
     *
     * @return the id
     */
    public long id() {
        return id;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof HeartbeatFrame && ((HeartbeatFrame) o).ping == ping && ((HeartbeatFrame) o).id == id;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + (ping ? 1 : 0);
    }

    @Override
    public String toString() {
        return (ping ? "PING(" : "PONG(") + id + ")";
    }
}
