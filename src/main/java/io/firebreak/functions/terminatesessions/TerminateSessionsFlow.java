package io.firebreak.functions.terminatesessions;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.functions.terminatesessions.TargetSessions.Session;
import io.firebreak.platform.FunctionError;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Plans which sessions would end (and which are protected), then ends exactly the planned ones if
 * they are still the same sessions in the same state, audited with the sessions it ended.
 */
@ApplicationScoped
public class TerminateSessionsFlow implements Undoable.Irreversible {

    /** The applied answer: which sessions ended, and which were still connected when the wait ran out. */
    @RegisterForReflection
    public record Terminated(boolean applied, String planId, long auditId, List<Integer> terminated,
            List<Integer> stillConnected) {
    }


    public static final String FUNCTION = "terminate-sessions";

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public String why() {
        return "ended sessions cannot be brought back; the application reconnects on its own";
    }

    /** How long the apply waits for signalled sessions to exit before it reports them as still there. */
    static final Duration EXIT_WAIT = Duration.ofSeconds(3);

    @Inject
    TargetSessions sessions;

    @Inject
    PlannedActions actions;

    @Inject
    ObjectMapper mapper;

    /** One way of choosing sessions; its scope pins the plan to it. */
    public record Selection(String mode, int seconds, String application, List<Integer> pids, int max) {

        String scope() {
            return switch (mode) {
                case "pids" -> "pids:" + pids.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
                default -> mode + ":" + seconds + "s" + (application == null ? "" : ":" + application) + ":max" + max;
            };
        }

        /** The state a planned session must still be in for the apply to end it. */
        boolean stillMatches(Session s) {
            return switch (mode) {
                case "idle" -> "idle".equals(s.state());
                case "running" -> "active".equals(s.state());
                default -> true;
            };
        }
    }

    /** The signalled sessions that exited, and those still connected when the wait ended. */
    record Ended(List<Integer> gone, List<Integer> remaining) {
    }

    public Uni<JsonNode> plan(Selection selection, ActionInput input) {
        return proposal(selection).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    public Uni<JsonNode> apply(Selection selection, ActionInput input) {
        return actions.apply(FUNCTION, selection.scope(), input, plan -> current(selection, plan.content()), plan -> {
            JsonNode changes = plan.content();
            List<Integer> pids = new ArrayList<>();
            List<OffsetDateTime> starts = new ArrayList<>();
            changes.path("terminate").forEach(s -> {
                pids.add(s.path("pid").asInt());
                starts.add(OffsetDateTime.parse(s.path("backendStart").asText()));
            });
            Map<String, Object> in = Map.of("scope", selection.scope(), "planId", input.getPlanId());
            return actions.audited(FUNCTION, input, in, changes, apply -> sessions.terminate(apply, pids, starts)
                    .flatMap(signalled -> exited(pids, starts, System.nanoTime() + EXIT_WAIT.toNanos()).map(remaining -> {
                        List<Integer> gone = signalled.stream().filter(p -> !remaining.contains(p)).toList();
                        return new PlannedActions.Done<>(new Ended(gone, remaining), gone.size(), "applied");
                    })))
                    .map(done -> (JsonNode) mapper.valueToTree(new Terminated(true, plan.id().toString(), done.auditId(),
                            done.result().gone(), done.result().remaining())));
        });
    }

    /** Polls until the planned sessions are gone or the wait is over; answers the pids still there. */
    private Uni<List<Integer>> exited(List<Integer> pids, List<OffsetDateTime> starts, long deadline) {
        return sessions.still(pids, starts).flatMap(left -> {
            List<Integer> remaining = left.stream().map(Session::pid).toList();
            if (remaining.isEmpty() || System.nanoTime() > deadline) {
                return Uni.createFrom().item(remaining);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(100))
                    .flatMap(v -> exited(pids, starts, deadline));
        });
    }

    /** The dry run now: matching sessions split into those it would end and those it protects. */
    Uni<PlannedActions.Proposal> proposal(Selection selection) {
        Uni<List<Session>> found = switch (selection.mode()) {
            case "idle" -> sessions.idle(selection.seconds(), selection.application(), selection.max() + 1);
            case "running" -> sessions.running(selection.seconds(), selection.application(), selection.max() + 1);
            default -> sessions.pids(selection.pids());
        };
        return found.map(list -> {
            List<Session> terminate = list.stream().filter(Session::terminable).limit(selection.max()).toList();
            List<Session> protectedOnes = list.stream().filter(s -> !s.terminable()).toList();
            ObjectNode changes = mapper.createObjectNode();
            changes.put("mode", selection.mode());
            changes.set("terminate", mapper.valueToTree(terminate));
            changes.set("protected", mapper.valueToTree(protectedOnes));
            changes.put("moreMatching", list.stream().filter(Session::terminable).count() > selection.max());
            if (selection.mode().equals("pids")) {
                List<Integer> seen = list.stream().map(Session::pid).toList();
                changes.set("notFound", mapper.valueToTree(selection.pids().stream().filter(p -> !seen.contains(p)).toList()));
            }
            return new PlannedActions.Proposal(selection.scope(), digest(terminate), terminate.size(), changes);
        });
    }

    /** For the apply: the planned sessions that are still the same, unprotected and in the planned state. */
    Uni<PlannedActions.Proposal> current(Selection selection, JsonNode planned) {
        List<Integer> pids = new ArrayList<>();
        List<OffsetDateTime> starts = new ArrayList<>();
        planned.path("terminate").forEach(s -> {
            pids.add(s.path("pid").asInt());
            starts.add(OffsetDateTime.parse(s.path("backendStart").asText()));
        });
        if (pids.isEmpty()) {
            throw new FunctionError(409, "nothing_to_apply", "the plan ends no session", "planId");
        }
        return sessions.still(pids, starts).map(now -> {
            List<Session> still = now.stream().filter(Session::terminable).filter(selection::stillMatches).toList();
            return new PlannedActions.Proposal(selection.scope(), digest(still), still.size(), planned);
        });
    }

    static String digest(List<Session> list) {
        return PlannedActions.sha256(list.stream().map(s -> s.pid() + "@" + s.backendStart().toInstant())
                .sorted().collect(Collectors.joining(",")));
    }
}
