package io.vigil.benchmarks;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The benchmarks' clock: {@code System.nanoTime()} (as Netty's own system ticker reads it, so code that reads the
 * clock per operation pays what it pays in production) plus an offset that a benchmark advances to make timers due
 * at once, deterministically.
 *
 * <p>With {@code -Dvigil.bench.ticker=mock} every benchmark uses Netty's {@link MockTicker} instead (frozen time:
 * clock reads become nearly free, which flatters whoever reads the clock most).
 *
 * <p><b>Thread safety:</b> read on the benchmark thread only; not thread-safe.
 *
 * @since 0.1
 */
public final class BenchTicker implements MockTicker {

    private final long origin = System.nanoTime();
    private long offset;

    private BenchTicker() {
    }

    /**
     * Returns the ticker the benchmarks use: a new {@link BenchTicker}, or a {@link MockTicker} when the system
     * property {@code vigil.bench.ticker} is {@code mock}.
     *
     * @return a new ticker at time 0
     */
    public static MockTicker create() {
        return "mock".equals(System.getProperty("vigil.bench.ticker")) ? Ticker.newMockTicker() : new BenchTicker();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime() - origin + offset;
    }

    @Override
    public void advance(long amount, TimeUnit unit) {
        offset += unit.toNanos(amount);
    }

    @Override
    public void sleep(long delay, TimeUnit unit) throws InterruptedException {
        unit.sleep(delay);
    }
}
