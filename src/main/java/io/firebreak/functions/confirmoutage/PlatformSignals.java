package io.firebreak.functions.confirmoutage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.sentry.SentryApi;
import io.firebreak.providers.supabase.SupabaseLogQueries;
import io.firebreak.providers.supabase.SupabaseLogs;

/**
 * What the optional platform checks read: Supabase Edge Function 5xx responses and Sentry error
 * events in the window, and over the 24 h before it (the baseline). Readings are cached
 * (PlatformChecksConfig), so a probe every second costs Supabase one window query a minute
 * (of its 30) and one baseline query every ten minutes, and Sentry the same.
 */
@ApplicationScoped
public class PlatformSignals {

    /** A Supabase query's slot may be this far away; past the check timeout the reading still lands for the next probe. */
    static final Duration SUPABASE_WAIT = Duration.ofSeconds(5);

    /** How long a reading that failed is kept before the next probe asks again. */
    static final Duration FAILED_TTL = Duration.ofSeconds(10);

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A count over a range, with the responses it is out of (edge functions; -1 when not counted), or why none. */
    public record Count(long events, long total, Instant readAt, String error) {
    }

    /** The window's count and its baseline's, as the rules judge them. */
    public record Reading(Count window, Count baseline, double baselineMinutes) {
        String error() {
            return window.error() != null ? window.error() : baseline.error() != null ? "baseline: " + baseline.error() : null;
        }
    }

    @Inject
    SupabaseLogs supabase;

    @Inject
    SentryApi sentry;

    @Inject
    PlatformChecksConfig config;

    @Inject
    Clock clock;

    @ConfigProperty(name = "firebreak.providers.timeout", defaultValue = "6s")
    Duration timeout;

    private ReadingCache<Count> cache;

    @PostConstruct
    void init() {
        cache = new ReadingCache<>(clock, timeout.multipliedBy(2).plus(SUPABASE_WAIT));
    }

    String edgeNotConfigured() {
        return supabase.notConfigured();
    }

    String sentryNotConfigured() {
        return sentry.notConfigured();
    }

    /** notBefore (may be null): the window's reading must have begun at or after it (a confirming re-probe). */
    Uni<Reading> edge(int windowMinutes, Instant notBefore) {
        SupabaseLogQueries q = supabase.queries();
        return reading("edge", windowMinutes, notBefore, (from, to) -> supabase.query(q.edgeServerErrors(), from, to, SUPABASE_WAIT)
                .map(r -> {
                    if (!r.ok()) {
                        return new Count(0, -1, clock.instant(), r.error());
                    }
                    SupabaseLogQueries.ServerErrors e = SupabaseLogQueries.serverErrors(r.rows());
                    return new Count(e.serverErrors(), e.responses(), clock.instant(), null);
                }));
    }

    Uni<Reading> sentry(int windowMinutes, Instant notBefore) {
        return reading("sentry", windowMinutes, notBefore, (from, to) -> sentry.errorCount(from, to, timeout)
                .map(c -> new Count(c.count(), -1, clock.instant(), c.error())));
    }

    private Uni<Reading> reading(String source, int windowMinutes, Instant notBefore,
            java.util.function.BiFunction<Instant, Instant, Uni<Count>> count) {
        double baselineMinutes = 1440 - windowMinutes;
        // A failed reading is asked again soon (a 429 or a slow answer passes); a good one lives the TTL.
        Uni<Count> window = cache.get(source + ":" + windowMinutes, c -> c.error() == null ? config.cacheTtl()
                : min(config.cacheTtl(), FAILED_TTL), false, notBefore, () -> {
            Instant now = clock.instant();
            return count.apply(now.minus(Duration.ofMinutes(windowMinutes)), now);
        });
        Uni<Count> baseline = baselineMinutes <= 0 ? Uni.createFrom().item(new Count(0, -1, clock.instant(), null))
                : cache.get(source + "-baseline:" + windowMinutes,
                        // A failed baseline is asked again after the short TTL, not the long one.
                        c -> c.error() == null ? config.baselineTtl() : min(config.cacheTtl(), FAILED_TTL), true, () -> {
                    Instant now = clock.instant();
                    return count.apply(now.minus(Duration.ofHours(24)), now.minus(Duration.ofMinutes(windowMinutes)));
                });
        return Uni.combine().all().unis(window, baseline).asTuple()
                .map(t -> new Reading(t.getItem1(), t.getItem2(), Math.max(0, baselineMinutes)));
    }

    /** Tests: forget every reading. */
    void clear() {
        cache.clear();
    }
}
