package io.firebreak.functions.confirmoutage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.ScheduledJob;

/**
 * Runs confirm-outage every 10 s (firebreak.probe.cron), with flap protection before it declares: a
 * first P0/P1 result is confirmed by re-probing seconds later in the same run, not a schedule period later.
 */
@ApplicationScoped
public class ScheduledProbe implements ScheduledJob {

    /** The stable name of this job: the schedule trigger of confirm-outage in functions.yaml. */
    public static final String IDENTITY = "confirm-outage";

    private static final Logger LOG = Logger.getLogger(ScheduledProbe.class);

    @Inject
    ConfirmOutageFlow flow;

    @Inject
    ConfirmOutageConfig config;

    @Inject
    ProbeScheduleConfig schedule;

    @Inject
    io.firebreak.platform.FunctionAdmission admission;

    @Inject
    java.time.Clock clock;

    @Scheduled(identity = IDENTITY, cron = "{firebreak.probe.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> scheduled() {
        return run().invoke(result -> {
            if (result.incidentId() != null || !result.recorded()) {
                LOG.infof("scheduled probe: %s %s incident=%s recorded=%s", result.verdict().json(),
                        result.severity(), result.incidentId(), result.recorded());
            }
        }).replaceWithVoid();
    }

    @Override
    public String name() {
        return IDENTITY;
    }

    /**
     * One scheduled run: the in-process schedule and the Lambda schedule event both run this. It
     * answers the last probe's result: the confirming re-probe's when there was one.
     */
    @Override
    public Uni<ConfirmOutageResult> run() {
        // The run must end inside its Lambda's timeout: a re-probe that could not finish in it is not started.
        long budgetMs = admission.manifest().find(IDENTITY).map(f -> f.timeoutSeconds() * 1000L - 1000).orElse(10_000L);
        return probe(null, schedule.consecutiveFailures() - 1, System.nanoTime() + budgetMs * 1_000_000);
    }

    private Uni<ConfirmOutageResult> probe(java.time.Instant notBefore, int reprobesLeft, long deadlineNanos) {
        return flow.confirm(Trigger.SCHEDULE, config.defaultWindowMinutes(), "schedule:confirm-outage", notBefore)
                .map(ConfirmOutageResult::from)
                .flatMap(result -> {
                    java.time.Duration after = schedule.confirmAfter();
                    long worstNanos = after.plus(config.checkTimeout()).plus(config.recordTimeout()).toNanos();
                    if (reprobesLeft <= 0 || after.isZero() || after.isNegative() || !awaitingConfirmation(result)) {
                        return Uni.createFrom().item(result);
                    }
                    if (System.nanoTime() + worstNanos > deadlineNanos) {
                        LOG.warnf("scheduled probe: %s %s, not yet %d in a row; no time left in this run to re-probe: the"
                                + " next run continues the streak", result.verdict().json(), result.severity(),
                                schedule.consecutiveFailures());
                        return Uni.createFrom().item(result);
                    }
                    LOG.infof("scheduled probe: %s %s, not yet %d in a row: probing again in %d ms", result.verdict().json(),
                            result.severity(), schedule.consecutiveFailures(), after.toMillis());
                    // The re-probe must read providers afresh: only a reading begun after the wait will do, since
                    // the same cached reading twice is not two in a row.
                    return Uni.createFrom().voidItem().onItem().delayIt().by(after)
                            .flatMap(v -> probe(clock.instant(), reprobesLeft - 1, deadlineNanos));
                });
    }

    /** Declare-worthy but not yet declared (the streak is short), and recorded, so the streak counted it. */
    static boolean awaitingConfirmation(ConfirmOutageResult result) {
        return result.recorded() && result.incidentId() == null && result.severity() != null
                && result.severity().atLeast(io.firebreak.incident.Severity.P1);
    }
}
