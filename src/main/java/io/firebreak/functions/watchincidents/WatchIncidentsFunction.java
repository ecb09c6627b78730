package io.firebreak.functions.watchincidents;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** Escalates unacknowledged or long-running incidents, reminds about due updates and post-mortems, delivers team messages. */
@Singleton
public class WatchIncidentsFunction {

    @Inject
    IncidentWatch watch;

    @Funq("watch-incidents")
    public Uni<IncidentWatch.Report> watchIncidents(WatchIncidentsInput input) {
        return watch.run(input != null && Boolean.TRUE.equals(input.getDryRun()));
    }
}
