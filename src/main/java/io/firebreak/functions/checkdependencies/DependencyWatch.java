package io.firebreak.functions.checkdependencies;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.incident.Incident;
import io.firebreak.incident.IncidentStore;
import io.firebreak.platform.ScheduledJob;
import io.firebreak.providers.DeclaredUrl;
import io.firebreak.providers.vendorstatus.Dependency;
import io.firebreak.providers.vendorstatus.VendorPage.Component;
import io.firebreak.providers.vendorstatus.VendorPage.VendorIncident;
import io.firebreak.providers.vendorstatus.VendorReport;
import io.firebreak.providers.vendorstatus.VendorStatus;

/**
 * The dependency watch: while an incident is open, a vendor that reports trouble is noted on its
 * timeline once per vendor incident (or, without one, per set of degraded components), with the
 * vendor incidents' start and link in the event's detail for the post-mortem. Each incident's
 * notes are written under its advisory lock after reading which it already has, so repeated or
 * concurrent runs never write one twice. No open incident: no vendor page is read.
 */
@ApplicationScoped
public class DependencyWatch implements ScheduledJob {

    public static final String NAME = "dependency-watch";
    static final String SOURCE = "schedule:" + NAME;
    static final String KIND = "vendor-status";
    static final int MAX_INCIDENTS = 50;
    private static final Logger LOG = Logger.getLogger(DependencyWatch.class);

    static final String NOTED = """
            SELECT detail->>'key' AS key FROM timeline_events
            WHERE incident_id = $1 AND kind = 'vendor-status' AND detail->>'key' = ANY ($2)""";

    @Inject
    CheckDependenciesFlow flow;

    @Inject
    VendorStatus vendors;

    @Inject
    IncidentStore incidents;

    @Inject
    Clock clock;

    /** One timeline event the watch would write: its dedupe key, the line a human reads, and its detail. */
    record Note(String key, String dependency, String summary, Map<String, Object> detail) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Scheduled(identity = NAME, cron = "{firebreak.dependencies.watch-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().invoke(r -> {
            if (r.get("noted") instanceof List<?> noted && !noted.isEmpty()) {
                LOG.infof("dependency watch: %d vendor notes on open incidents", noted.size());
            }
        }).replaceWithVoid();
    }

    @Override
    public Uni<Map<String, Object>> run() {
        Map<String, Object> answer = new LinkedHashMap<>();
        String skipped = flow.skipped();
        if (skipped != null) {
            answer.put("skipped", skipped);
            return Uni.createFrom().item(answer);
        }
        return incidents.list(true, List.of(), null, MAX_INCIDENTS).flatMap(open -> {
            answer.put("openIncidents", open.size());
            if (open.isEmpty()) {
                answer.put("noted", List.of());
                return Uni.createFrom().item(answer);
            }
            return vendors.reports(flow.dependencies(), false).flatMap(reports -> {
                List<Note> notes = new ArrayList<>();
                for (VendorReport r : reports) {
                    if (r.trouble()) {
                        notes.addAll(notes(r));
                    }
                }
                answer.put("trouble", notes.stream().map(Note::summary).toList());
                if (notes.isEmpty()) {
                    answer.put("noted", List.of());
                    return Uni.createFrom().item(answer);
                }
                Uni<List<Map<String, Object>>> all = Uni.createFrom().item(new ArrayList<>());
                for (Incident incident : open) {
                    all = all.flatMap(list -> note(incident.id(), notes).map(written -> {
                        list.addAll(written);
                        return list;
                    }));
                }
                return all.map(written -> {
                    answer.put("noted", written);
                    return answer;
                });
            });
        });
    }

    /** Writes the notes this incident does not have yet, in one transaction under its lock. */
    Uni<List<Map<String, Object>>> note(String incidentId, List<Note> notes) {
        Instant at = clock.instant();
        String[] keys = notes.stream().map(Note::key).toArray(String[]::new);
        return incidents.transaction(tx -> tx.serialize("vendor-status/" + incidentId)
                .flatMap(locked -> tx.connection().preparedQuery(NOTED).execute(Tuple.of(incidentId, keys)))
                .flatMap(rows -> {
                    Set<String> have = new HashSet<>();
                    for (Row row : rows) {
                        have.add(row.getString("key"));
                    }
                    List<Map<String, Object>> written = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Note n : notes) {
                        if (have.add(n.key())) {
                            chain = chain.flatMap(v -> tx.addEvent(incidentId, at, KIND, SOURCE, n.summary(), n.detail()));
                            written.add(Map.of("incident", incidentId, "dependency", n.dependency(), "summary", n.summary()));
                        }
                    }
                    return chain.replaceWith(written);
                }))
                .onFailure().recoverWithItem(e -> {
                    // One incident's record failing must not keep the others from their notes; the next run tries again.
                    LOG.warnf("dependency watch: could not note vendor trouble on %s: %s", incidentId, e.getMessage());
                    return List.of();
                });
    }

    /** One note per vendor incident that matters; without any, one for the set of degraded components. */
    static List<Note> notes(VendorReport r) {
        List<Note> out = new ArrayList<>();
        String dep = r.dependency().name();
        for (VendorIncident i : r.incidents()) {
            List<Component> components = i.components().stream().filter(c -> c.level().trouble()
                    && r.dependency().matters(c.name(), c.group())).toList();
            String line = r.dependency().title() + " reports " + VendorReport.describeTrouble(components.isEmpty()
                    ? r.affected() : components, List.of(i));
            line += " — " + i.name() + (i.status() == null ? "" : " (" + i.status() + ")");
            out.add(new Note(dep + "/incident/" + (i.id() != null ? i.id() : i.name()), dep, line,
                    detail(r, dep + "/incident/" + (i.id() != null ? i.id() : i.name()), List.of(i),
                            components.isEmpty() ? r.affected() : components)));
        }
        if (out.isEmpty()) {
            TreeSet<String> set = new TreeSet<>();
            for (Component c : r.affected()) {
                set.add(c.name() + (c.group() == null ? "" : "@" + c.group()) + "=" + c.status());
            }
            String key = dep + "/components/" + String.join(",", set);
            String line = r.dependency().kind() == Dependency.Kind.HEALTH
                    ? r.dependency().title() + " health URL " + r.description() : r.description();
            out.add(new Note(key, dep, line, detail(r, key, List.of(), r.affected())));
        }
        return out;
    }

    static Map<String, Object> detail(VendorReport r, String key, List<VendorIncident> incidents, List<Component> components) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("key", key);
        d.put("dependency", r.dependency().name());
        d.put("title", r.dependency().title());
        d.put("kind", r.dependency().kindId());
        d.put("page", r.dependency().url() == null ? null : DeclaredUrl.display(r.dependency().url()));
        d.put("indicator", r.indicator().json());
        d.put("vendorIncidents", incidents.stream().map(VendorReport::incident).toList());
        d.put("components", components.stream().map(VendorReport::component).toList());
        d.put("fetchedAt", r.fetchedAt() == null ? null : r.fetchedAt().toString());
        return d;
    }
}
