package io.firebreak.functions.statuspage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;
import io.firebreak.db.OpsJson;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.Severity;
import io.firebreak.incident.StatusComponents;
import io.firebreak.incident.StatusComponents.Component;

/**
 * The status page's reads of the ops database, in one read-only transaction: public posts of the
 * latest public incidents, open incidents (their fingerprints drive components), the latest probe,
 * maintenances, overrides and 90 days of history; and the derivation of each component's state.
 */
@ApplicationScoped
class StatusReads {

    static final int DAYS = 90;
    static final int INCIDENTS = 50;

    static final String POSTS = """
            SELECT p.id, p.incident_id, p.status, p.title, p.body, p.components::text AS components, p.impact,
                   p.posted_at, i.opened_at, i.severity, i.status AS internal_status, i.last_update_at,
                   i.resolved_at, i.postmortem_link
            FROM status_posts p JOIN incidents i ON i.id = p.incident_id
            WHERE p.incident_id IN (SELECT incident_id FROM status_posts GROUP BY incident_id
                                    ORDER BY max(posted_at) DESC LIMIT $1)
            ORDER BY p.incident_id, p.posted_at, p.id""";

    /** Incidents that can colour components over the 90 days: open ones and those resolved inside the window. */
    static final String INCIDENTS_SQL = """
            SELECT id, fingerprint, severity, opened_at, resolved_at FROM incidents
            WHERE status <> 'resolved' OR resolved_at >= $1""";

    static final String LATEST_PROBE = """
            SELECT at, verdict, checks::text AS checks FROM confirmations
            WHERE at >= $1 ORDER BY at DESC LIMIT 1""";

    static final String MAINTENANCES = """
            SELECT m.id, m.title, m.body, m.components, m.starts_at, m.ends_at, m.created_at, c.cancelled_at
            FROM maintenances m LEFT JOIN maintenance_cancellations c ON c.maintenance_id = m.id
            WHERE m.ends_at >= $1 ORDER BY m.starts_at DESC LIMIT 50""";

    /** The newest unexpired override per component: when a timed one runs out, the one before it stands again. */
    static final String OVERRIDES = """
            SELECT DISTINCT ON (component) component, status, set_at, expires_at
            FROM component_overrides WHERE expires_at IS NULL OR expires_at > $1 ORDER BY component, id DESC""";

    /**
     * Probes per day grouped by which checks failed in them (one scan for every component): a
     * component's failing probes are those whose set names one of its checks.
     */
    static final String PROBE_DAYS = """
            SELECT (c.at AT TIME ZONE 'UTC')::date::text AS day,
                   coalesce((SELECT string_agg(DISTINCT e->>'name', ',') FROM jsonb_array_elements(c.checks) e
                             WHERE e->>'status' = 'fail'), '') AS failing,
                   count(*) AS probes
            FROM confirmations c WHERE c.at >= $1 AND c.at < $2 GROUP BY 1, 2""";

    /** The page's reads: bounded, like every read; a slow ops database keeps the last page up. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

    /** A probe older than this says nothing about now. */
    static final Duration FRESH = Duration.ofMinutes(10);

    @Inject
    OpsDb ops;

    @Inject
    OpsJson json;

    @Inject
    StatusComponents declared;

    @Inject
    IncidentStore incidents;

    @Inject
    Clock clock;

    record OpenIncident(String id, String fingerprint, Severity rank, Instant openedAt, Instant resolvedAt) {
    }

    record Probe(Instant at, String verdict, Map<String, String> checks) {
    }

    record Override(String status, Instant setAt, Instant expiresAt) {
    }

    /** Finished days' probe counts, as read at readAt for the day starting at today. */
    record PastDays(Instant today, Instant readAt, Map<String, Map<String, long[]>> days) {
    }

    static final Duration PAST_REFRESH = Duration.ofMinutes(15);

    private volatile PastDays pastDays;

    /** The whole view, now. */
    Uni<StatusView> read() {
        Instant now = clock.instant();
        Instant since = now.minus(Duration.ofDays(DAYS));
        Map<String, Component> components = declared.components();
        return ops.read(READ_TIMEOUT, conn -> conn.preparedQuery(POSTS).execute(Tuple.of(INCIDENTS)).flatMap(posts -> conn
                .preparedQuery(INCIDENTS_SQL).execute(Tuple.of(IncidentStore.utc(since))).flatMap(open -> conn
                        .preparedQuery(LATEST_PROBE).execute(Tuple.of(IncidentStore.utc(now.minus(FRESH))))
                        .flatMap(probe -> conn.preparedQuery(MAINTENANCES).execute(Tuple.of(IncidentStore.utc(since)))
                                .flatMap(mnt -> conn.preparedQuery(OVERRIDES).execute(Tuple.of(IncidentStore.utc(now))).flatMap(ovr -> probeDays(conn,
                                        components, since).map(days -> assemble(now, components, posts, open, probe,
                                                mnt, ovr, days))))))));
    }

    /**
     * Probe counts per component and day. Finished days do not change, so they are read once a day
     * (and again after a quarter of an hour, for late results); each rendering reads only today's.
     */
    private Uni<Map<String, Map<String, long[]>>> probeDays(io.vertx.mutiny.sqlclient.SqlConnection conn,
            Map<String, Component> components, Instant since) {
        Instant now = clock.instant();
        Instant today = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        PastDays past = pastDays;
        Uni<Map<String, Map<String, long[]>>> finished = past != null && past.today().equals(today)
                && past.readAt().isAfter(now.minus(PAST_REFRESH)) ? Uni.createFrom().item(past.days())
                        : counts(conn, components, since, today).invoke(days -> pastDays = new PastDays(today, now, days));
        return finished.flatMap(old -> counts(conn, components, today, now.plusSeconds(1)).map(fresh -> {
            Map<String, Map<String, long[]>> all = new HashMap<>();
            for (Component c : components.values()) {
                Map<String, long[]> days = new HashMap<>(old.getOrDefault(c.id(), Map.of()));
                days.putAll(fresh.getOrDefault(c.id(), Map.of()));
                all.put(c.id(), days);
            }
            return all;
        }));
    }

    private Uni<Map<String, Map<String, long[]>>> counts(io.vertx.mutiny.sqlclient.SqlConnection conn,
            Map<String, Component> components, Instant from, Instant to) {
        return conn.preparedQuery(PROBE_DAYS).execute(Tuple.of(IncidentStore.utc(from), IncidentStore.utc(to))).map(rows -> {
            Map<String, Map<String, long[]>> all = new HashMap<>();
            for (Row r : rows) {
                java.util.Set<String> failing = java.util.Set.of(r.getString("failing").isEmpty() ? new String[0]
                        : r.getString("failing").split(","));
                long probes = r.getLong("probes");
                for (Component c : components.values()) {
                    long[] day = all.computeIfAbsent(c.id(), k -> new HashMap<>())
                            .computeIfAbsent(r.getString("day"), k -> new long[2]);
                    day[0] += probes;
                    if (c.checks().stream().anyMatch(failing::contains)) {
                        day[1] += probes;
                    }
                }
            }
            return all;
        });
    }

    StatusView assemble(Instant now, Map<String, Component> components, RowSet<Row> postRows, RowSet<Row> openRows,
            RowSet<Row> probeRows, RowSet<Row> mntRows, RowSet<Row> ovrRows, Map<String, Map<String, long[]>> probeDays) {
        List<StatusView.IncidentView> publicIncidents = incidents(postRows);
        List<OpenIncident> history = new ArrayList<>();
        openRows.forEach(r -> history.add(new OpenIncident(r.getString("id"), r.getString("fingerprint"),
                Severity.valueOf(r.getString("severity")), instant(r, "opened_at"), instant(r, "resolved_at"))));
        Probe probe = null;
        for (Row r : probeRows) {
            Map<String, String> checks = new HashMap<>();
            json.tree(r.getString("checks")).forEach(c -> checks.put(c.path("name").asText(), c.path("status").asText()));
            probe = new Probe(instant(r, "at"), r.getString("verdict"), checks);
        }
        List<StatusView.MaintenanceView> maintenances = new ArrayList<>();
        for (Row r : mntRows) {
            Instant starts = instant(r, "starts_at");
            Instant ends = instant(r, "ends_at");
            Instant cancelled = instant(r, "cancelled_at");
            maintenances.add(new StatusView.MaintenanceView(r.getString("id"), r.getString("title"), r.getString("body"),
                    List.of(r.getArrayOfStrings("components")), starts, ends, instant(r, "created_at"), cancelled,
                    maintenanceStatus(now, starts, ends, cancelled)));
        }
        Map<String, Override> overrides = new HashMap<>();
        ovrRows.forEach(r -> overrides.put(r.getString("component"),
                new Override(r.getString("status"), instant(r, "set_at"), instant(r, "expires_at"))));
        List<StatusView.ComponentView> views = new ArrayList<>();
        for (Component c : components.values()) {
            String[] state = ComponentStates.derive(c, now, overrides.get(c.id()), maintenances, publicIncidents,
                    history, probe);
            List<StatusView.Day> days = Uptime.days(c, now, DAYS, history, publicIncidents,
                    probeDays.getOrDefault(c.id(), Map.of()));
            views.add(new StatusView.ComponentView(c, state[0], state[1], now, days, Uptime.percent(days)));
        }
        return new StatusView(declared.page(), now, views, publicIncidents, maintenances);
    }

    private List<StatusView.IncidentView> incidents(RowSet<Row> rows) {
        Map<String, List<Row>> byIncident = new LinkedHashMap<>();
        rows.forEach(r -> byIncident.computeIfAbsent(r.getString("incident_id"), k -> new ArrayList<>()).add(r));
        List<StatusView.IncidentView> out = new ArrayList<>();
        byIncident.forEach((id, posts) -> {
            List<StatusView.Update> updates = new ArrayList<>();
            Instant monitoring = null;
            for (Row p : posts) {
                Map<String, String> comps = new LinkedHashMap<>();
                json.tree(p.getString("components")).fields().forEachRemaining(f -> comps.put(f.getKey(), f.getValue().asText()));
                Instant at = instant(p, "posted_at");
                updates.add(new StatusView.Update(p.getLong("id"), p.getString("status"), p.getString("body"), at, comps));
                if (monitoring == null && "monitoring".equals(p.getString("status"))) {
                    monitoring = at;
                }
            }
            Row last = posts.get(posts.size() - 1);
            String status = last.getString("status");
            Severity rank = Severity.valueOf(last.getString("severity"));
            Instant opened = instant(last, "opened_at");
            Instant due = "resolved".equals(status) ? null
                    // The public promise follows the public posts, not internal activity.
                    : incidents.nextUpdateDue(rank, last.getString("internal_status"), instant(last, "posted_at"), opened);
            // The public story starts when it was first told, the incident when it was declared.
            Map<String, String> affected = new LinkedHashMap<>();
            updates.forEach(u -> u.components().keySet().forEach(k -> affected.putIfAbsent(k, u.components().get(k))));
            affected.putAll(updates.get(updates.size() - 1).components());
            java.util.Collections.reverse(updates);
            out.add(new StatusView.IncidentView(id, last.getString("title"), status, last.getString("impact"), opened,
                    instant(last, "posted_at"), monitoring, "resolved".equals(status) ? instant(last, "posted_at") : null,
                    last.getString("postmortem_link"), due, List.copyOf(updates), affected));
        });
        out.sort((a, b) -> b.updatedAt().compareTo(a.updatedAt()));
        return out;
    }

    static String maintenanceStatus(Instant now, Instant starts, Instant ends, Instant cancelled) {
        if (cancelled != null) {
            return "completed";
        }
        if (now.isBefore(starts)) {
            return "scheduled";
        }
        return now.isBefore(ends) ? "in_progress" : "completed";
    }

    static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }

    static String day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC).toString();
    }
}
