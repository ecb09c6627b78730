package io.firebreak.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Pacing calls to a provider: even spacing at its rate, and a 429 pausing every caller. */
class ProviderPacerTest {

    final AtomicLong now = new AtomicLong(5_000_000_000L);
    final ProviderPacer pacer = new ProviderPacer(now::get);

    long waitMs(String provider, double rate) {
        return pacer.reserve(provider, rate).toMillis();
    }

    @Test
    void callsAreSpacedAtTheRateAndEachProviderHasItsOwn() {
        assertEquals(List.of(0L, 20L, 40L, 60L, 80L), IntStream.range(0, 5).mapToObj(i -> waitMs("paystack", 50)).toList());
        assertEquals(0, waitMs("flutterwave", 50), "another provider, another pace");
        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertEquals(0, waitMs("paystack", 50), "slots do not pile up while idle");
        assertEquals(0, waitMs("paystack", 0), "unpaced");
    }

    @Test
    void a429PausesEveryCallerUntilItsRetryAfter() {
        pacer.pause("paystack", Duration.ofSeconds(1));
        assertEquals(1000, waitMs("paystack", 0));
        assertEquals(1000, waitMs("paystack", 50));
        assertEquals(1020, waitMs("paystack", 50));
        pacer.pause("paystack", Duration.ofMillis(10));
        assertEquals(1000, waitMs("paystack", 0), "a shorter pause never shortens a longer one");
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(0, waitMs("paystack", 0));
    }

    @Test
    void aCallerThatWillNotWaitTakesNoSlot() {
        // Supabase's log endpoint: 0.5 a second. Two slots within 2 s; the third is 4 s away and not taken.
        assertEquals(java.util.Optional.of(Duration.ZERO), pacer.tryReserve("supabase-logs", 0.5, Duration.ofSeconds(2)));
        assertEquals(java.util.Optional.of(Duration.ofSeconds(2)), pacer.tryReserve("supabase-logs", 0.5, Duration.ofSeconds(2)));
        assertEquals(java.util.Optional.empty(), pacer.tryReserve("supabase-logs", 0.5, Duration.ofSeconds(2)));
        // The refusal left the slot: once time moves on, the next caller gets the slot the refused one would have had.
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(java.util.Optional.of(Duration.ofSeconds(2)), pacer.tryReserve("supabase-logs", 0.5, Duration.ofSeconds(2)));
        // A 429's pause refuses at once every caller that will not wait that long.
        pacer.pause("sentry-events", Duration.ofSeconds(30));
        assertEquals(java.util.Optional.empty(), pacer.tryReserve("sentry-events", 0, Duration.ZERO));
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertEquals(java.util.Optional.of(Duration.ZERO), pacer.tryReserve("sentry-events", 0, Duration.ZERO));
    }
}
