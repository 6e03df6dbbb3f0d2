package io.vigil.core.handler;

/**
 * The ids of the probes of the current probing episode, so that only a reply to one of them is taken as ours: a
 * reply with any other id (an application's own ping answered, a forged or stale id) is not consumed and gives no
 * round-trip time. Holds the last {@value #CAPACITY} ids; a reply to an older probe of a longer episode is not
 * matched (it still passes on as traffic).
 *
 * <p>Allocated on a channel's first probe, then reused: no allocation per probe.
 *
 * <p><b>Thread safety:</b> confined to the channel's event loop.
 */
final class OutstandingProbes {

    /** How many ids are kept. */
    static final int CAPACITY = 8;

    private final long[] ids = new long[CAPACITY];
    private int count;
    private int next;

    /**
     * Remembers the id of a probe just sent.
     *
     * @param id the probe's id
     */
    void add(long id) {
        ids[next] = id;
        next = (next + 1) % CAPACITY;
        if (count < CAPACITY) {
            count++;
        }
    }

    /**
     * Tells whether an id is that of an outstanding probe.
     *
     * @param id a reply's id
     * @return true if one of the kept ids equals it
     */
    boolean contains(long id) {
        for (int i = 0; i < count; i++) {
            if (ids[i] == id) {
                return true;
            }
        }
        return false;
    }

    /** Forgets every id: the episode ended. */
    void clear() {
        count = 0;
        next = 0;
    }
}
