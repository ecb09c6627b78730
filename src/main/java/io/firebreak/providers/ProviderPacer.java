package io.firebreak.providers;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.smallrye.mutiny.Uni;

/**
 * Keeps a sweep's calls to one provider within what the provider allows: at most a configured rate
 * (calls spaced evenly), and after a 429 no call to that provider before its Retry-After has passed,
 * so concurrent workers wait together instead of each spending its retries on more refusals.
 */
public final class ProviderPacer {

    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, AtomicLong> nextSlot = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> pausedUntil = new ConcurrentHashMap<>();

    public ProviderPacer(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** How long the next call to provider must wait, its slot taken: max(rate spacing, pause). */
    public Duration reserve(String provider, double perSecond) {
        long now = nanoTime.getAsLong();
        long start = Math.max(now, pausedUntil.computeIfAbsent(provider, p -> new AtomicLong()).get());
        if (perSecond > 0) {
            long interval = (long) (1_000_000_000L / perSecond);
            long end = nextSlot.computeIfAbsent(provider, p -> new AtomicLong())
                    .updateAndGet(n -> Math.max(n, start) + interval);
            return Duration.ofNanos(end - interval - now);
        }
        return Duration.ofNanos(start - now);
    }

    /**
     * Like {@link #reserve}, but only takes the slot when it comes within maxWait: an interactive
     * call that would wait longer answers "rate limited" at once instead of holding its caller,
     * and leaves the slot to the callers after it.
     */
    public java.util.Optional<Duration> tryReserve(String provider, double perSecond, Duration maxWait) {
        long now = nanoTime.getAsLong();
        long start = Math.max(now, pausedUntil.computeIfAbsent(provider, p -> new AtomicLong()).get());
        if (start - now > maxWait.toNanos()) {
            return java.util.Optional.empty();
        }
        if (perSecond <= 0) {
            return java.util.Optional.of(Duration.ofNanos(start - now));
        }
        long interval = (long) (1_000_000_000L / perSecond);
        AtomicLong slot = nextSlot.computeIfAbsent(provider, p -> new AtomicLong());
        while (true) {
            long current = slot.get();
            long begin = Math.max(current, start);
            if (begin - now > maxWait.toNanos()) {
                return java.util.Optional.empty();
            }
            if (slot.compareAndSet(current, begin + interval)) {
                return java.util.Optional.of(Duration.ofNanos(begin - now));
            }
        }
    }

    /** The provider said 429: nobody calls it again before wait has passed. */
    public void pause(String provider, Duration wait) {
        long until = nanoTime.getAsLong() + wait.toNanos();
        pausedUntil.computeIfAbsent(provider, p -> new AtomicLong()).accumulateAndGet(until, Math::max);
    }

    /** Waits for the provider's next slot. */
    public Uni<Void> slot(String provider, double perSecond) {
        Duration wait = reserve(provider, perSecond);
        return wait.isZero() || wait.isNegative() ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(wait);
    }
}
