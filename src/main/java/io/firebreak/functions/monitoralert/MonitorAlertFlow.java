package io.firebreak.functions.monitoralert;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.firebreak.domain.IncidentLink;
import io.firebreak.domain.IncidentStore;
import io.firebreak.domain.Trigger;
import io.firebreak.functions.FunctionError;
import io.firebreak.functions.confirmoutage.ConfirmOutageConfig;
import io.firebreak.functions.confirmoutage.ConfirmOutageFlow;
import io.smallrye.mutiny.Uni;

/**
 * Treats an alert as a hint (providers.md): a down/firing alert re-probes and declares or attaches
 * like confirm-outage; an up/resolved alert only goes on the timeline and never resolves anything.
 */
@ApplicationScoped
public class MonitorAlertFlow {

    private static final Logger LOG = Logger.getLogger(MonitorAlertFlow.class);

    @Inject
    ConfirmOutageFlow confirm;

    @Inject
    ConfirmOutageConfig config;

    @Inject
    IncidentStore store;

    @Inject
    Clock clock;

    public Uni<MonitorAlertResult> handle(MonitorAlert alert) {
        String source = "monitor:" + alert.provider() + ":" + alert.monitor();
        if (alert.signalsTrouble()) {
            long start = System.nanoTime();
            return confirm.probe(Trigger.MONITOR, config.defaultWindowMinutes())
                    .flatMap(c -> confirm.record(c, source, start, (tx, link) -> attachAlert(tx, alert, link)))
                    .map(outcome -> {
                        if (!outcome.recorded()) {
                            throw unrecorded();
                        }
                        var c = outcome.confirmation();
                        String action = outcome.incident().map(l -> l.declared() ? "declared" : "attached")
                                .orElse(null);
                        return new MonitorAlertResult(outcome.incident().map(IncidentLink::incidentId).orElse(null),
                                action == null ? "recorded" : action, c.verdict(), c.severity(), alert.provider(),
                                alert.monitor());
                    });
        }
        // Recovery and other news: recorded on the monitor's open incident, if it has one; no re-probe.
        Duration limit = config.recordTimeout();
        String action = alert.signalsRecovery() ? "recorded" : "ignored";
        return store.transaction(tx -> tx.openIncidentForMonitor(alert.provider(), alert.monitor())
                .flatMap(open -> {
                    String incident = alert.signalsRecovery() ? open.orElse(null) : null;
                    Uni<Void> event = incident == null ? Uni.createFrom().voidItem()
                            : tx.addEvent(incident, clock.instant(), "monitor-alert", source, alert.summary(),
                                    alert.details());
                    return event.flatMap(v -> tx.saveMonitorAlert(clock.instant(), alert.provider(), alert.monitor(),
                            alert.url(), alert.state(), alert.details(), action, incident)).replaceWith(incident);
                }))
                .ifNoItem().after(limit).failWith(() -> new TimeoutException())
                .onFailure(e -> !(e instanceof FunctionError)).transform(e -> {
                    LOG.errorf("ops database did not record the %s alert of %s: %s", alert.state(), source, e.toString());
                    return unrecorded();
                })
                .map(incident -> new MonitorAlertResult(incident, action, null, null, alert.provider(), alert.monitor()));
    }

    /**
     * Joins the alert to the incident the re-probe led to or, failing that, to the incident this
     * monitor's earlier alerts joined, and stores it.
     */
    private Uni<Optional<IncidentLink>> attachAlert(IncidentStore.Tx tx, MonitorAlert alert,
            Optional<IncidentLink> link) {
        Uni<Optional<String>> incident = link.isPresent()
                ? Uni.createFrom().item(link.map(IncidentLink::incidentId))
                : tx.openIncidentForMonitor(alert.provider(), alert.monitor());
        String source = "monitor:" + alert.provider() + ":" + alert.monitor();
        return incident.flatMap(id -> {
            String action = link.map(l -> l.declared() ? "declared" : "attached")
                    .orElse(id.isPresent() ? "attached" : "recorded");
            Uni<Void> event = id.isEmpty() ? Uni.createFrom().voidItem()
                    : tx.addEvent(id.get(), clock.instant(), "monitor-alert", source, alert.summary(), alert.details());
            return event.flatMap(v -> tx.saveMonitorAlert(clock.instant(), alert.provider(), alert.monitor(),
                    alert.url(), alert.state(), alert.details(), action, id.orElse(null)))
                    .replaceWith(link.isPresent() ? link : id.map(i -> new IncidentLink(i, false)));
        });
    }

    /** Monitors retry on 5xx: better a retry than an alert nobody recorded. */
    private static FunctionError unrecorded() {
        return FunctionError.unavailable("ops_unavailable",
                "the ops database could not record this alert; retry later");
    }
}
