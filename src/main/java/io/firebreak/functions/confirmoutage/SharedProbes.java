package io.firebreak.functions.confirmoutage;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Calls that arrive while a probe is under way, or within the share window after it, take its
 * answer instead of probing again: a storm of monitors on a struggling database costs it one probe
 * per window, and the probe is recorded once. Between one and two windows old, the last answer is
 * still given at once while one new probe runs behind it, so a steady stream of calls never waits
 * for the database; older than that, callers wait for a new probe. A failed probe is never shared;
 * a zero window shares nothing.
 */
public final class SharedProbes<K, V> {

    /** An answer; shared when it came from another call's probe, with how old that probe is. */
    public record Answer<V>(V value, boolean shared, long ageMillis) {
    }

    /** The last answer (null before the first) and the probe under way (null when none). */
    private record Slot<V>(V last, long doneAt, Uni<V> running) {
    }

    private final Duration window;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<K, Slot<V>> slots = new ConcurrentHashMap<>();

    SharedProbes(Duration window, LongSupplier nanoTime) {
        this.window = window;
        this.nanoTime = nanoTime;
    }

    Uni<Answer<V>> get(K key, Supplier<Uni<V>> probe) {
        if (window.isZero() || window.isNegative()) {
            return probe.get().map(v -> new Answer<>(v, false, 0));
        }
        return Uni.createFrom().deferred(() -> {
            long now = nanoTime.getAsLong();
            boolean[] started = { false };
            Slot<V> slot = slots.compute(key, (k, s) -> {
                long age = s == null || s.last() == null ? Long.MAX_VALUE : now - s.doneAt();
                if (age <= window.toNanos() || s != null && s.running() != null) {
                    return s;
                }
                started[0] = true;
                return new Slot<>(s == null ? null : s.last(), s == null ? 0 : s.doneAt(), start(k, probe));
            });
            long age = slot.last() == null ? Long.MAX_VALUE : now - slot.doneAt();
            if (age <= 2 * window.toNanos()) {
                if (started[0]) {
                    // The refresh runs behind this answer; nobody waits for it.
                    slot.running().subscribe().with(v -> {
                    }, e -> {
                    });
                }
                return Uni.createFrom().item(new Answer<>(slot.last(), true, age / 1_000_000));
            }
            return slot.running().map(v -> new Answer<>(v, !started[0], 0));
        });
    }

    /** One probe; when it ends, its answer becomes the last one (a failure keeps the previous answer). */
    private Uni<V> start(K key, Supplier<Uni<V>> probe) {
        return probe.get()
                .invoke(v -> slots.put(key, new Slot<>(v, nanoTime.getAsLong(), null)))
                .onFailure().invoke(e -> slots.computeIfPresent(key, (k, s) -> new Slot<>(s.last(), s.doneAt(), null)))
                .memoize().indefinitely();
    }
}
