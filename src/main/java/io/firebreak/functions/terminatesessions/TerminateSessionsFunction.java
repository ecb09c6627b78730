package io.firebreak.functions.terminatesessions;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Durations;
import io.firebreak.platform.FunctionError;

/** Ends idle, long-running or named sessions on the target, never firebreak's, superuser or replication ones, planned and audited. */
@Singleton
public class TerminateSessionsFunction {

    static final int MAX_SESSIONS = 200;

    @Inject
    TerminateSessionsFlow flow;

    @Funq("terminate-sessions")
    public Uni<JsonNode> terminateSessions(TerminateSessionsInput input) {
        TerminateSessionsInput in = input == null ? new TerminateSessionsInput() : input;
        Duration idle = Durations.parse(in.getIdleFor(), "idleFor", Duration.ofSeconds(1), Duration.ofDays(7));
        Duration running = Durations.parse(in.getRunningFor(), "runningFor", Duration.ofSeconds(1), Duration.ofDays(7));
        List<Integer> pids = in.getPids() == null ? List.of() : in.getPids();
        int ways = (idle == null ? 0 : 1) + (running == null ? 0 : 1) + (pids.isEmpty() ? 0 : 1);
        if (ways != 1) {
            throw FunctionError.badInput(ways == 0 ? "missing_field" : "invalid_value", "idleFor",
                    "give exactly one of idleFor (e.g. 10m), runningFor (e.g. 5m) or pids");
        }
        int max = in.getMaxSessions() == null ? 50 : in.getMaxSessions();
        if (max < 1 || max > MAX_SESSIONS) {
            throw FunctionError.badInput("invalid_value", "maxSessions", "maxSessions is 1 to " + MAX_SESSIONS);
        }
        if (pids.size() > max || pids.stream().anyMatch(p -> p == null || p <= 0)) {
            throw FunctionError.badInput("invalid_value", "pids", "pids are at most maxSessions positive process ids");
        }
        String application = in.getApplication() == null || in.getApplication().isBlank() ? null : in.getApplication();
        if (application != null && !pids.isEmpty()) {
            throw FunctionError.badInput("invalid_value", "application", "application filters idleFor or runningFor, not pids");
        }
        TerminateSessionsFlow.Selection selection = idle != null
                ? new TerminateSessionsFlow.Selection("idle", (int) idle.toSeconds(), application, List.of(), max)
                : running != null
                        ? new TerminateSessionsFlow.Selection("running", (int) running.toSeconds(), application, List.of(), max)
                        : new TerminateSessionsFlow.Selection("pids", 0, null, List.copyOf(pids), max);
        return in.applying() ? flow.apply(selection, in) : flow.plan(selection, in);
    }
}
