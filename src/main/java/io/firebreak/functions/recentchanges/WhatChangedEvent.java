package io.firebreak.functions.recentchanges;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.OpsDb;
import io.firebreak.incident.DeclarationFollowUp;
import io.firebreak.incident.IncidentStore;
import io.firebreak.platform.ScheduledJob;

/**
 * Each declared incident's one "what changed" timeline event: the changes of the 2 h before it
 * opened, whichever function declared it. In the HTTP service it is gathered in the background
 * right after the declaration commits; on Lambda (frozen once it answers) and after any failure,
 * the what-changed schedule catches up every open incident of the last day that lacks it. Exactly
 * once per incident: writers queue on the incident's advisory lock and look again before writing,
 * and a unique index (V13) refuses a second event should anything slip past.
 */
@ApplicationScoped
public class WhatChangedEvent implements DeclarationFollowUp, ScheduledJob {

    public static final String NAME = "what-changed";
    public static final String KIND = "what-changed";
    static final String SOURCE = "function:recent-changes";
    private static final Logger LOG = Logger.getLogger(WhatChangedEvent.class);

    /** Open incidents of the last day without the event; the newest few seconds are left to the background run. */
    static final String LACKING = """
            SELECT i.id FROM incidents i
            WHERE i.status <> 'resolved' AND i.opened_at >= $1 AND i.opened_at <= $2
              AND NOT EXISTS (SELECT 1 FROM timeline_events e WHERE e.incident_id = i.id AND e.kind = 'what-changed')
            ORDER BY i.opened_at LIMIT $3""";

    static final String HAS_EVENT = """
            SELECT 1 FROM timeline_events WHERE incident_id = $1 AND kind = 'what-changed' LIMIT 1""";

    static final Duration LOOK_BACK = Duration.ofDays(1);
    /** How long after the declaration a failed source is retried before the event is written without it. */
    static final Duration RETRY_FOR = Duration.ofMinutes(10);
    static final int PER_RUN = 10;

    @Inject
    RecentChanges changes;

    @Inject
    IncidentStore incidents;

    @Inject
    OpsDb ops;

    @Inject
    Clock clock;

    /** background (gather right after the declaration; the schedule catches up), schedule (the schedule only: Lambda), off. */
    @ConfigProperty(name = "firebreak.changes.at-declaration", defaultValue = "background")
    String mode;

    /** How long after opening the schedule leaves an incident to its background run. */
    @ConfigProperty(name = "firebreak.changes.sweep-grace", defaultValue = "30s")
    Duration grace;

    /** A run starts no incident after this long (each takes up to the source deadline): it fits the Lambda's 60 s. */
    @ConfigProperty(name = "firebreak.changes.sweep-budget", defaultValue = "30s")
    Duration budget;

    /** Incidents being gathered in this process: a declaration and a sweep never gather the same one twice at once. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void declared(String incidentId) {
        if (!mode().equals("background")) {
            return;
        }
        record(incidentId).subscribe().with(outcome -> LOG.debugf("what changed: %s %s", incidentId, outcome),
                e -> LOG.warnf("what changed: %s not recorded now, the %s schedule will (%s)", incidentId, NAME, e.toString()));
    }

    @Scheduled(identity = NAME, cron = "{firebreak.changes.sweep-cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().replaceWithVoid();
    }

    @Override
    public Uni<Map<String, Object>> run() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("job", NAME);
        if (mode().equals("off")) {
            report.put("skipped", "firebreak.changes.at-declaration is off");
            return Uni.createFrom().item(report);
        }
        Instant now = clock.instant();
        return ops.withConnection(conn -> GuardedPool.rows(conn, LACKING,
                Tuple.of(IncidentStore.utc(now.minus(LOOK_BACK)), IncidentStore.utc(now.minus(grace)), PER_RUN),
                r -> r.getString("id"))).flatMap(ids -> {
                    List<Map<String, Object>> done = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    long start = System.nanoTime();
                    for (String id : ids) {
                        chain = chain.flatMap(v -> {
                            if (System.nanoTime() - start > budget.toNanos()) {
                                done.add(Map.of("incidentId", id, "outcome", "left for the next run"));
                                return Uni.createFrom().voidItem();
                            }
                            return record(id).onFailure().recoverWithItem(e -> "error: " + e.getMessage())
                                    .invoke(outcome -> done.add(Map.of("incidentId", id, "outcome", outcome))).replaceWithVoid();
                        });
                    }
                    return chain.map(v -> {
                        report.put("incidents", done);
                        return report;
                    });
                });
    }

    /** Gathers and writes the event unless the incident has it (or is being gathered here): recorded, present or in progress. */
    public Uni<String> record(String incidentId) {
        if (!inFlight.add(incidentId)) {
            return Uni.createFrom().item("in progress");
        }
        return incidents.find(incidentId).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item("no such incident");
            }
            if (found.get().timeline().stream().anyMatch(e -> e.kind().equals(KIND))) {
                return Uni.createFrom().item("present");
            }
            Instant opened = found.get().openedAt();
            RecentChanges.Window w = new RecentChanges.Window(opened.minus(RecentChangesFunction.DEFAULT), opened,
                    "the 2 h before " + incidentId + " opened");
            return changes.gather(w).flatMap(answer -> RecentChanges.failedForNow(answer)
                    && Duration.between(opened, clock.instant()).compareTo(RETRY_FOR) < 0
                    // A source that failed for now (GitHub rate-limited, Railway slow) is asked again by the next run rather
                    // than written into the incident for good; after RETRY_FOR what could be read is written, failures named.
                    ? Uni.createFrom().item("a source did not answer: the next run tries again")
                    : incidents.transaction(tx -> tx.serialize(KIND + ":" + incidentId)
                    .flatMap(locked -> GuardedPool.rows(tx.connection(), HAS_EVENT, Tuple.of(incidentId), r -> 1))
                    .flatMap(present -> present.isEmpty()
                            ? tx.addEvent(incidentId, clock.instant(), KIND, SOURCE, "What changed in the 2 h before: "
                                    + answer.get("summary"), answer).replaceWith("recorded")
                            : Uni.createFrom().item("present"))));
        }).eventually(() -> inFlight.remove(incidentId));
    }

    private String mode() {
        return mode.strip().toLowerCase(Locale.ROOT);
    }
}
