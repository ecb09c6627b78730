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
import io.firebreak.safety.ChangeSets;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Seed 000 "If ERP sync storm": deactivate the integration (is_active = false) and move its
 * retrying rows to dismissed, planned, bounded, batched, idempotent and audited; undo restores both.
 */
@ApplicationScoped
public class ClearRetryQueueFlow implements Undoable {

    /** The applied answer: the integration deactivated, its retry queue dismissed, and planned rows no longer retrying. */
    @RegisterForReflection
    public record Cleared(boolean applied, String planId, long auditId, int integrationsDeactivated, int rowsDismissed,
            int skipped) {
    }

    /** The applied answer of its undo. */
    @RegisterForReflection
    public record Restored(boolean applied, long undoOf, long auditId, int integrationsReactivated, int rowsRestored,
            int skipped) {
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

    @Inject
    ChangeSets sets;

    public Uni<JsonNode> report() {
        return queue.deadLetters().map(report -> {
            ObjectNode answer = mapper.createObjectNode();
            answer.put("windowHours", 24);
            answer.set("integrations", mapper.valueToTree(report));
            return answer;
        });
    }

    public Uni<JsonNode> plan(UUID integration, ActionInput input) {
        return proposal(integration).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p)
                .onFailure().call(e -> sets.delete(p.planId())));
    }

    /** The next page of a stored plan's ids (planId + cursor). */
    public Uni<JsonNode> page(ActionInput input) {
        return actions.page(FUNCTION, input);
    }

    /**
     * The apply uses the plan's stored set: the integration must still be as planned (else
     * stale_plan), and each chunk changes only its rows still retrying; the rest are counted as skipped.
     */
    public Uni<JsonNode> apply(UUID integration, ActionInput input) {
        return actions.apply(FUNCTION, integration.toString(), input, plan -> current(integration, plan), plan -> {
            JsonNode changes = plan.content();
            boolean deactivate = changes.path("integration").path("isActive").path("before").asBoolean();
            int chunks = changes.path("syncLogs").path("set").path("chunks").asInt();
            return actions.audited(FUNCTION, input, input(input, integration), changes, apply -> (deactivate
                    ? queue.setActive(apply, integration, true, false) : Uni.createFrom().item(0))
                    .flatMap(integrations -> queue.move(apply, sets, plan.id(), chunks, "retrying", "dismissed")
                            .map(moved -> new PlannedActions.Done<>(new long[] { integrations, moved.moved(), moved.skipped() },
                                    (int) (integrations + moved.moved()), "applied"))))
                    .map(done -> (JsonNode) mapper.valueToTree(new Cleared(true, plan.id().toString(), done.auditId(),
                            (int) done.result()[0], (int) done.result()[1], (int) done.result()[2])));
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
        return undoProposal(applied).flatMap(p -> actions.plan("undo", input.getActor(), p)
                .onFailure().call(e -> sets.delete(p.planId())));
    }

    @Override
    public Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input) {
        UUID integration = UUID.fromString(applied.plan().path("integration").path("id").asText());
        return actions.apply("undo", "audit:" + applied.id(), input, plan -> undoCurrent(applied, plan), plan -> {
            JsonNode changes = plan.content();
            boolean reactivate = changes.path("integration").path("isActive").path("after").asBoolean()
                    && !changes.path("integration").path("isActive").path("before").asBoolean();
            int chunks = changes.path("syncLogs").path("set").path("chunks").asInt();
            java.util.Map<String, Object> in = java.util.Map.of("auditId", applied.id(), "planId", input.getPlanId());
            return actions.auditedUndo(input, in, changes, applied.id(), apply -> (reactivate
                    ? queue.setActive(apply, integration, false, true) : Uni.createFrom().item(0))
                    .flatMap(integrations -> queue.move(apply, sets, plan.id(), chunks, "dismissed", "retrying")
                            .map(moved -> new PlannedActions.Done<>(new long[] { integrations, moved.moved(), moved.skipped() },
                                    (int) (integrations + moved.moved()), "applied"))))
                    .map(done -> (JsonNode) mapper.valueToTree(new Restored(true, applied.id(), done.auditId(),
                            (int) done.result()[0], (int) done.result()[1], (int) done.result()[2])));
        });
    }

    /** Whether the integration is active now, and whether undo would reactivate it (the apply deactivated it, and it is inactive now). */
    private Uni<boolean[]> reactivates(AuditTrail.Record applied) {
        JsonNode before = applied.plan();
        UUID integration = UUID.fromString(before.path("integration").path("id").asText());
        List<String> changedIntegrations = io.firebreak.safety.Applying.changedKeys(applied.result(), RetryQueue.INTEGRATIONS);
        boolean wasActive = before.path("integration").path("isActive").path("before").asBoolean()
                && (changedIntegrations == null || changedIntegrations.contains(integration.toString()));
        return audit.notUndone(applied.id()).flatMap(notUndone -> queue.integration(integration))
                .map(found -> {
                    boolean activeNow = found.map(RetryQueue.Integration::active).orElse(false);
                    return new boolean[] { activeNow, wasActive && found.isPresent() && !activeNow };
                });
    }

    /** The undo's apply: what it would reactivate now, and the set its dry run stored (each chunk re-checked as it runs). */
    Uni<PlannedActions.Proposal> undoCurrent(AuditTrail.Record applied, io.firebreak.safety.Plans.Plan plan) {
        JsonNode logs = plan.content().path("syncLogs");
        return reactivates(applied).map(state -> {
            boolean reactivate = state[1];
            long count = logs.path("count").asLong();
            String digest = undoDigest(applied.id(), reactivate, logs.path("set").path("digest").asText());
            return new PlannedActions.Proposal("audit:" + applied.id(), digest, (int) count + (reactivate ? 1 : 0),
                    plan.content());
        });
    }

    static String undoDigest(long auditId, boolean reactivate, String setDigest) {
        return PlannedActions.sha256("undo=" + auditId + ";reactivate=" + reactivate + ";dismissed=" + setDigest);
    }

    /**
     * Undo's dry run: of the rows the apply changed (its stored set's committed chunks less the rows
     * it skipped, and a chunk in doubt; or, for records before stored sets, the ids its result or plan
     * lists), those still dismissed, written chunk by chunk into the undo plan's own stored set.
     */
    Uni<PlannedActions.Proposal> undoProposal(AuditTrail.Record applied) {
        JsonNode before = applied.plan();
        UUID integration = UUID.fromString(before.path("integration").path("id").asText());
        UUID planId = UUID.randomUUID();
        ChangeSets.Writer writer = sets.writer(planId, RetryQueue.SYNC_LOGS, true);
        long[] source = { 0 };
        return reactivates(applied).flatMap(state -> undoSource(applied, writer, source)
                .flatMap(v -> writer.finish()).map(still -> {
                    boolean activeNow = state[0];
                    boolean reactivate = state[1];
                    actions.bounded((int) Math.min(Integer.MAX_VALUE, still.count()));
                    ObjectNode changes = mapper.createObjectNode();
                    ObjectNode in = changes.putObject("integration");
                    in.put("id", integration.toString());
                    in.putObject("isActive").put("before", activeNow).put("after", activeNow || reactivate);
                    ObjectNode logs = changes.putObject("syncLogs");
                    logs.putObject("syncStatus").put("before", "dismissed").put("after", "retrying");
                    logs.put("count", still.count());
                    logs.put("notRestored", source[0] - still.count());
                    ObjectNode shown = shown(changes, logs, still);
                    return new PlannedActions.Proposal("audit:" + applied.id(), undoDigest(applied.id(), reactivate,
                            still.digest()), (int) still.count() + (reactivate ? 1 : 0), changes, planId, shown);
                }))
                .onFailure().call(e -> sets.delete(planId));
    }

    /** Feeds the rows the apply may have changed, still dismissed, into the undo's set; counts the candidates. */
    private Uni<Void> undoSource(AuditTrail.Record applied, ChangeSets.Writer into, long[] source) {
        var stored = io.firebreak.safety.Applying.changedSet(applied.result(), RetryQueue.SYNC_LOGS);
        if (stored.isPresent()) {
            var changed = stored.get();
            String except = "{" + String.join(",", changed.notChanged()) + "}";
            List<Integer> seqs = new java.util.ArrayList<>();
            for (int seq = 0; seq <= changed.committedThrough(); seq++) {
                seqs.add(seq);
            }
            if (changed.inDoubtChunk() != null && changed.inDoubtChunk() > changed.committedThrough()) {
                seqs.add(changed.inDoubtChunk());
            }
            Uni<Void> fed = Uni.createFrom().voidItem();
            for (int seq : seqs) {
                fed = fed.flatMap(v -> sets.chunk(changed.planId(), RetryQueue.SYNC_LOGS, seq)).flatMap(chunk -> chunk
                        .map(keys -> {
                            source[0] += ChangeSets.parse(keys).length;
                            return queue.chunkInStatus(keys, "dismissed", except)
                                    .flatMap(r -> into.add(r.getString("keys"), r.getInteger("n")));
                        }).orElse(Uni.createFrom().voidItem()));
            }
            return fed;
        }
        // Records written before stored sets: the ids their result (or, before results, their plan) lists.
        List<String> changedLogs = io.firebreak.safety.Applying.changedKeys(applied.result(), RetryQueue.SYNC_LOGS);
        List<Long> ids = changedLogs == null ? ids(applied.plan().path("syncLogs").path("ids"))
                : changedLogs.stream().map(Long::valueOf).sorted().toList();
        source[0] = ids.size();
        Uni<Void> fed = Uni.createFrom().voidItem();
        for (int from = 0; from < ids.size(); from += config.batchSize()) {
            List<Long> batch = ids.subList(from, Math.min(ids.size(), from + config.batchSize()));
            String keys = "{" + batch.stream().map(String::valueOf).collect(Collectors.joining(",")) + "}";
            fed = fed.flatMap(v -> queue.chunkInStatus(keys, "dismissed", "{}"))
                    .flatMap(r -> into.add(r.getString("keys"), r.getInteger("n")));
        }
        return fed;
    }

    /** The apply's re-plan: the integration as it is now, and the set the dry run stored (never re-read). */
    Uni<PlannedActions.Proposal> current(UUID integration, io.firebreak.safety.Plans.Plan plan) {
        JsonNode logs = plan.content().path("syncLogs");
        return queue.integration(integration).map(found -> {
            RetryQueue.Integration i = found.orElseThrow(() -> new FunctionError(404, "unknown_integration",
                    "no ERP integration " + integration, "integrationId"));
            long count = logs.path("count").asLong();
            return new PlannedActions.Proposal(integration.toString(), digest(i, logs.path("set").path("digest").asText()),
                    (int) count + (i.active() ? 1 : 0), plan.content());
        });
    }

    static String digest(RetryQueue.Integration i, String setDigest) {
        return PlannedActions.sha256("integration=" + i.id() + ";active=" + i.active() + ";retrying=" + setDigest);
    }

    /**
     * The dry run: what deactivating and dismissing would change, and its digest. The retrying
     * ids stream from the target into the plan's stored set (ChangeSets); the answer holds their
     * count, a sample and the first page, with the cursor of the next.
     */
    Uni<PlannedActions.Proposal> proposal(UUID integration) {
        return queue.integration(integration).flatMap(found -> {
            RetryQueue.Integration i = found.orElseThrow(() -> new FunctionError(404, "unknown_integration",
                    "no ERP integration " + integration, "integrationId"));
            UUID planId = UUID.randomUUID();
            ChangeSets.Writer writer = sets.writer(planId, RetryQueue.SYNC_LOGS, true);
            return queue.retrying(integration, config.maxRows() + 1, writer).flatMap(n -> writer.finish()).map(set -> {
                actions.bounded((int) Math.min(Integer.MAX_VALUE, set.count()));
                ObjectNode changes = mapper.createObjectNode();
                ObjectNode in = changes.putObject("integration");
                in.put("id", i.id());
                in.put("name", i.name());
                in.put("erpSystem", i.erpSystem());
                in.putObject("isActive").put("before", i.active()).put("after", false);
                ObjectNode logs = changes.putObject("syncLogs");
                logs.putObject("syncStatus").put("before", "retrying").put("after", "dismissed");
                logs.put("count", set.count());
                ObjectNode shown = shown(changes, logs, set);
                return new PlannedActions.Proposal(integration.toString(), digest(i, set.digest()),
                        (int) set.count() + (i.active() ? 1 : 0), changes, planId, shown);
            }).onFailure().call(e -> sets.delete(planId));
        });
    }

    static List<Long> longs(List<String> keys) {
        return keys.stream().map(Long::valueOf).toList();
    }

    /**
     * The stored set described in the plan (batches, its descriptor, a sample), and what the dry run
     * answers: the same, with the first page of ids and the cursor to the next.
     */
    private ObjectNode shown(ObjectNode changes, ObjectNode logs, ChangeSets.Stored set) {
        logs.put("batches", set.chunks());
        logs.set("set", set.descriptor(mapper));
        logs.set("sample", mapper.valueToTree(longs(set.sample())));
        ObjectNode shown = changes.deepCopy();
        ((ObjectNode) shown.path("syncLogs")).set("ids", mapper.valueToTree(longs(set.firstPage())));
        ((ObjectNode) shown.path("syncLogs")).put("nextCursor", set.nextCursor());
        return shown;
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
