package io.firebreak.functions.platformlogs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentStore;
import io.firebreak.platform.FunctionError;
import io.firebreak.providers.sentry.SentryApi;
import io.firebreak.providers.supabase.SupabaseLogQueries;
import io.firebreak.providers.supabase.SupabaseLogs;

/**
 * Seed 000 Step 1 ("Edge Function logs → 5xx spike", "Sentry → error volume over the last 30
 * minutes"), seed 002 §2 (auth logs) and §3 (function logs), seeds 003/004 (Sentry error
 * clustering): asks each source once over one window and answers per source, each with its
 * numbers, {@code skipped: <why>} when it is not configured, or {@code error} when it could not be read.
 */
@ApplicationScoped
public class PlatformLogsFlow {

    /** How long this call may wait for its own paced Supabase slots (three queries, 30 a minute). */
    static final Duration SUPABASE_WAIT = Duration.ofSeconds(8);
    static final int MESSAGE_MAX = 500;
    static final int AUTH_MESSAGE_MAX = 200;
    static final int TOP_FUNCTIONS = 10;
    static final int TOP_ISSUES = 10;

    @Inject
    SupabaseLogs supabase;

    @Inject
    SentryApi sentry;

    @Inject
    IncidentStore incidents;

    @Inject
    Clock clock;

    @ConfigProperty(name = "firebreak.providers.timeout", defaultValue = "6s")
    Duration timeout;

    /** The window read: [from, to), its length, and the incident it was taken around. */
    public record Window(Instant from, Instant to, String incidentId, String note, boolean recent) {
        long minutes() {
            return Math.max(1, Duration.between(from, to).toMinutes());
        }
    }

    /**
     * The last {@code minutes}, or around an incident: from {@code minutes} before it opened to its
     * resolution (or now), at most 24 h (the log endpoint's limit; the rest is cut and said so).
     */
    public Uni<Window> window(int minutes, String incidentId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (incidentId == null) {
            return Uni.createFrom().item(new Window(now.minus(Duration.ofMinutes(minutes)), now, null, null, true));
        }
        return incidents.find(incidentId).map(found -> {
            var incident = found.orElseThrow(() -> new FunctionError(404, "incident_not_found", "no incident " + incidentId,
                    "incidentId"));
            Instant from = incident.openedAt().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(minutes));
            Instant to = incident.resolvedAt() == null || incident.resolvedAt().isAfter(now) ? now
                    : incident.resolvedAt().truncatedTo(ChronoUnit.SECONDS).plusSeconds(60);
            String note = null;
            if (Duration.between(from, to).compareTo(SupabaseLogs.MAX_RANGE) > 0) {
                to = from.plus(SupabaseLogs.MAX_RANGE);
                note = "cut to the first 24 h (the longest range Supabase's log endpoint reads)";
            }
            if (!to.isAfter(from)) {
                to = from.plusSeconds(60);
            }
            return new Window(from, to, incidentId, note, false);
        });
    }

    public Uni<Map<String, Object>> read(Window w, int tail) {
        return Uni.combine().all().unis(supabase(w, tail), sentry(w)).asTuple().map(t -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            Map<String, Object> window = new LinkedHashMap<>();
            window.put("from", w.from().toString());
            window.put("to", w.to().toString());
            window.put("minutes", w.minutes());
            if (w.incidentId() != null) {
                window.put("incidentId", w.incidentId());
            }
            if (w.note() != null) {
                window.put("note", w.note());
            }
            answer.put("window", window);
            answer.put("supabase", t.getItem1());
            answer.put("sentry", t.getItem2());
            return answer;
        });
    }

    private Uni<Map<String, Object>> supabase(Window w, int tail) {
        String why = supabase.notConfigured();
        if (why != null) {
            return Uni.createFrom().item(Map.of("skipped", why));
        }
        SupabaseLogQueries q = supabase.queries();
        Uni<Map<String, Object>> edge = supabase.query(q.edgeResponses(), w.from(), w.to(), SUPABASE_WAIT)
                .map(r -> r.ok() ? edge(SupabaseLogQueries.statusCounts(r.rows())) : error(r.error()));
        Uni<Map<String, Object>> auth = supabase.query(q.authFailures(), w.from(), w.to(), SUPABASE_WAIT)
                .map(r -> r.ok() ? auth(SupabaseLogQueries.authFailures(r.rows())) : error(r.error()));
        Uni<Map<String, Object>> lines = supabase.query(q.functionTail(tail), w.from(), w.to(), SUPABASE_WAIT)
                .map(r -> r.ok() ? tail(SupabaseLogQueries.functionLines(r.rows()), tail) : error(r.error()));
        return Uni.combine().all().unis(edge, auth, lines).asTuple().map(t -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("engine", q.engine().json());
            s.put("edgeFunctions", t.getItem1());
            s.put("authFailures", t.getItem2());
            s.put("functionLogs", t.getItem3());
            return s;
        });
    }

    static Map<String, Object> edge(List<SupabaseLogQueries.StatusCount> counts) {
        long responses = 0;
        long serverErrors = 0;
        Map<Integer, Long> byStatus = new TreeMap<>();
        Map<String, Long> byFunction = new LinkedHashMap<>();
        for (SupabaseLogQueries.StatusCount c : counts) {
            responses += c.count();
            byStatus.merge(c.status(), c.count(), Long::sum);
            if (c.status() >= 500) {
                serverErrors += c.count();
                byFunction.merge(c.functionId() == null ? "(unknown)" : c.functionId(), c.count(), Long::sum);
            }
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("responses", responses);
        e.put("serverErrors", serverErrors);
        e.put("serverErrorRatio", responses == 0 ? 0.0 : Math.round(serverErrors * 10_000.0 / responses) / 10_000.0);
        List<Map<String, Object>> statuses = new ArrayList<>();
        byStatus.forEach((status, count) -> statuses.add(Map.of("status", status, "count", count)));
        e.put("byStatus", statuses);
        List<Map<String, Object>> functions = new ArrayList<>();
        byFunction.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP_FUNCTIONS)
                .forEach(f -> functions.add(Map.of("functionId", f.getKey(), "serverErrors", f.getValue())));
        e.put("serverErrorsByFunction", functions);
        if (counts.size() >= 200) {
            e.put("note", "only the 200 largest status/function groups were read");
        }
        return e;
    }

    static Map<String, Object> auth(List<SupabaseLogQueries.AuthFailure> failures) {
        long total = 0;
        Map<Integer, Long> byStatus = new TreeMap<>();
        List<Map<String, Object>> top = new ArrayList<>();
        for (SupabaseLogQueries.AuthFailure f : failures) {
            total += f.count();
            byStatus.merge(f.status(), f.count(), Long::sum);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("status", f.status());
            row.put("path", f.path());
            row.put("count", f.count());
            row.put("message", clip(f.message(), AUTH_MESSAGE_MAX));
            top.add(row);
        }
        top.sort(Comparator.comparingLong(r -> -((Long) r.get("count"))));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("failures", total);
        List<Map<String, Object>> statuses = new ArrayList<>();
        byStatus.forEach((status, count) -> statuses.add(Map.of("status", status, "count", count)));
        a.put("byStatus", statuses);
        a.put("top", top);
        return a;
    }

    static Map<String, Object> tail(List<SupabaseLogQueries.FunctionLine> lines, int limit) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int truncated = 0;
        for (SupabaseLogQueries.FunctionLine l : lines.size() > limit ? lines.subList(0, limit) : lines) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("at", l.at() == null ? null : l.at().toString());
            row.put("level", l.level());
            row.put("functionId", l.functionId());
            String message = clip(l.message(), MESSAGE_MAX);
            if (message != null && l.message().length() > MESSAGE_MAX) {
                truncated++;
            }
            row.put("message", message);
            rows.add(row);
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("limit", limit);
        t.put("lines", rows);
        t.put("truncatedMessages", truncated);
        return t;
    }

    private Uni<Map<String, Object>> sentry(Window w) {
        String why = sentry.notConfigured();
        if (why != null) {
            return Uni.createFrom().item(Map.of("skipped", why));
        }
        Duration length = Duration.between(w.from(), w.to());
        Uni<SentryApi.Count> current = w.recent() ? sentry.errorCount(w.minutes() + "m", timeout)
                : sentry.errorCount(w.from(), w.to(), timeout);
        Uni<SentryApi.Count> previous = sentry.errorCount(w.from().minus(length), w.from(), timeout);
        Uni<SentryApi.Issues> issues = w.recent()
                ? sentry.topUnresolved(w.minutes() <= 60 ? "1h" : w.minutes() + "m", TOP_ISSUES, timeout)
                : sentry.topUnresolved(w.from(), w.to(), TOP_ISSUES, timeout);
        return Uni.combine().all().unis(current, previous, issues).asTuple().map(t -> {
            Map<String, Object> s = new LinkedHashMap<>();
            SentryApi.Count now = t.getItem1();
            SentryApi.Count before = t.getItem2();
            if (!now.ok() || !before.ok()) {
                s.put("errorVolume", error(now.ok() ? before.error() : now.error()));
            } else {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("minutes", w.minutes());
                v.put("events", now.count());
                v.put("previousEvents", before.count());
                v.put("previousFrom", w.from().minus(length).toString());
                // Against a quiet previous period (0 events) the ratio is the count itself, as if it had been 1.
                v.put("ratio", Math.round(now.count() * 10.0 / Math.max(1, before.count())) / 10.0);
                s.put("errorVolume", v);
            }
            SentryApi.Issues top = t.getItem3();
            if (!top.ok()) {
                s.put("topIssues", error(top.error()));
            } else {
                List<Map<String, Object>> list = new ArrayList<>();
                for (SentryApi.Issue i : top.issues()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("shortId", i.shortId());
                    row.put("title", i.title());
                    row.put("culprit", i.culprit());
                    row.put("count", i.count());
                    row.put("userCount", i.userCount());
                    row.put("level", i.level());
                    row.put("lastSeen", i.lastSeen());
                    row.put("permalink", i.permalink());
                    list.add(row);
                }
                Map<String, Object> found = new LinkedHashMap<>();
                found.put("issues", list);
                found.put("more", top.more());
                s.put("topIssues", found);
            }
            return s;
        });
    }

    private static Map<String, Object> error(String why) {
        return Map.of("error", why == null ? "unknown" : why);
    }

    static String clip(String text, int max) {
        if (text == null) {
            return null;
        }
        String flat = text.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]+", " ").strip();
        return flat.length() > max ? flat.substring(0, max) + "…" : flat;
    }
}
