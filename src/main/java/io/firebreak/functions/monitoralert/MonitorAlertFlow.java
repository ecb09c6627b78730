package io.firebreak.functions.monitoralert;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import io.firebreak.functions.confirmoutage.ConfirmOutageConfig;
import io.firebreak.functions.confirmoutage.Trigger;
import io.firebreak.functions.monitoralert.MonitorAlerts.Stored;
import io.firebreak.incident.IncidentLink;
import io.firebreak.incident.IncidentStore;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogText;

/**
 * Treats an alert as a hint (as UptimeRobot and Alertmanager document their webhooks): a down/firing alert re-probes and declares or attaches
 * like confirm-outage; an up/resolved alert only goes on the timeline and never resolves anything.
 */
@ApplicationScoped
public class MonitorAlertFlow {

    private static final Logger LOG = Logger.getLogger(MonitorAlertFlow.class);

    @Inject
    io.firebreak.functions.confirmoutage.SharedProbe shared;

    @Inject
    ConfirmOutageConfig config;

    @Inject
    IncidentStore store;

    @Inject
    MonitorAlerts alerts;

    @Inject
    Clock clock;

    public Uni<MonitorAlertResult> handle(MonitorAlert alert) {
        String source = "monitor:" + alert.provider() + ":" + alert.monitor();
        if (alert.signalsTrouble()) {
            // The re-probe is the shared one: a storm of monitors costs the target one probe per window.
            return shared.confirm(config.defaultWindowMinutes(), Trigger.MONITOR, source).flatMap(answer -> {
                var outcome = answer.value();
                var c = outcome.confirmation();
                return store(alert, source, outcome.incident(), true).map(stored -> new MonitorAlertResult(
                        stored.incidentId(), stored.action(), c.verdict(), c.severity(), alert.provider(), alert.monitor()));
            });
        }
        // Recovery and other news: recorded on the monitor's open incident, if it has one; no re-probe.
        return store(alert, source, Optional.empty(), alert.signalsRecovery()).map(stored -> new MonitorAlertResult(
                stored.incidentId(), stored.action(), null, null, alert.provider(), alert.monitor()));
    }

    /** What became of one alert: the action taken and the incident it joined. */
    /**
     * Stores the alert, joined to the incident the re-probe led to or, failing that, to the one this
     * monitor's earlier alerts joined, with a timeline event. A retry of an alert already stored is
     * recognised by its dedupe key and answered as "duplicate", storing nothing. 503 only when the
     * alert was not stored (or its COMMIT is in doubt, which the retry's dedupe then settles).
     */
    private Uni<Stored> store(MonitorAlert alert, String source, Optional<IncidentLink> link, boolean joins) {
        return store.transaction(tx -> (alert.dedupeKey() == null ? Uni.createFrom().item(Optional.<Stored>empty())
                : alerts.stored(tx, alert.dedupeKey())).flatMap(earlier -> {
                    if (earlier.isPresent()) {
                        return Uni.createFrom().item(new Stored("duplicate", earlier.get().incidentId()));
                    }
                    Uni<Optional<String>> incident = !joins ? Uni.createFrom().item(Optional.<String>empty())
                            : link.isPresent() ? Uni.createFrom().item(link.map(IncidentLink::incidentId))
                                    : alerts.openIncidentFor(tx, alert.provider(), alert.monitor());
                    return incident.flatMap(id -> {
                        String action = !alert.signalsTrouble() ? (alert.signalsRecovery() ? "recorded" : "ignored")
                                : link.map(l -> l.declared() ? "declared" : "attached")
                                        .orElse(id.isPresent() ? "attached" : "recorded");
                        return alerts.save(tx, clock.instant(), alert.provider(), alert.monitor(), alert.url(),
                                alert.state(), alert.details(), action, id.orElse(null), alert.dedupeKey())
                                .flatMap(saved -> {
                                    if (!saved) {
                                        return Uni.createFrom().item(new Stored("duplicate", id.orElse(null)));
                                    }
                                    Uni<Void> event = id.isEmpty() ? Uni.createFrom().voidItem()
                                            : tx.addEvent(id.get(), clock.instant(), "monitor-alert", source, alert.summary(),
                                                    alert.details());
                                    return event.replaceWith(new Stored(action, id.orElse(null)));
                                });
                    });
                }))
                .onFailure(e -> !(e instanceof FunctionError) || e instanceof io.firebreak.db.DatabaseUnavailable)
                .transform(e -> {
                    LOG.errorf("ops database did not record the %s alert of %s: %s", alert.state(),
                            LogText.loggable(source), e.getMessage());
                    return unrecorded();
                });
    }

    /** Monitors retry on 5xx: better a retry than an alert nobody recorded. */
    private static FunctionError unrecorded() {
        return FunctionError.unavailable("ops_unavailable",
                "the ops database could not record this alert; retry later");
    }
}
