package io.firebreak.functions.confirmoutage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/**
 * Probe sharing: one probe for every call in flight or within the window; the last answer served at
 * once while a refresh runs (up to two windows old); failures and a zero window share nothing.
 */
class SharedProbesTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final AtomicInteger probes = new AtomicInteger();

    SharedProbes<Integer, String> shared(Duration window) {
        return new SharedProbes<>(window, now::get);
    }

    void advance(long millis) {
        now.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    SharedProbes.Answer<String> call(SharedProbes<Integer, String> s, int key) {
        return s.get(key, this::probe).await().indefinitely();
    }

    @Test
    void callsDuringAProbeShareItAndASteadyStreamNeverWaits() {
        SharedProbes<Integer, String> s = shared(Duration.ofSeconds(1));
        CompletableFuture<String> slow = new CompletableFuture<>();
        List<CompletableFuture<SharedProbes.Answer<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(s.get(10, () -> {
                probes.incrementAndGet();
                return Uni.createFrom().completionStage(slow);
            }).subscribeAsCompletionStage());
        }
        slow.complete("healthy@0");
        assertEquals(1, probes.get(), "fifty calls in flight, one probe");
        assertEquals(49, calls.stream().filter(c -> c.join().shared()).count());
        assertEquals("healthy@0", calls.get(49).join().value());

        advance(900);
        var within = call(s, 10);
        assertEquals(List.of(true, 900L, 1), List.of(within.shared(), within.ageMillis(), probes.get()), "within the window");
        advance(400);
        var stale = call(s, 10);
        assertEquals("healthy@0", stale.value(), "1.3 s old: the last answer at once...");
        assertEquals(2, probes.get(), "...while one refresh runs behind it");
        assertEquals("probe 2", call(s, 10).value(), "the refresh is the answer from then on");
        advance(2500);
        var old = call(s, 10);
        assertEquals(List.of(false, "probe 3"), List.of(old.shared(), old.value()), "older than two windows: wait for a new probe");
        assertEquals(false, call(s, 5).shared(), "another audit window probes for itself");
    }

    @Test
    void aFailedProbeIsNotKeptAndAZeroWindowSharesNothing() {
        SharedProbes<Integer, String> s = shared(Duration.ofSeconds(1));
        assertThrows(IllegalStateException.class, () -> s.get(10, () -> {
            probes.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("target down"));
        }).await().indefinitely());
        assertEquals(false, call(s, 10).shared(), "the next call probes again");
        SharedProbes<Integer, String> never = shared(Duration.ZERO);
        call(never, 10);
        assertEquals(false, call(never, 10).shared());
        assertEquals(4, probes.get());
    }

    Uni<String> probe() {
        int n = probes.incrementAndGet();
        return Uni.createFrom().item("probe " + n);
    }
}
