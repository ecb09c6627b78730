package io.firebreak.functions.clearretryqueue;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.safety.ActionConfig;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Seed 000 "If ERP sync storm": deactivate the integration (is_active = false) and move its
 * retrying rows to dismissed, planned, bounded, batched, idempotent and audited; undo restores both.
 */
@ApplicationScoped
public class ClearRetryQueueFlow implements Undoable {

    /** The applied answer: the integration deactivated and its retry queue dismissed. */
    @RegisterForReflection
    public record Cleared(boolean applied, String planId, long auditId, int integrationsDeactivated, int rowsDismissed) {
    }

    /** The applied answer of its undo. */
    @RegisterForReflection
    public record Restored(boolean applied, long undoOf, long auditId, int integrationsReactivated, int rowsRestored) {
    }

    public static final String FUNCTION = "clear-retry-queue";

    @Inject
    RetryQueue queue;

    @Inject
    PlannedActions actions;

    @Inject
    AuditTrail audit;

    @Inject
    ActionConfig config;

    @Inject
    ObjectMapper mapper;

    public Uni<JsonNode> report() {
        return queue.deadLetters().map(report -> {
            ObjectNode answer = mapper.createObjectNode();
            answer.put("windowHours", 24);
            answer.set("integrations", mapper.valueToTree(report));
            return answer;
        });
    }

    public Uni<JsonNode> plan(UUID integration, ActionInput input) {
        return proposal(integration).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    public Uni<JsonNode> apply(UUID integration, ActionInput input) {
        return actions.apply(FUNCTION, integration.toString(), input, proposal(integration), plan -> {
            JsonNode changes = plan.content();
            boolean deactivate = changes.path("integration").path("isActive").path("before").asBoolean();
            List<Long> ids = ids(changes.path("syncLogs").path("ids"));
            return actions.audited(FUNCTION, input, input(input, integration), changes, apply -> (deactivate
                    ? queue.setActive(apply, integration, true, false) : Uni.createFrom().item(0))
                    .flatMap(integrations -> queue.move(apply, ids, "retrying", "dismissed")
                            .map(rows -> new PlannedActions.Done<>(new int[] { integrations, rows }, integrations + rows,
                                    "applied"))))
                    .map(done -> (JsonNode) mapper.valueToTree(new Cleared(true, plan.id().toString(), done.auditId(),
                            done.result()[0], done.result()[1])));
        });
    }

    /** Undo finds this function by its name. */
    @Override
    public String function() {
        return FUNCTION;
    }

    /** Undo's dry run: the rows the apply dismissed that are still dismissed, and the integration it deactivated. */
    @Override
    public Uni<JsonNode> undoPlan(AuditTrail.Record applied, ActionInput input) {
        return undoProposal(applied).flatMap(p -> actions.plan("undo", input.getActor(), p));
    }

    @Override
    public Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input) {
        UUID integration = UUID.fromString(applied.plan().path("integration").path("id").asText());
        return actions.apply("undo", "audit:" + applied.id(), input, undoProposal(applied), plan -> {
            JsonNode changes = plan.content();
            boolean reactivate = changes.path("integration").path("isActive").path("after").asBoolean();
            List<Long> ids = ids(changes.path("syncLogs").path("ids"));
            java.util.Map<String, Object> in = java.util.Map.of("auditId", applied.id(), "planId", input.getPlanId());
            return actions.auditedUndo(input, in, changes, applied.id(), apply -> (reactivate
                    ? queue.setActive(apply, integration, false, true) : Uni.createFrom().item(0))
                    .flatMap(integrations -> queue.move(apply, ids, "dismissed", "retrying")
                            .map(rows -> new PlannedActions.Done<>(new int[] { integrations, rows }, integrations + rows,
                                    "applied"))))
                    .map(done -> (JsonNode) mapper.valueToTree(new Restored(true, applied.id(), done.auditId(),
                            done.result()[0], done.result()[1])));
        });
    }

    Uni<PlannedActions.Proposal> undoProposal(AuditTrail.Record applied) {
        JsonNode before = applied.plan();
        UUID integration = UUID.fromString(before.path("integration").path("id").asText());
        // What the apply changed: its recorded result (a failed apply's committed and in-doubt keys),
        // or, for records written before results, the whole plan.
        List<String> changedIntegrations = io.firebreak.safety.Applying.changedKeys(applied.result(), RetryQueue.INTEGRATIONS);
        List<String> changedLogs = io.firebreak.safety.Applying.changedKeys(applied.result(), RetryQueue.SYNC_LOGS);
        boolean wasActive = before.path("integration").path("isActive").path("before").asBoolean()
                && (changedIntegrations == null || changedIntegrations.contains(integration.toString()));
        List<Long> dismissed = changedLogs == null ? ids(before.path("syncLogs").path("ids"))
                : changedLogs.stream().map(Long::valueOf).sorted().toList();
        return audit.notUndone(applied.id()).flatMap(notUndone -> {
            return queue.integration(integration);
        }).flatMap(found -> queue.inStatus(dismissed, "dismissed").map(still -> {
            actions.bounded(still.size());
            boolean activeNow = found.map(RetryQueue.Integration::active).orElse(false);
            boolean reactivate = wasActive && found.isPresent() && !activeNow;
            ObjectNode changes = mapper.createObjectNode();
            ObjectNode in = changes.putObject("integration");
            in.put("id", integration.toString());
            in.putObject("isActive").put("before", activeNow).put("after", activeNow || reactivate);
            ObjectNode logs = changes.putObject("syncLogs");
            logs.putObject("syncStatus").put("before", "dismissed").put("after", "retrying");
            logs.put("count", still.size());
            logs.put("notRestored", dismissed.size() - still.size());
            logs.set("ids", mapper.valueToTree(still));
            String digest = PlannedActions.sha256("undo=" + applied.id() + ";reactivate=" + reactivate + ";dismissed="
                    + still.stream().map(String::valueOf).collect(Collectors.joining(",")));
            return new PlannedActions.Proposal("audit:" + applied.id(), digest, still.size() + (reactivate ? 1 : 0),
                    changes);
        }));
    }

    /** The dry run, done now: what deactivating and dismissing would change, and its digest. */
    Uni<PlannedActions.Proposal> proposal(UUID integration) {
        return queue.integration(integration).flatMap(found -> {
            RetryQueue.Integration i = found.orElseThrow(() -> new FunctionError(404, "unknown_integration",
                    "no ERP integration " + integration, "integrationId"));
            return queue.retrying(integration, config.maxRows() + 1).map(ids -> {
                actions.bounded(ids.size());
                ObjectNode changes = mapper.createObjectNode();
                ObjectNode in = changes.putObject("integration");
                in.put("id", i.id());
                in.put("name", i.name());
                in.put("erpSystem", i.erpSystem());
                in.putObject("isActive").put("before", i.active()).put("after", false);
                ObjectNode logs = changes.putObject("syncLogs");
                logs.putObject("syncStatus").put("before", "retrying").put("after", "dismissed");
                logs.put("count", ids.size());
                logs.put("batches", (ids.size() + config.batchSize() - 1) / config.batchSize());
                logs.set("ids", mapper.valueToTree(ids));
                String digest = PlannedActions.sha256("integration=" + i.id() + ";active=" + i.active() + ";retrying="
                        + ids.stream().map(String::valueOf).collect(Collectors.joining(",")));
                return new PlannedActions.Proposal(integration.toString(), digest, ids.size() + (i.active() ? 1 : 0),
                        changes);
            });
        });
    }

    static List<Long> ids(JsonNode array) {
        List<Long> ids = new java.util.ArrayList<>(array.size());
        array.forEach(n -> ids.add(n.asLong()));
        return ids;
    }

    private static java.util.Map<String, Object> input(ActionInput input, UUID integration) {
        return java.util.Map.of("integrationId", integration.toString(), "planId", input.getPlanId());
    }
}
