package io.firebreak.functions.confirmoutage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.ScheduledJob;

/** Runs confirm-outage every minute (firebreak.probe.cron), with flap protection before it declares. */
@ApplicationScoped
public class ScheduledProbe implements ScheduledJob {

    /** The stable name of this job: the schedule trigger of confirm-outage in functions.yaml. */
    public static final String IDENTITY = "confirm-outage";

    private static final Logger LOG = Logger.getLogger(ScheduledProbe.class);

    @Inject
    ConfirmOutageFlow flow;

    @Inject
    ConfirmOutageConfig config;

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

    /** One scheduled probe: the in-process schedule and the Lambda schedule event both run this. */
    @Override
    public Uni<ConfirmOutageResult> run() {
        return flow.confirm(Trigger.SCHEDULE, config.defaultWindowMinutes(), "schedule:confirm-outage")
                .map(ConfirmOutageResult::from);
    }
}
