package io.firebreak.functions.clearretryqueue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentLink;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.Severity;
import io.firebreak.platform.ScheduledJob;

/**
 * The dead-letter sweep (seed 000: "erp_sync_logs dead_letter count spike indicates ERP sync
 * failure"): per integration, dead letters in the window against the 24 hours before; a spike
 * declares or attaches a P1 incident ("ERP sync stopped") with the numbers. It never dismisses:
 * that stays a responder's planned, audited clear-retry-queue.
 */
@ApplicationScoped
public class DeadLetterSweep implements ScheduledJob {

    public static final String NAME = "dead-letter-sweep";

    private static final Logger LOG = Logger.getLogger(DeadLetterSweep.class);

    @Inject
    RetryQueue queue;

    @Inject
    IncidentStore incidents;

    @Inject
    Clock clock;

    @ConfigProperty(name = "firebreak.dead-letters.window-minutes", defaultValue = "15")
    int windowMinutes;

    @ConfigProperty(name = "firebreak.dead-letters.min-count", defaultValue = "20")
    int minCount;

    @ConfigProperty(name = "firebreak.dead-letters.ratio", defaultValue = "5")
    double ratio;

    /** One integration's spike, and the incident it went to. */
    @RegisterForReflection
    public record Spike(String integrationId, String name, String erpSystem, long deadLetters, double baseline,
            String incidentId, boolean declared) {
    }

    /** What one sweep found. */
    @RegisterForReflection
    public record Result(int windowMinutes, int integrations, List<Spike> spikes) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Scheduled(identity = NAME, cron = "{firebreak.dead-letters.sweep-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().invoke(r -> {
            if (!r.spikes().isEmpty()) {
                LOG.infof("dead-letter sweep: %d spiking integrations", r.spikes().size());
            }
        }).replaceWithVoid();
    }

    @Override
    public Uni<Result> run() {
        double windowsPerDay = 1440.0 / windowMinutes;
        return queue.deadLetterWindows(windowMinutes).flatMap(windows -> {
            List<RetryQueue.DeadLetterWindow> spiking = windows.stream().filter(w -> w.inWindow() >= minCount
                    && w.inWindow() >= ratio * Math.max(1.0, w.beforeWindow() / windowsPerDay)).toList();
            if (spiking.isEmpty()) {
                return Uni.createFrom().item(new Result(windowMinutes, windows.size(), List.of()));
            }
            return incidents.transaction(tx -> {
                Uni<List<Spike>> all = Uni.createFrom().item(new ArrayList<>());
                for (RetryQueue.DeadLetterWindow w : spiking) {
                    double baseline = Math.round(w.beforeWindow() / windowsPerDay * 10) / 10.0;
                    String title = "ERP sync storm: %s (%s) %d dead letters in %d min vs %.1f usual".formatted(w.name(),
                            w.erpSystem(), w.inWindow(), windowMinutes, baseline);
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("integrationId", w.integrationId());
                    detail.put("name", w.name());
                    detail.put("erpSystem", w.erpSystem());
                    detail.put("deadLetters", w.inWindow());
                    detail.put("windowMinutes", windowMinutes);
                    detail.put("baselinePerWindow", baseline);
                    all = all.flatMap(list -> tx.declareOrAttach("target/dead-letters/" + w.integrationId(), title,
                            Severity.P1, "schedule:" + NAME, clock.instant())
                            .flatMap((IncidentLink link) -> tx.addEvent(link.incidentId(), clock.instant(), "dead-letter-spike",
                                    "schedule:" + NAME, title, detail).map(v -> {
                                        list.add(new Spike(w.integrationId(), w.name(), w.erpSystem(), w.inWindow(),
                                                baseline, link.incidentId(), link.declared()));
                                        return list;
                                    })));
                }
                return all;
            }).map(spikes -> new Result(windowMinutes, windows.size(), spikes));
        });
    }
}
