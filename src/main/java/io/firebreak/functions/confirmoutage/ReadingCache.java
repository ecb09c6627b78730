package io.firebreak.functions.confirmoutage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * A provider reading kept for a TTL (its own, so a failed reading can be kept shorter), shared by every caller: one call however many probes arrive
 * together, none again before the TTL is out. A load runs to its end even when the probe that
 * started it gave up at its check timeout, so the next probe finds its answer. With serveStale, an
 * expired reading is still answered at once while one refresh runs behind it (the 24 h baselines).
 */
final class ReadingCache<T> {

    /** loaded: when the last reading's load began; since: when the running load began. */
    private record Entry<T>(T last, Instant loaded, Instant expires, Uni<T> running, Instant since) {
    }

    private final Clock clock;
    private final Duration maxLoad;
    private final ConcurrentHashMap<String, Entry<T>> entries = new ConcurrentHashMap<>();

    /** maxLoad: a load that took longer ran through a frozen process (a Lambda between invocations): never kept. */
    ReadingCache(Clock clock, Duration maxLoad) {
        this.clock = clock;
        this.maxLoad = maxLoad;
    }

    Uni<T> get(String key, Function<T, Duration> ttl, boolean serveStale, Supplier<Uni<T>> load) {
        return get(key, ttl, serveStale, null, load);
    }

    /**
     * notBefore (may be null): only a reading whose load began at or after it will do, so a
     * confirming re-probe judges a second reading, never the first one again.
     */
    Uni<T> get(String key, Function<T, Duration> ttl, boolean serveStale, Instant notBefore, Supplier<Uni<T>> load) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            boolean[] started = { false };
            Entry<T> e = entries.compute(key, (k, cur) -> {
                if (cur != null && (cur.running() != null && fresh(cur.since(), notBefore)
                        || cur.last() != null && cur.expires().isAfter(now) && fresh(cur.loaded(), notBefore))) {
                    return cur;
                }
                started[0] = true;
                return new Entry<>(cur == null ? null : cur.last(), cur == null ? now : cur.loaded(),
                        cur == null ? now : cur.expires(), start(k, ttl, load), now);
            });
            if (started[0]) {
                e.running().subscribe().with(v -> {
                }, x -> {
                });
            }
            if (e.last() != null && fresh(e.loaded(), notBefore) && (e.expires().isAfter(now) || serveStale)) {
                return Uni.createFrom().item(e.last());
            }
            return e.running();
        });
    }

    private static boolean fresh(Instant at, Instant notBefore) {
        return notBefore == null || at != null && !at.isBefore(notBefore);
    }

    private Uni<T> start(String key, Function<T, Duration> ttl, Supplier<Uni<T>> load) {
        long[] began = new long[1];
        Instant[] at = new Instant[1];
        List<Uni<T>> self = new ArrayList<>(1);
        Uni<T> running = Uni.createFrom().deferred(() -> {
            began[0] = System.nanoTime();
            at[0] = clock.instant();
            return load.get();
        })
                // Only the entry's current load may settle it: an older one that ends after a newer one
                // began (a re-probe's fresh read) must neither drop that load nor put back an older reading.
                .invoke(v -> entries.computeIfPresent(key, (k, c) -> c.running() != self.get(0) ? c
                        : Duration.ofNanos(System.nanoTime() - began[0]).compareTo(maxLoad) > 0
                                ? new Entry<>(c.last(), c.loaded(), c.expires(), null, null)
                                : new Entry<>(v, at[0], clock.instant().plus(ttl.apply(v)), null, null)))
                .onFailure().invoke(x -> entries.computeIfPresent(key, (k, c) -> c.running() != self.get(0) ? c
                        : new Entry<>(c.last(), c.loaded(), c.expires(), null, null)))
                .memoize().indefinitely();
        self.add(running);
        return running;
    }

    void clear() {
        entries.clear();
    }
}
