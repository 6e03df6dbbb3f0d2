package io.vigil.core.metrics;

import io.vigil.core.machine.HealthState;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many connections of one {@link HealthSubject} are in each live state ({@link HealthState#ACTIVE},
 * {@link HealthState#PROBING}, {@link HealthState#SUSPENDED}), kept per thread and summed on demand. Not
 * published API.
 *
 * <p>Each thread (in practice each event loop) moves only its own counts, with plain reads and ordered stores: no
 * compare-and-set, no lock, no shared cache line between loops. A reader sums every thread's counts; the sum may
 * lag a change in progress on another thread by that one change. A connection re-registered on another loop
 * decrements there what it incremented here: the per-thread counts may then go negative, the sum stays right.
 *
 * <p><b>Thread safety:</b> thread-safe. {@link #move} is called by the thread the connection lives on;
 * {@link #count} by any thread.
 */
final class ConnectionCounts {

    private static final HealthState[] STATES = HealthState.values();

    private final ThreadLocal<AtomicLongArray> local = ThreadLocal.withInitial(this::newCell);
    private final CopyOnWriteArrayList<AtomicLongArray> cells = new CopyOnWriteArrayList<>();

    /**
     * Moves one connection from a state to another, on the calling thread's counts. States that are not counted
     * ({@link HealthState#DEAD}, {@link HealthState#CLOSED}) are ignored.
     *
     * @param from the previous state
     * @param to the new state
     */
    void move(HealthState from, HealthState to) {
        boolean fromCounted = counted(from);
        boolean toCounted = counted(to);
        if (!fromCounted && !toCounted) {
            return;
        }
        AtomicLongArray cell = local.get();
        if (fromCounted) {
            int i = from.ordinal();
            cell.setRelease(i, cell.getPlain(i) - 1);
        }
        if (toCounted) {
            int i = to.ordinal();
            cell.setRelease(i, cell.getPlain(i) + 1);
        }
    }

    /**
     * Returns how many connections are in a state, summed over every thread.
     *
     * @param state a counted state
     * @return the count; 0 for a state that is not counted
     */
    long count(HealthState state) {
        if (!counted(state)) {
            return 0;
        }
        int i = state.ordinal();
        long sum = 0;
        for (AtomicLongArray cell : cells) {
            sum += cell.getAcquire(i);
        }
        return sum;
    }

    /**
     * Tells whether connections in this state are counted.
     *
     * @param state the state
     * @return true for {@link HealthState#ACTIVE}, {@link HealthState#PROBING} and {@link HealthState#SUSPENDED}
     */
    static boolean counted(HealthState state) {
        return state == HealthState.ACTIVE || state == HealthState.PROBING || state == HealthState.SUSPENDED;
    }

    private AtomicLongArray newCell() {
        AtomicLongArray cell = new AtomicLongArray(STATES.length);
        cells.add(cell);
        return cell;
    }
}
