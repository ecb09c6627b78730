package io.firebreak.functions.runcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.ScheduledJob;

/** Runs every scheduled declared check, one after another, so one slow or broken check cannot stop the rest. */
@ApplicationScoped
public class ScheduledChecks implements ScheduledJob {

    public static final String NAME = "checks";

    private static final Logger LOG = Logger.getLogger(ScheduledChecks.class);

    @Inject
    RunCheckFlow flow;

    @Override
    public String name() {
        return NAME;
    }

    @Scheduled(identity = NAME, cron = "{firebreak.checks.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().invoke(results -> results.stream().filter(r -> !"ok".equals(r.get("status")))
                .forEach(r -> LOG.infof("check %s: %s %s", r.get("name"), r.get("status"),
                        r.containsKey("error") ? r.get("error") : r.get("incident"))))
                .replaceWithVoid();
    }

    @Override
    public Uni<List<Map<String, Object>>> run() {
        Uni<List<Map<String, Object>>> all = Uni.createFrom().item(new ArrayList<>());
        for (DeclaredCheck check : flow.checks().values()) {
            if (check.scheduled()) {
                all = then(all, check.name(), () -> flow.run(check, true, "schedule:" + NAME));
            }
        }
        for (HttpCheck check : flow.httpChecks().values()) {
            // An unconfigured vendor check is not a failure of the schedule: it is left out, and run-check says why.
            if (check.scheduled() && HttpCheckRunner.missing(check).isEmpty()) {
                all = then(all, check.name(), () -> flow.run(check, true, "schedule:" + NAME));
            }
        }
        return all;
    }

    private static Uni<List<Map<String, Object>>> then(Uni<List<Map<String, Object>>> all, String name,
            java.util.function.Supplier<Uni<Map<String, Object>>> run) {
        return all.flatMap(list -> run.get()
                .onFailure().recoverWithItem(e -> Map.of("name", name, "status", "error", "error",
                        String.valueOf(e.getMessage())))
                .map(r -> {
                    list.add(r);
                    return list;
                }));
    }
}
