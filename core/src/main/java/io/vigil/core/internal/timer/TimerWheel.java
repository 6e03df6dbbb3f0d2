package io.vigil.core.internal.timer;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A hierarchical timing wheel for one event loop: O(1) arm, re-arm and cancel, no allocation, entries are the
 * channels' own state objects. Internal use only.
 *
 * <p>Four levels of slots: 256 slots of one tick, then three levels of 64 slots each 64 times coarser (covering
 * 2<sup>26</sup> ticks, 7.7 days at 10 ms). An entry sits at the finest level whose range holds its deadline and is
 * moved down when the wheel reaches its coarse slot, so it is visited at most four times and fires at the first
 * tick at or after its deadline: never early, at most one tick late. Expired entries are handled with a budget
 * ({@link TimerWheelConfig}); what exceeds it waits for the next tick, so a herd of 100k expiring channels never
 * stalls one loop iteration for more than the budget. Nothing is lost. Moving a coarse slot's entries down a level
 * (a cascade) counts against the same time budget, so 1M channels armed together cannot stall a tick either.
 *
 * <p><b>Worst-case lateness.</b> With tick {@code T} (10 ms by default) an entry fires at the first tick at or after
 * its deadline, so at most {@code T} late, while the loop runs its tick on time and no budget is exhausted. Under a
 * herd, the work beyond a tick's budget waits for the following ticks, and so does every entry due behind it (ticks
 * are processed in order): a herd of {@code N} entries due together finishes within {@code ceil(N / perTick)} ticks,
 * where {@code perTick} is how many expiries (or cascade moves) fit in the budget ({@code maxExpiriesPerTick}, or
 * fewer when {@code maxTickNanos} runs out first). Lateness added by the event loop itself (a tick task that runs
 * late because the loop was busy) comes on top, as for any Netty scheduled task.
 *
 * <p>The wheel drives itself with one fixed-rate task on its event loop, only while it holds entries. Each tick
 * refreshes the cached clock ({@link #now()}, {@link #stamp()}). A wheel made with {@link #manual} has no task and
 * is driven by calls to {@link #advance(long)}.
 *
 * <p><b>Thread safety:</b> confined to its event loop; every method must be called there.
 *
 * @since 0.1
 */
public final class TimerWheel implements HealthTimer {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(TimerWheel.class);

    private static final int LEVELS = 4;
    private static final int L0_SLOTS = 256;
    private static final int UPPER_SLOTS = 64;
    private static final int SLOT_COUNT = L0_SLOTS + (LEVELS - 1) * UPPER_SLOTS;
    /** The list of entries taken out of a due slot and waiting to expire (possibly over several ticks). */
    private static final int EXPIRING = SLOT_COUNT;
    /** The list of entries taken out of coarse slots and waiting to move down a level. */
    private static final int CASCADING = SLOT_COUNT + 1;
    /**
     * An entry's {@code slot} field holds a code: for a coarse slot, its index ({@code 256 ..}); for level 0, this
     * flag plus the low bits of the tick it is due at. Lists move to the expiring or cascading list in O(1), without
     * touching their entries: a level-0 entry due at or before {@link #currentTick} is in the expiring list, a later
     * one in its slot; a coarse entry is counted in its level until it is moved down.
     */
    private static final int L0_CODE = 1 << 30;
    private static final int DUE_MASK = (1 << 29) - 1;
    private static final int DUE_HALF = 1 << 28;
    /** Ticks per slot at each level, as a shift. */
    private static final int[] SHIFT = {0, 8, 14, 20};
    /** First slot index of each level. */
    private static final int[] BASE = {0, L0_SLOTS, L0_SLOTS + UPPER_SLOTS, L0_SLOTS + 2 * UPPER_SLOTS};
    /** Work items (expiries or cascade moves) between two reads of the clock for the time budget. */
    private static final int TIME_CHECK_MASK = 15;

    private final @Nullable EventExecutor executor;
    private final Ticker ticker;
    private final long tickNanos;
    /** {@code 1.0 / tickNanos}, for {@link #floorTicks}. */
    private final double ticksPerNano;
    private final long stampMarginNanos;
    private final int maxExpiriesPerTick;
    private final long maxTickNanos;
    private final long origin;
    private final @Nullable Listener listener;

    private final Sentinel[] heads = new Sentinel[SLOT_COUNT + 2];
    /** Occupancy bitmap of level 0, one bit per slot. */
    private final long[] occupied = new long[L0_SLOTS / 64];
    /** Entries per coarse level (index 1 ..), including those of a level waiting in the cascading list. */
    private final int[] levelSize = new int[LEVELS];
    private int size;

    /** The last tick processed (or, during a cascade, the tick before the one being processed). */
    private long currentTick;
    /** The tick being processed: equal to {@link #currentTick} unless a cascade for it is unfinished. */
    private long pendingTick;
    /** True when the cascading or expiring list still holds entries left over by the budget. */
    private boolean carryOver;
    /** Work items done in the current {@link #advance} call, for the time budget. */
    private int work;
    private long now;
    private long stamp;
    private long expiredTotal;
    private long carryOvers;

    private @Nullable ScheduledFuture<?> tickFuture;
    private final Runnable tickTask = this::tick;
    /** Notices the loop cancelling the tick task (it is shutting down) and lets the wheel go. */
    private final GenericFutureListener<Future<Object>> tickStopped = this::tickStopped;

    /**
     * Creates a wheel that drives itself on {@code executor}.
     *
     * @param executor the event loop; every call must come from it
     * @param ticker the loop's ticker
     * @param config the settings
     * @param listener told when the wheel starts and stops ticking; may be null
     */
    public TimerWheel(EventExecutor executor, Ticker ticker, TimerWheelConfig config, @Nullable Listener listener) {
        this(executor, ticker, config, listener, 0);
    }

    private TimerWheel(@Nullable EventExecutor executor, Ticker ticker, TimerWheelConfig config,
                       @Nullable Listener listener, int unused) {
        this.executor = executor;
        this.ticker = ticker;
        this.tickNanos = config.tickNanos();
        this.ticksPerNano = 1.0 / tickNanos;
        this.stampMarginNanos = 2 * tickNanos;
        this.maxExpiriesPerTick = config.maxExpiriesPerTick();
        this.maxTickNanos = config.maxTickNanos();
        this.listener = listener;
        for (int i = 0; i < heads.length; i++) {
            heads[i] = new Sentinel();
        }
        this.origin = ticker.nanoTime();
        this.now = origin;
        this.stamp = origin + stampMarginNanos;
    }

    /**
     * Creates a wheel with no task of its own, driven by {@link #advance(long)}: for tests and benchmarks.
     *
     * @param ticker the clock
     * @param config the settings
     * @return a new wheel
     */
    public static TimerWheel manual(Ticker ticker, TimerWheelConfig config) {
        return new TimerWheel(null, ticker, config, null, 0);
    }

    @Override
    public void schedule(TimerEntry entry) {
        assert executor == null || executor.inEventLoop();
        if (tickFuture == null && executor != null) {
            wake();
        }
        int slot = slotFor(entry.deadline);
        if (slot == entry.slot) {
            return;
        }
        if (entry.slot != TimerEntry.UNLINKED) {
            unlink(entry);
        }
        link(entry, slot);
    }

    @Override
    public void cancel(TimerEntry entry) {
        assert executor == null || executor.inEventLoop();
        if (entry.slot == TimerEntry.UNLINKED) {
            return;
        }
        unlink(entry);
        if (size == 0) {
            sleep();
        }
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public long stamp() {
        return stamp;
    }

    @Override
    public long stampMarginNanos() {
        return stampMarginNanos;
    }

    @Override
    public long tickNanos() {
        return tickNanos;
    }

    @Override
    public long preciseNow() {
        refresh(ticker.nanoTime());
        return now;
    }

    /**
     * Returns the event loop that drives this wheel.
     *
     * @return the executor
     * @throws IllegalStateException for a {@link #manual} wheel
     */
    public EventExecutor executor() {
        if (executor == null) {
            throw new IllegalStateException("a manual wheel has no executor");
        }
        return executor;
    }

    /**
     * Returns how many entries the wheel holds.
     *
     * @return the number of scheduled entries
     */
    public int size() {
        return size;
    }

    /**
     * Tells whether the wheel's own tick task is scheduled.
     *
     * @return true while ticking
     */
    public boolean isTicking() {
        return tickFuture != null;
    }

    /**
     * Tells whether due entries were left for the next tick because a tick's budget ran out.
     *
     * @return true if expiries are carried over
     */
    public boolean hasCarryOver() {
        return carryOver;
    }

    /**
     * Returns how many entries have expired since the wheel was made.
     *
     * @return the count
     */
    public long expiredTotal() {
        return expiredTotal;
    }

    /**
     * Returns how many ticks ended with expiries carried over to the next.
     *
     * @return the count
     */
    public long carryOvers() {
        return carryOvers;
    }

    /**
     * Advances the cached clock to {@code nowNanos} and expires every entry whose deadline has passed, within the
     * per-tick budget. Called by the wheel's own task; call it directly only on a {@link #manual} wheel.
     *
     * @param nowNanos the ticker's time
     * @return the number of entries expired by this call
     */
    public int advance(long nowNanos) {
        refresh(nowNanos);
        long target = floorTicks(now - origin);
        work = 0;
        int expired = 0;
        if (carryOver) {
            expired = finishTick(0, nowNanos);
            if (carryOver) {
                return expired;
            }
        }
        while (currentTick - target < 0) {
            if (size == 0) {
                currentTick = target;
                pendingTick = target;
                break;
            }
            long next = nextEventfulTick();
            if (next - target > 0) {
                currentTick = target;
                pendingTick = target;
                break;
            }
            // Entries due at the tick itself must land in its level-0 slot, so cascades run one tick before it.
            currentTick = next - 1;
            pendingTick = next;
            for (int level = LEVELS - 1; level >= 1; level--) {
                if (levelSize[level] != 0 && (next & ((1L << SHIFT[level]) - 1)) == 0) {
                    takeForCascade(level, next);
                }
            }
            expired = finishTick(expired, nowNanos);
            if (carryOver) {
                break;
            }
        }
        return expired;
    }

    /**
     * Finishes {@link #pendingTick} within the budget: moves the cascading entries down, takes the tick's due slot
     * and expires it. Sets {@link #carryOver} if the budget runs out first.
     */
    private int finishTick(int expiredSoFar, long startNanos) {
        carryOver = false;
        Sentinel cascading = heads[CASCADING];
        while (cascading.next != cascading) {
            if (overTime(startNanos)) {
                carryOver = true;
                carryOvers++;
                return expiredSoFar;
            }
            TimerEntry entry = cascading.next;
            assert entry != null;
            unlink(entry);
            link(entry, slotFor(entry.deadline));
            work++;
        }
        if (currentTick != pendingTick) {
            currentTick = pendingTick;
            takeDue(currentTick);
        }
        return expire(expiredSoFar, startNanos);
    }

    /** True when this call has worked longer than the time budget; reads the clock every few work items. */
    private boolean overTime(long startNanos) {
        return (work & TIME_CHECK_MASK) == TIME_CHECK_MASK && ticker.nanoTime() - startNanos >= maxTickNanos;
    }

    private void tick() {
        advance(ticker.nanoTime());
        if (size == 0) {
            sleep();
        }
    }

    /** The tick task ended without {@link #sleep()}: its loop cancelled it while shutting down. */
    private void tickStopped(Future<Object> future) {
        if (future == tickFuture) {
            tickFuture = null;
            if (listener != null) {
                listener.onIdle(this);
            }
        }
    }

    private void refresh(long nowNanos) {
        if (nowNanos - now > 0) {
            now = nowNanos;
            stamp = nowNanos + stampMarginNanos;
        }
    }

    /**
     * Starts the tick task. After the wheel was empty, first catches the tick up without expiring anything (an
     * empty wheel has nothing to expire); a wheel whose task was cancelled by its loop keeps its entries as they are.
     */
    @SuppressWarnings("unchecked")
    private void wake() {
        assert executor != null;
        if (size == 0) {
            refresh(ticker.nanoTime());
            currentTick = Math.max(currentTick, floorTicks(now - origin));
            pendingTick = currentTick;
            carryOver = false;
        }
        ScheduledFuture<?> f = executor.scheduleAtFixedRate(tickTask, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
        tickFuture = f;
        ((ScheduledFuture<Object>) f).addListener(tickStopped);
        if (listener != null) {
            listener.onTicking(this);
        }
    }

    /** Stops the tick task once the wheel is empty. */
    private void sleep() {
        ScheduledFuture<?> f = tickFuture;
        if (f != null) {
            tickFuture = null;
            f.cancel(false);
            if (listener != null) {
                listener.onIdle(this);
            }
        }
    }

    /** The next tick after {@link #currentTick} at which a level-0 slot is occupied or a level must cascade. */
    private long nextEventfulTick() {
        long next = Long.MAX_VALUE;
        if ((occupied[0] | occupied[1] | occupied[2] | occupied[3]) != 0) {
            next = currentTick + 1 + distanceToOccupied((int) ((currentTick + 1) & (L0_SLOTS - 1)));
        }
        for (int level = 1; level < LEVELS; level++) {
            if (levelSize[level] != 0) {
                long boundary = ((currentTick >> SHIFT[level]) + 1) << SHIFT[level];
                if (boundary < next) {
                    next = boundary;
                }
            }
        }
        return next;
    }

    /** Distance from level-0 slot {@code from} to the next occupied slot, cyclically; level 0 must be non-empty. */
    private int distanceToOccupied(int from) {
        int word = from >>> 6;
        long bits = occupied[word] & (-1L << (from & 63));
        for (int i = 0; i <= occupied.length; i++) {
            if (bits != 0) {
                int slot = (word << 6) + Long.numberOfTrailingZeros(bits);
                return (slot - from) & (L0_SLOTS - 1);
            }
            word = (word + 1) & (occupied.length - 1);
            bits = occupied[word];
        }
        throw new AssertionError("level 0 is empty");
    }

    /**
     * Moves the level-0 slot of {@code tick} to the expiring list, in O(1). From then on, an entry armed for 256
     * ticks later (the same slot) waits in the slot for the next rotation instead of expiring with this tick.
     */
    private void takeDue(long tick) {
        int slot = (int) (tick & (L0_SLOTS - 1));
        if (moveAll(heads[slot], EXPIRING)) {
            occupied[slot >>> 6] &= ~(1L << slot);
        }
    }

    /**
     * Appends the list at {@code head} to the special list {@code target} (expiring or cascading) in O(1), without
     * touching its entries; leaves {@code head} empty.
     *
     * @return whether anything moved
     */
    private boolean moveAll(Sentinel head, int target) {
        TimerEntry first = head.next;
        if (first == head) {
            return false;
        }
        TimerEntry last = head.prev;
        Sentinel list = heads[target];
        TimerEntry tail = list.prev;
        assert first != null && last != null && tail != null;
        tail.next = first;
        first.prev = tail;
        last.next = list;
        list.prev = last;
        head.next = head;
        head.prev = head;
        return true;
    }

    /** Expires the expiring list within the budget; sets {@link #carryOver} if the budget runs out first. */
    private int expire(int expiredSoFar, long startNanos) {
        Sentinel head = heads[EXPIRING];
        int expired = expiredSoFar;
        carryOver = false;
        while (head.next != head) {
            if (expired >= maxExpiriesPerTick || overTime(startNanos)) {
                carryOver = true;
                carryOvers++;
                break;
            }
            TimerEntry entry = head.next;
            assert entry != null;
            unlink(entry);
            expired++;
            work++;
            expiredTotal++;
            try {
                entry.onTimerExpired(now);
            } catch (Throwable t) {
                logger.warn("A timer callback threw; the wheel continues.", t);
            }
        }
        return expired;
    }

    /**
     * Moves the level's slot for {@code tick} to the cascading list in O(1); {@link #finishTick} then moves each
     * entry down to where it belongs, within the budget.
     */
    private void takeForCascade(int level, long tick) {
        moveAll(heads[BASE[level] + (int) ((tick >> SHIFT[level]) & (UPPER_SLOTS - 1))], CASCADING);
    }

    /**
     * The slot code for a deadline. Placement is relative to the next tick to be processed, {@code currentTick + 1}: a
     * passed deadline goes there, a deadline within 256 ticks to its level-0 slot, a later one to the coarsest
     * level's slot whose cascade is still ahead. During a cascade at tick t, {@code currentTick} is t - 1, so
     * entries due within t's block land in level 0, never back in the slot being cascaded; during expiry of tick t
     * the slot of t has already been emptied into the expiring list, so an entry due at t + 256 waits there for
     * its own turn.
     */
    private int slotFor(long deadline) {
        long base = currentTick + 1;
        long due = -floorTicks(origin - deadline);
        long delta = due - base;
        if (delta < 0) {
            due = base;
            delta = 0;
        }
        if (delta < (1L << SHIFT[1])) {
            return L0_CODE | (int) (due & DUE_MASK);
        }
        for (int level = 1; level < LEVELS - 1; level++) {
            if (delta < (1L << SHIFT[level + 1])) {
                return BASE[level] + (int) ((due >> SHIFT[level]) & (UPPER_SLOTS - 1));
            }
        }
        int top = LEVELS - 1;
        if (delta >= (1L << (SHIFT[top] + 6))) {
            // Beyond the wheel's range: park in the farthest top-level slot; it is placed again when reached.
            due = base + ((long) (UPPER_SLOTS - 1) << SHIFT[top]);
        }
        return BASE[top] + (int) ((due >> SHIFT[top]) & (UPPER_SLOTS - 1));
    }

    private void link(TimerEntry entry, int code) {
        int list = code >= L0_CODE ? code & (L0_SLOTS - 1) : code;
        Sentinel head = heads[list];
        TimerEntry tail = head.prev;
        assert tail != null;
        entry.prev = tail;
        entry.next = head;
        tail.next = entry;
        head.prev = entry;
        entry.slot = code;
        size++;
        if (code >= L0_CODE) {
            occupied[list >>> 6] |= 1L << list;
        } else {
            levelSize[levelOf(code)]++;
        }
    }

    private void unlink(TimerEntry entry) {
        TimerEntry prev = entry.prev;
        TimerEntry next = entry.next;
        assert prev != null && next != null;
        prev.next = next;
        next.prev = prev;
        entry.prev = null;
        entry.next = null;
        int code = entry.slot;
        entry.slot = TimerEntry.UNLINKED;
        size--;
        if (code >= L0_CODE) {
            // Due after the current tick: it was in its slot, which may now be empty. Otherwise it was expiring.
            if (((currentTick - code) & DUE_MASK) >= DUE_HALF) {
                int list = code & (L0_SLOTS - 1);
                if (heads[list].next == heads[list]) {
                    occupied[list >>> 6] &= ~(1L << list);
                }
            }
        } else {
            levelSize[levelOf(code)]--;
        }
    }

    /** {@code Math.floorDiv(nanos, tickNanos)}, on the hot path of every arm, without a 64-bit division. */
    private long floorTicks(long nanos) {
        return floorDiv(nanos, tickNanos, ticksPerNano);
    }

    /**
     * {@code Math.floorDiv(x, d)} for any {@code x} and {@code d >= 1_000_000}, from a floating-point estimate: the
     * double product is within 0.01 of the true quotient (|x / d| < 2<sup>44</sup>, 53-bit mantissa), so its floor is
     * off by at most one, which the exact remainder (computed in wrapping arithmetic, it is small) corrects.
     *
     * @param x the dividend
     * @param d the divisor, at least 1 ms in nanoseconds
     * @param inverse {@code 1.0 / d}
     * @return the floor of the quotient
     */
    static long floorDiv(long x, long d, double inverse) {
        long q = (long) Math.floor(x * inverse);
        long r = x - q * d;
        if (r < 0) {
            q--;
        } else if (r >= d) {
            q++;
        }
        return q;
    }

    /** The level of a coarse slot code. */
    private static int levelOf(int code) {
        return 1 + ((code - L0_SLOTS) >>> 6);
    }

    @Override
    public String toString() {
        return "TimerWheel(size " + size + ", tick " + tickNanos / 1_000_000.0 + " ms, currentTick " + currentTick
                + (carryOver ? ", carrying over" : "") + ")";
    }

    /**
     * Told when a self-driven wheel starts ticking (it holds entries again) and when it stops (it is empty).
     * Called on the wheel's event loop.
     */
    public interface Listener {
        /**
         * The wheel started ticking.
         *
         * @param wheel the wheel
         */
        void onTicking(TimerWheel wheel);

        /**
         * The wheel stopped ticking: it is empty, or its event loop cancelled the tick task while shutting down.
         *
         * @param wheel the wheel
         */
        void onIdle(TimerWheel wheel);
    }

    /** The list head of a slot; never expires. */
    private static final class Sentinel extends TimerEntry {
        Sentinel() {
            prev = this;
            next = this;
        }

        @Override
        protected void onTimerExpired(long now) {
            throw new AssertionError("a sentinel never expires");
        }
    }
}
