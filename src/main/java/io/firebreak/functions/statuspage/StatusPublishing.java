package io.firebreak.functions.statuspage;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.LogText;
import io.firebreak.platform.ScheduledJob;

/**
 * The minute's work, and status-page's answer on demand: a fresh rendering from the ops database,
 * subscribers' messages for what it shows that they were not sent (queued once, then delivered
 * through the outbox), and the static export. Maintenances start and complete by the clock, so
 * this run is what announces and exports them without anyone acting.
 */
@ApplicationScoped
public class StatusPublishing implements ScheduledJob {

    public static final String NAME = "status-export";

    private static final Logger LOG = Logger.getLogger(StatusPublishing.class);

    @Inject
    StatusSite site;

    @Inject
    StatusExport export;

    @Inject
    StatusDeliveries deliveries;

    @Inject
    ObjectMapper mapper;

    /** What one run did. */
    @RegisterForReflection
    public record Published(String indicator, String description, int files, List<String> exportedTo, int queued,
            List<StatusDeliveries.Attempt> deliveries) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Scheduled(identity = NAME, cron = "{firebreak.status.export-cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return publish().replaceWithVoid();
    }

    @Override
    public Uni<Published> run() {
        return publish();
    }

    /**
     * The copy first, on its own: a failing queue or a stalled subscriber never keeps the static
     * page from following the incident. Then what subscribers are owed, then delivery.
     */
    public Uni<Published> publish() {
        return site.render().flatMap(r -> export.write(r).flatMap(w -> deliveries.queue(r.view(),
                new StatuspageJson(mapper, r.view())).onFailure().recoverWithItem(e -> {
                    LOG.warnf("subscriber messages not queued: %s", LogText.loggable(e.getMessage()));
                    return -1;
                }).flatMap(queued -> deliveries.deliver().onFailure().recoverWithItem(e -> {
                    LOG.warnf("subscriber messages not delivered: %s", LogText.loggable(e.getMessage()));
                    return List.of();
                }).map(attempts -> new Published(r.view().indicator(), r.view().description(), w.files(), w.targets(),
                        queued, attempts)))));
    }
}
