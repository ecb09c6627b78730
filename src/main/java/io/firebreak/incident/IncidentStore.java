package io.firebreak.incident;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsJson;
import io.firebreak.platform.LogFields;

/**
 * Incidents, their timelines, confirmations and monitor alerts in the ops database. Callers group
 * operations in {@link #transaction}, so an incident never exists without the event that opened it.
 */
@ApplicationScoped
public class IncidentStore {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(IncidentStore.class);

    static final String LIMITS = "SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d";

    /** Serialises declarations of one cause; held only until the transaction ends, so poolers are fine. */
    static final String LOCK_KEY = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

    static final String OPEN_BY_FINGERPRINT = """
            SELECT id FROM incidents WHERE fingerprint = $1 AND status <> 'resolved'""";

    static final String NEXT_SEQ = """
            INSERT INTO incident_day_counters (day, last_seq) VALUES ($1, 1)
            ON CONFLICT (day) DO UPDATE SET last_seq = incident_day_counters.last_seq + 1
            RETURNING last_seq""";

    static final String INSERT_INCIDENT = """
            INSERT INTO incidents (id, title, severity, fingerprint, source, opened_at)
            VALUES ($1, $2, $3, $4, $5, $6)""";

    static final String INSERT_EVENT = """
            INSERT INTO timeline_events (incident_id, at, kind, source, summary, detail)
            VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING id""";

    static final String FIND_INCIDENT = """
            SELECT i.*, i.tenants::text[] AS tenant_ids,
                   (SELECT coalesce(jsonb_object_agg(r.role, r.person), '{}'::jsonb)::text
                    FROM incident_roles r WHERE r.incident_id = i.id) AS role_map,
            """ + IncidentTicket.COLUMNS + """
            FROM incidents i""" + IncidentTicket.JOIN + " WHERE i.id = $1";

    static final String LOCK_INCIDENT = FIND_INCIDENT + " FOR UPDATE OF i";

    static final String LIST = """
            SELECT i.*, i.tenants::text[] AS tenant_ids,
                   (SELECT coalesce(jsonb_object_agg(r.role, r.person), '{}'::jsonb)::text
                    FROM incident_roles r WHERE r.incident_id = i.id) AS role_map,
            """ + IncidentTicket.COLUMNS + """
            FROM incidents i""" + IncidentTicket.JOIN + """
            WHERE ($1::boolean IS NOT TRUE OR i.status <> 'resolved')
              AND ($2::text[] IS NULL OR i.severity = ANY ($2))
              AND ($3::timestamptz IS NULL OR i.opened_at >= $3)
            ORDER BY i.opened_at DESC, i.id DESC LIMIT $4""";

    /** What the watch job looks at: open incidents, and resolved ones whose post-mortem is late and unreminded. */
    static final String WATCHED = """
            SELECT i.id FROM incidents i
            WHERE i.status <> 'resolved'
               OR (i.postmortem_written_at IS NULL AND i.postmortem_reminded_at IS NULL AND i.resolved_at <= $1)
            ORDER BY i.opened_at LIMIT $2""";

    static final String CONFIRMATIONS_SINCE = """
            SELECT at, verdict FROM confirmations WHERE at >= $1 AND at <= $2 ORDER BY at, id""";

    static final String DESCRIBE = """
            UPDATE incidents SET impact = $2, declared_by = $3, tenants = $4::uuid[],
                   acknowledged_at = $5, acknowledged_by = $6, last_update_at = opened_at
            WHERE id = $1""";

    static final String ACKNOWLEDGE = """
            UPDATE incidents SET acknowledged_at = $2, acknowledged_by = $3
            WHERE id = $1 AND acknowledged_at IS NULL""";

    static final String SET_STATUS = """
            UPDATE incidents SET status = $2,
                   mitigated_at = CASE WHEN $2 IN ('mitigating', 'monitoring') THEN coalesce(mitigated_at, $3)
                                       ELSE mitigated_at END
            WHERE id = $1 AND status <> 'resolved'""";

    static final String SET_SEVERITY = "UPDATE incidents SET severity = $2 WHERE id = $1";

    static final String UPDATED = "UPDATE incidents SET last_update_at = $2 WHERE id = $1";

    static final String ASSIGN = """
            INSERT INTO incident_roles (incident_id, role, person, assigned_at, assigned_by) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (incident_id, role) DO UPDATE
               SET person = excluded.person, assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by""";

    /** One creator per channel: the caller that moves the state from nothing to 'creating' makes it. */
    static final String CLAIM_CHANNEL = """
            UPDATE incidents SET channel_state = 'creating' WHERE id = $1 AND channel_state IS NULL""";

    static final String SET_CHANNEL = """
            UPDATE incidents SET channel_id = $2, channel_name = $3, channel_state = $4 WHERE id = $1""";

    /** Only from the level the caller saw: two watchers never escalate (and notify) twice. */
    static final String ESCALATE = """
            UPDATE incidents SET escalation_level = $3, escalated_at = $4 WHERE id = $1 AND escalation_level = $2""";

    static final String REMIND_DUE = """
            UPDATE incidents SET update_reminded_for = $2 WHERE id = $1 AND update_reminded_for IS DISTINCT FROM $2""";

    static final String REMIND_OVERDUE = """
            UPDATE incidents SET update_overdue_for = $2 WHERE id = $1 AND update_overdue_for IS DISTINCT FROM $2""";

    static final String RESOLVE = """
            UPDATE incidents SET status = 'resolved', resolved_at = $2, resolution = $3, resolution_forced = $4,
                   mitigated_at = coalesce(mitigated_at, $2)
            WHERE id = $1 AND status <> 'resolved'""";

    static final String POSTMORTEM_WRITTEN = """
            UPDATE incidents SET postmortem_written_at = $2, postmortem_link = $3 WHERE id = $1""";

    static final String POSTMORTEM_REMINDED = """
            UPDATE incidents SET postmortem_reminded_at = $2 WHERE id = $1 AND postmortem_reminded_at IS NULL""";

    static final String TIMELINE = """
            SELECT at, kind, source, summary, detail::text AS detail FROM timeline_events
            WHERE incident_id = $1 ORDER BY at, id""";

    @Inject
    io.firebreak.db.OpsDb ops;

    @Inject
    OpsJson json;

    @Inject
    SeverityScale scale;

    @Inject
    IncidentConfig config;

    @Inject
    jakarta.enterprise.inject.Instance<DeclarationFollowUp> followUps;

    @Inject
    EventWebhooks webhooks;

    @Inject
    IncidentMeters meters;

    @Inject
    IncidentTicket ticket;

    @ConfigProperty(name = "firebreak.ops.statement-timeout", defaultValue = "1000ms")
    Duration statementTimeout;

    /** Runs work in one ops transaction with statement and lock timeouts; all of it commits or none. */
    public <T> Uni<T> transaction(Function<Tx, Uni<T>> work) {
        return transaction(ops.deadline(), work);
    }

    /**
     * The same within a shorter deadline: past it the connection is closed under the transaction,
     * so it rolls back (unless its COMMIT was already sent: then it is reported in doubt).
     */
    public <T> Uni<T> transaction(Duration deadline, Function<Tx, Uni<T>> work) {
        return transaction(deadline, true, work);
    }

    /**
     * durable false: the commit does not wait for the WAL flush (synchronous_commit off, this
     * transaction only). For a confirmation that can declare nothing (a healthy one, and the
     * schedule's streak reset with it): a crash of the ops server in the next few hundred
     * milliseconds could lose it, never half-write it; a lost reset only lets the next single
     * P0/P1 count as the second in a row.
     */
    public <T> Uni<T> transaction(Duration deadline, boolean durable, Function<Tx, Uni<T>> work) {
        long ms = statementTimeout.toMillis();
        String limits = durable ? LIMITS.formatted(ms, ms) : LIMITS.formatted(ms, ms) + "; SET LOCAL synchronous_commit = off";
        List<String> declared = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean hooked = new java.util.concurrent.atomic.AtomicBoolean();
        List<Runnable> counted = new java.util.concurrent.CopyOnWriteArrayList<>();
        return ops.withTransaction(deadline, conn -> conn.query(limits).execute()
                .flatMap(ignored -> {
                    Tx tx = new Tx(conn, declared, hooked, counted);
                    return work.apply(tx).flatMap(result -> tx.beforeCommit().map(v -> result));
                }))
                .invoke(committed -> {
                    counted.forEach(Runnable::run);
                    declared.forEach(id -> LOG.infof("incident %s declared", id));
                    followUp(declared);
                    if (hooked.get()) {
                        webhooks.kick();
                    }
                });
    }

    /** Every declaration of a committed transaction, to each follow-up; theirs to return at once and never fail. */
    private void followUp(List<String> declared) {
        for (String id : declared) {
            followUps.forEach(f -> {
                try {
                    f.declared(id);
                } catch (Throwable e) {
                    // The declaration committed: nothing a follow-up throws may make the caller think it did not.
                    LOG.warnf("follow-up of %s's declaration failed: %s", id,
                            e.toString());
                }
            });
        }
    }

    /** The operations available inside one ops transaction. */
    public final class Tx {
        private final SqlConnection conn;
        private final List<String> declared;
        private final java.util.concurrent.atomic.AtomicBoolean hooked;
        /** The meters this transaction moves, counted only once it committed. */
        private final List<Runnable> counted;
        /** Run once the work is done, before the commit: the declared events' webhook bodies, final. */
        private final List<java.util.function.Supplier<Uni<Void>>> last = new ArrayList<>();

        Tx(SqlConnection conn, List<String> declared, java.util.concurrent.atomic.AtomicBoolean hooked,
                List<Runnable> counted) {
            this.conn = conn;
            this.declared = declared;
            this.hooked = hooked;
            this.counted = counted;
        }

        Uni<Void> beforeCommit() {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (var step : last) {
                chain = chain.flatMap(v -> step.get());
            }
            return chain;
        }

        /** The transaction's connection, for other ops repositories that must commit with it. */
        public SqlConnection connection() {
            return conn;
        }

        /** Makes transactions naming the same key queue up here until this one ends (an advisory lock). */
        public Uni<Void> serialize(String key) {
            return conn.preparedQuery(LOCK_KEY).execute(Tuple.of(key)).replaceWithVoid();
        }

        public Uni<Optional<String>> openIncident(String fingerprint) {
            return conn.preparedQuery(OPEN_BY_FINGERPRINT).execute(Tuple.of(fingerprint)).map(IncidentStore::firstId);
        }

        /**
         * Opens an incident for this cause unless one is open already. Concurrent callers with the
         * same fingerprint queue on an advisory lock, so exactly one declares and the others attach.
         */
        public Uni<IncidentLink> declareOrAttach(String fingerprint, String title, Severity severity, String source,
                Instant at) {
            return serialize(fingerprint)
                    .flatMap(locked -> openIncident(fingerprint))
                    .flatMap(open -> {
                        if (open.isPresent()) {
                            LogFields.incident(open.get());
                            counted.add(meters::attached);
                            return Uni.createFrom().item(new IncidentLink(open.get(), false));
                        }
                        LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
                        return conn.preparedQuery(NEXT_SEQ).execute(Tuple.of(day))
                                .map(rows -> IncidentIds.format(day, rows.iterator().next().getInteger("last_seq")))
                                .flatMap(id -> conn.preparedQuery(INSERT_INCIDENT)
                                        .execute(Tuple.tuple(List.of(id, title, severity.name(), fingerprint,
                                                source, utc(at))))
                                        .flatMap(inserted -> addEvent(id, at, "declared", source,
                                                "Declared " + scale.label(severity) + ": " + title,
                                                Map.of("severity", severity.name(), "fingerprint", fingerprint)))
                                        .map(ignored -> {
                                            LogFields.incident(id);
                                            counted.add(() -> meters.declared(severity));
                                            declared.add(id);
                                            return new IncidentLink(id, true);
                                        }));
                    });
        }

        /** Adds a timeline event, and in the same transaction the event webhooks its kind has subscribers for. */
        public Uni<Void> addEvent(String incidentId, Instant at, String kind, String source, String summary,
                Object detail) {
            return conn.preparedQuery(INSERT_EVENT)
                    .execute(Tuple.tuple(List.of(incidentId, utc(at), kind, source, summary, json.jsonb(detail))))
                    .flatMap(rows -> {
                        long row = rows.iterator().next().getLong("id");
                        return webhooks.queue(conn, row, incidentId, at, kind, source, summary, detail).invoke(queued -> {
                            if (queued) {
                                hooked.set(true);
                                // The declaring function completes the record after this event: receivers get it complete.
                                if (kind.equals("declared")) {
                                    last.add(() -> webhooks.refresh(conn, row, incidentId, at, kind, source, summary, detail));
                                }
                            }
                        });
                    })
                    // Seed 003's ticket follows the timeline: its action commits with the event or not at all.
                    .flatMap(queued -> ticket.queue(conn, incidentId, at, kind, summary, detail))
                    .replaceWithVoid();
        }

        public Uni<Optional<Incident>> lock(String id) {
            return conn.preparedQuery(LOCK_INCIDENT).execute(Tuple.of(id))
                    .map(rows -> rows.iterator().hasNext() ? Optional.of(incident(rows.iterator().next(), List.of()))
                            : Optional.<Incident>empty());
        }

        /** What a person's declaration adds to the row declareOrAttach wrote. */
        public Uni<Void> describe(String id, String impact, String declaredBy, List<String> tenants, Instant ackAt,
                String ackBy) {
            return run(DESCRIBE, id, impact, declaredBy, uuids(tenants), utcOrNull(ackAt), ackBy);
        }

        /** The first act of a person on an incident acknowledges it; later ones change nothing. */
        public Uni<Boolean> acknowledge(String id, Instant at, String by) {
            return changed(ACKNOWLEDGE, id, utc(at), by);
        }

        public Uni<Boolean> status(String id, String status, Instant at) {
            return changed(SET_STATUS, id, status, utc(at));
        }

        public Uni<Void> severity(String id, Severity rank) {
            return run(SET_SEVERITY, id, rank.name());
        }

        /** A status update was given: the cadence restarts from here. */
        public Uni<Void> updated(String id, Instant at) {
            return run(UPDATED, id, utc(at));
        }

        public Uni<Void> assign(String id, String role, String person, Instant at, String by) {
            return run(ASSIGN, id, role, person, utc(at), by);
        }

        public Uni<Boolean> claimChannel(String id) {
            return changed(CLAIM_CHANNEL, id);
        }

        public Uni<Void> channel(String id, String channelId, String name, String state) {
            return run(SET_CHANNEL, id, channelId, name, state);
        }

        public Uni<Boolean> escalate(String id, int from, int to, Instant at) {
            return changed(ESCALATE, id, from, to, utc(at));
        }

        public Uni<Boolean> remindDue(String id, Instant due) {
            return changed(REMIND_DUE, id, utc(due));
        }

        public Uni<Boolean> remindOverdue(String id, Instant due) {
            return changed(REMIND_OVERDUE, id, utc(due));
        }

        public Uni<Boolean> resolve(String id, Instant at, String resolution, boolean forced) {
            return changed(RESOLVE, id, utc(at), resolution, forced).invoke(done -> {
                if (done) {
                    counted.add(() -> meters.resolved(forced));
                }
            });
        }

        public Uni<Void> postmortemWritten(String id, Instant at, String link) {
            return run(POSTMORTEM_WRITTEN, id, utc(at), link);
        }

        public Uni<Boolean> postmortemReminded(String id, Instant at) {
            return changed(POSTMORTEM_REMINDED, id, utc(at));
        }

        private Uni<Void> run(String sql, Object... args) {
            return conn.preparedQuery(sql).execute(Tuple.tuple(Arrays.asList(args))).replaceWithVoid();
        }

        private Uni<Boolean> changed(String sql, Object... args) {
            return conn.preparedQuery(sql).execute(Tuple.tuple(Arrays.asList(args))).map(rows -> rows.rowCount() == 1);
        }
    }

    /** An incident with its whole timeline, oldest event first. */
    public Uni<Optional<Incident>> find(String id) {
        return ops.preparedQuery(FIND_INCIDENT).execute(Tuple.of(id)).flatMap(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Uni.createFrom().item(Optional.<Incident>empty());
            }
            Row r = it.next();
            return ops.preparedQuery(TIMELINE).execute(Tuple.of(id)).map(events -> {
                List<Incident.Event> timeline = new ArrayList<>();
                for (Row e : events) {
                    timeline.add(new Incident.Event(e.getOffsetDateTime("at").toInstant(), e.getString("kind"),
                            e.getString("source"), e.getString("summary"), json.tree(e.getString("detail"))));
                }
                return Optional.of(incident(r, timeline));
            });
        });
    }

    /** Newest first, without timelines: open only, of these ranks, opened since. */
    public Uni<List<Incident>> list(boolean openOnly, List<Severity> ranks, Instant since, int limit) {
        String[] wanted = ranks == null || ranks.isEmpty() ? null : ranks.stream().map(Enum::name).toArray(String[]::new);
        return ops.preparedQuery(LIST).execute(Tuple.tuple(Arrays.asList(openOnly, wanted, utcOrNull(since), limit)))
                .map(rows -> {
                    List<Incident> out = new ArrayList<>();
                    rows.forEach(r -> out.add(incident(r, List.of())));
                    return out;
                });
    }

    /** Ids the watch job visits: every open incident, and resolved ones resolved before the cutoff with no post-mortem. */
    public Uni<List<String>> watched(Instant postmortemCutoff, int limit) {
        return ops.preparedQuery(WATCHED).execute(Tuple.of(utc(postmortemCutoff), limit)).map(rows -> {
            List<String> ids = new ArrayList<>();
            rows.forEach(r -> ids.add(r.getString("id")));
            return ids;
        });
    }

    /** A probe's verdict at a time, as resolution judges it. */
    public record Probe(Instant at, String verdict) {
    }

    /** Every confirmation between two instants, oldest first: the evidence resolution is judged on. */
    public Uni<List<Probe>> confirmations(Instant from, Instant to) {
        return ops.preparedQuery(CONFIRMATIONS_SINCE).execute(Tuple.of(utc(from), utc(to))).map(rows -> {
            List<Probe> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Probe(r.getOffsetDateTime("at").toInstant(), r.getString("verdict"))));
            return out;
        });
    }

    /** When the next status update is due at this incident's level, if its level has a cadence. */
    public Instant nextUpdateDue(Severity rank, String status, Instant lastUpdate, Instant openedAt) {
        if ("resolved".equals(status)) {
            return null;
        }
        Instant from = lastUpdate == null ? openedAt : lastUpdate;
        return scale.level(rank).updateEvery().map(from::plus).orElse(null);
    }

    Incident incident(Row r, List<Incident.Event> timeline) {
        Severity rank = Severity.valueOf(r.getString("severity"));
        Instant opened = instant(r, "opened_at");
        Instant resolved = instant(r, "resolved_at");
        Instant lastUpdate = instant(r, "last_update_at");
        String status = r.getString("status");
        Map<String, String> roles = new java.util.TreeMap<>();
        json.tree(r.getString("role_map")).fields().forEachRemaining(f -> roles.put(f.getKey(), f.getValue().asText()));
        String[] tenants = r.getArrayOfStrings("tenant_ids");
        String channelName = r.getString("channel_name");
        return new Incident(r.getString("id"), r.getString("title"), scale.label(rank), status, r.getString("fingerprint"),
                r.getString("source"), opened, resolved, r.getString("impact"), r.getString("declared_by"),
                instant(r, "acknowledged_at"), r.getString("acknowledged_by"), roles, r.getInteger("escalation_level"),
                lastUpdate, nextUpdateDue(rank, status, lastUpdate, opened), channelName == null ? null : "#" + channelName,
                tenants == null ? List.of() : List.of(tenants), instant(r, "mitigated_at"), r.getString("resolution"),
                r.getBoolean("resolution_forced"),
                new Incident.Postmortem(resolved == null ? null : resolved.plus(config.postmortem().due()),
                        instant(r, "postmortem_written_at"), r.getString("postmortem_link"),
                        instant(r, "postmortem_reminded_at")),
                timeline, rank, new Incident.Reminders(instant(r, "update_reminded_for"), instant(r, "update_overdue_for")),
                r.getString("channel_id"), r.getString("channel_state"),
                IncidentTicket.ticket(r));
    }

    private static java.util.UUID[] uuids(List<String> ids) {
        return ids.stream().map(java.util.UUID::fromString).toArray(java.util.UUID[]::new);
    }

    private static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utcOrNull(Instant at) {
        return at == null ? null : utc(at);
    }

    /** The first column of the first row, if any: an incident id. */
    public static Optional<String> firstId(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next().getString(0)) : Optional.empty();
    }

    /** Instants are stored as UTC timestamps with time zone. */
    public static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }


}
