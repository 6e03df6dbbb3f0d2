package io.vigil.core.internal.timer;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * A hierarchical timing wheel of {@link TimerEntry} objects: O(1) arm, re-arm and cancel, no allocation, entries are
 * the channels' own state objects. A pure data structure driven by its caller, like Agrona's
 * {@code DeadlineTimerWheel.poll(now, handler, limit)}: it has no clock, executor or task of its own; whoever calls
 * {@link #advance(long, TickBudget)} decides when time moves ({@link LoopTimer} does, once per tick, on its event
 * loop). Internal use only.
 *
 * <p>Four levels of slots: 256 slots of one tick, then three levels of 64 slots each 64 times coarser (covering
 * 2<sup>26</sup> ticks, 7.7 days at 10 ms). An entry sits at the finest level whose range holds its deadline and is
 * moved down when the wheel reaches its coarse slot, so it is visited at most four times and fires at the first
 * tick at or after its deadline: never early, at most one tick late. Expired entries are handled within a
 * {@link TickBudget}; what exceeds it waits for the next call, so a herd of 100k expiring channels never stalls one
 * call for more than the budget. Nothing is lost. Moving a coarse slot's entries down a level (a cascade) counts
 * against the same time budget, so 1M channels armed together cannot stall a call either.
 *
 * <p><b>Worst-case lateness.</b> With tick {@code T} (10 ms by default) an entry fires at the first tick at or after
 * its deadline, so at most {@code T} late, while the wheel is advanced every tick and no budget is exhausted. Under a
 * herd, the work beyond a call's budget waits for the following calls, and so does every entry due behind it (ticks
 * are processed in order): a herd of {@code N} entries due together finishes within {@code ceil(N / perTick)} calls,
 * where {@code perTick} is how many expiries (or cascade moves) fit in the budget ({@code maxExpiries}, or fewer
 * when {@code maxNanos} runs out first). Lateness of the caller itself (a tick task that runs late because the loop
 * was busy) comes on top.
 *
 * <p><b>Slot codes.</b> An entry's {@code slot} field holds a code that says where it is without a search:
 * <ul>
 *   <li>a coarse entry's code is its slot's index ({@code 256 ..}); {@link #levelOf} gives its level, whose count
 *       ({@link #levelSize}) includes entries of the level waiting in the cascading list;</li>
 *   <li>a level-0 entry's code is a flag plus the low bits of the tick it is due at ({@link #level0Code});
 *       {@link #level0Slot} gives its slot. While that tick is after {@link #currentTick} the entry is in its slot
 *       and counted by the slot's occupancy bit; once {@link #currentTick} reaches it, the whole slot has been moved
 *       to the expiring list ({@link #waitsInItsSlot} tells the two apart).</li>
 * </ul>
 * So a due slot or a coarse slot moves to the expiring or cascading list in O(1), by splicing the list, without
 * touching (re-coding) its entries.
 *
 * <p><b>Thread safety:</b> not thread-safe; confined to the thread that drives it (for {@link LoopTimer}, its event
 * loop). Callbacks run on that thread, inside {@link #advance}, and may schedule and cancel entries.
 *
 * @since 0.1
 */
public final class TimerWheel implements TimerScheduler {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(TimerWheel.class);

    /** The finest tick allowed, nanoseconds; {@link #floorDiv} relies on it. */
    static final long MIN_TICK_NANOS = 1_000_000L;
    /** The coarsest tick allowed, nanoseconds. */
    static final long MAX_TICK_NANOS = 1_000_000_000L;

    private static final int LEVELS = 4;
    private static final int L0_SLOTS = 256;
    private static final int UPPER_SLOTS = 64;
    private static final int SLOT_COUNT = L0_SLOTS + (LEVELS - 1) * UPPER_SLOTS;
    /** The list of entries taken out of a due slot and waiting to expire (possibly over several calls). */
    private static final int EXPIRING = SLOT_COUNT;
    /** The list of entries taken out of coarse slots and waiting to move down a level. */
    private static final int CASCADING = SLOT_COUNT + 1;
    /** Flag of a level-0 slot code; coarse codes are slot indexes, below it. */
    private static final int L0_CODE = 1 << 30;
    /** The bits of a level-0 code that hold the due tick. */
    private static final int DUE_MASK = (1 << 29) - 1;
    /** Half the range of {@link #DUE_MASK}: due ticks compare with {@link #currentTick} by wrapping subtraction. */
    private static final int DUE_HALF = 1 << 28;
    /** Ticks per slot at each level, as a shift. */
    private static final int[] SHIFT = {0, 8, 14, 20};
    /** First slot index of each level. */
    private static final int[] BASE = {0, L0_SLOTS, L0_SLOTS + UPPER_SLOTS, L0_SLOTS + 2 * UPPER_SLOTS};
    /** Work items (expiries or cascade moves) between two reads of the clock for the time budget. */
    private static final int TIME_CHECK_MASK = 15;

    private final long tickNanos;
    /** {@code 1.0 / tickNanos}, for {@link #floorTicks}. */
    private final double ticksPerNano;
    /** Tick 0 starts here, nanoseconds. */
    private final long origin;

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
    private long expiredTotal;
    private long carryOvers;

    /**
     * Creates an empty wheel whose tick 0 starts at {@code originNanos}; tick {@code k} is the interval
     * {@code [origin + k * tick, origin + (k + 1) * tick)}.
     *
     * @param tickNanos the granularity, 1 ms .. 1 s, nanoseconds
     * @param originNanos the start of tick 0 in the caller's clock, nanoseconds (usually the clock's time now)
     * @throws IllegalArgumentException if the tick is out of range
     */
    public TimerWheel(long tickNanos, long originNanos) {
        if (tickNanos < MIN_TICK_NANOS || tickNanos > MAX_TICK_NANOS) {
            throw new IllegalArgumentException("tick = " + tickNanos + " ns is out of range: allowed 1 ms .. 1 s");
        }
        this.tickNanos = tickNanos;
        this.ticksPerNano = 1.0 / tickNanos;
        this.origin = originNanos;
        for (int i = 0; i < heads.length; i++) {
            heads[i] = new Sentinel();
        }
    }

    @Override
    public void schedule(TimerEntry entry) {
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
        if (entry.slot != TimerEntry.UNLINKED) {
            unlink(entry);
        }
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
     * Tells whether the wheel holds no entry.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Returns the granularity.
     *
     * @return nanoseconds
     */
    public long tickNanos() {
        return tickNanos;
    }

    /**
     * Returns the start of the last tick processed: every entry due before it has expired unless
     * {@link #hasCarryOver()}.
     *
     * @return nanoseconds, in the caller's clock
     */
    public long currentTickTime() {
        return origin + currentTick * tickNanos;
    }

    /**
     * Tells whether due entries (or a cascade) were left for the next call because a call's budget ran out.
     *
     * @return true if work is carried over
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
     * Returns how many calls of {@link #advance} ended with work carried over to the next.
     *
     * @return the count
     */
    public long carryOvers() {
        return carryOvers;
    }

    /**
     * Processes every tick up to the one holding {@code nowNanos} and expires every entry whose deadline has passed,
     * within the budget; what the budget leaves waits for the next call (first, before any later tick). Each expired
     * entry is unlinked, then its {@link TimerEntry#onTimerExpired(long)} runs with {@code nowNanos}; what a callback
     * throws is logged and the wheel goes on. On an empty wheel this is O(1): it only moves the current tick.
     *
     * @param nowNanos the caller's time now, nanoseconds, not earlier than in the previous call
     * @param budget the work this call may do
     * @return the number of entries expired by this call
     */
    public int advance(long nowNanos, TickBudget budget) {
        long target = floorTicks(nowNanos - origin);
        work = 0;
        int expired = 0;
        if (carryOver) {
            expired = finishTick(0, nowNanos, budget);
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
                if (levelSize[level] != 0 && isCascadeTick(level, next)) {
                    takeForCascade(level, next);
                }
            }
            expired = finishTick(expired, nowNanos, budget);
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
    private int finishTick(int expiredSoFar, long nowNanos, TickBudget budget) {
        carryOver = false;
        Sentinel cascading = heads[CASCADING];
        while (cascading.next != cascading) {
            if (overTime(nowNanos, budget)) {
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
        return expire(expiredSoFar, nowNanos, budget);
    }

    /** True when this call has worked longer than the time budget; reads the clock every few work items. */
    private boolean overTime(long startNanos, TickBudget budget) {
        return (work & TIME_CHECK_MASK) == TIME_CHECK_MASK
                && budget.clock().nanoTime() - startNanos >= budget.maxNanos();
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
     * Moves the level's slot for {@code tick} to the cascading list in O(1); {@link #finishTick} then moves each
     * entry down to where it belongs, within the budget.
     */
    private void takeForCascade(int level, long tick) {
        moveAll(heads[BASE[level] + (int) ((tick >> SHIFT[level]) & (UPPER_SLOTS - 1))], CASCADING);
    }

    /**
     * Appends the list at {@code head} to the special list {@code target} (expiring or cascading) in O(1), without
     * touching its entries (their slot codes stay as they were); leaves {@code head} empty.
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
    private int expire(int expiredSoFar, long nowNanos, TickBudget budget) {
        Sentinel head = heads[EXPIRING];
        int expired = expiredSoFar;
        carryOver = false;
        while (head.next != head) {
            if (expired >= budget.maxExpiries() || overTime(nowNanos, budget)) {
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
                entry.onTimerExpired(nowNanos);
            } catch (Throwable t) {
                logger.warn("A timer callback threw; the wheel continues.", t);
            }
        }
        return expired;
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
            return level0Code(due);
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
        int list = isLevel0(code) ? level0Slot(code) : code;
        Sentinel head = heads[list];
        TimerEntry tail = head.prev;
        assert tail != null;
        entry.prev = tail;
        entry.next = head;
        tail.next = entry;
        head.prev = entry;
        entry.slot = code;
        size++;
        if (isLevel0(code)) {
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
        if (isLevel0(code)) {
            // Still in its slot, which may now be empty; otherwise it was in the expiring list (no bit to clear).
            if (waitsInItsSlot(code)) {
                int list = level0Slot(code);
                if (heads[list].next == heads[list]) {
                    occupied[list >>> 6] &= ~(1L << list);
                }
            }
        } else {
            levelSize[levelOf(code)]--;
        }
    }

    /** The slot code of a level-0 entry due at tick {@code dueTick}: the flag plus the due tick's low bits. */
    private static int level0Code(long dueTick) {
        return L0_CODE | (int) (dueTick & DUE_MASK);
    }

    /** True for a level-0 slot code; any other code is a coarse slot's index. */
    private static boolean isLevel0(int code) {
        return code >= L0_CODE;
    }

    /** The level-0 slot a level-0 code's due tick maps to. */
    private static int level0Slot(int code) {
        return code & (L0_SLOTS - 1);
    }

    /**
     * For a level-0 code: true if its due tick is after {@link #currentTick}, so the entry still waits in its slot
     * (and the slot's occupancy bit counts it); false if the due tick has been reached, so its slot was moved to
     * the expiring list. Level-0 entries are due at most 256 ticks after {@link #currentTick}, far inside the
     * {@link #DUE_HALF} window of the wrapping comparison.
     */
    private boolean waitsInItsSlot(int code) {
        return ((currentTick - code) & DUE_MASK) >= DUE_HALF;
    }

    /** The level (1 ..) of a coarse slot code. */
    private static int levelOf(int code) {
        return 1 + ((code - L0_SLOTS) >>> 6);
    }

    /** True if {@code tick} starts a slot of {@code level}: that slot's entries then move down (cascade). */
    private static boolean isCascadeTick(int level, long tick) {
        return (tick & ((1L << SHIFT[level]) - 1)) == 0;
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

    @Override
    public String toString() {
        return "TimerWheel(size " + size + ", tick " + tickNanos / 1_000_000.0 + " ms, currentTick " + currentTick
                + (carryOver ? ", carrying over" : "") + ")";
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
