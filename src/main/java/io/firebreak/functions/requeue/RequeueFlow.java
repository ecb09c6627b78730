package io.firebreak.functions.requeue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionError;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * A declared requeue under the safety model: the dry run lists each row with its before-state, the
 * apply moves exactly those rows (still in the from status) in short batches with an audit record,
 * and undo puts back the before-state of rows the application has not picked up yet.
 */
@ApplicationScoped
public class RequeueFlow implements Undoable {

    /** The applied answer of a requeue. */
    @RegisterForReflection
    public record Requeued(boolean applied, String planId, long auditId, int rowsRequeued) {
    }

    /** The applied answer of its undo: the rows put back as they were. */
    @RegisterForReflection
    public record Restored(boolean applied, long undoOf, long auditId, int rowsRestored) {
    }

    public static final String FUNCTION = "requeue";

    @Inject
    FunctionAdmission admission;

    @Inject
    QueueTables queues;

    @Inject
    PlannedActions actions;

    @Inject
    AuditTrail audit;

    @Inject
    ObjectMapper mapper;

    private final Declared<Map<String, DeclaredRequeue>> declared = new Declared<>(() -> DeclaredRequeues.parse(admission.manifest()));

    public Map<String, DeclaredRequeue> declared() {
        return declared.get();
    }

    /** A malformed declared requeue stops the service at start-up, as a refused check does. */
    void validate(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent start) {
        declared();
    }

    static String scope(DeclaredRequeue r, List<String> ids) {
        return r.name() + (ids.isEmpty() ? "" : ":" + PlannedActions.sha256(String.join(",", ids.stream().sorted().toList())));
    }

    public Uni<JsonNode> plan(DeclaredRequeue r, List<String> ids, ActionInput input) {
        return describe(r).flatMap(q -> proposal(q, ids)).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    public Uni<JsonNode> apply(DeclaredRequeue r, List<String> ids, ActionInput input) {
        return describe(r).flatMap(q -> actions.apply(FUNCTION, scope(r, ids), input, proposal(q, ids), plan -> {
            JsonNode changes = plan.content();
            List<String> rowIds = new ArrayList<>();
            changes.path("rows").forEach(row -> rowIds.add(row.path("id").asText()));
            Map<String, Object> in = Map.of("name", r.name(), "planId", input.getPlanId(), "ids", ids);
            return actions.audited(FUNCTION, input, in, changes,
                    apply -> queues.requeue(apply, q, rowIds).map(moved -> new PlannedActions.Done<>(moved, moved, "applied")))
                    .map(done -> (JsonNode) mapper.valueToTree(new Requeued(true, plan.id().toString(), done.auditId(),
                            done.result())));
        }));
    }

    /** Undo finds this function by its name. */
    @Override
    public String function() {
        return FUNCTION;
    }

    /** Undo's dry run: the requeued rows still in the to status, and the values they would get back. */
    @Override
    public Uni<JsonNode> undoPlan(AuditTrail.Record applied, ActionInput input) {
        DeclaredRequeue r = requeueOf(applied);
        return describe(r).flatMap(q -> undoProposal(q, applied)).flatMap(p -> actions.plan("undo", input.getActor(), p));
    }

    @Override
    public Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input) {
        DeclaredRequeue r = requeueOf(applied);
        return describe(r).flatMap(q -> actions.apply("undo", "audit:" + applied.id(), input, undoProposal(q, applied), plan -> {
            List<QueueTables.Before> rows = new ArrayList<>();
            plan.content().path("rows").forEach(row -> rows.add(new QueueTables.Before(row.path("id").asText(),
                    row.path("before"))));
            Map<String, Object> in = Map.of("auditId", applied.id(), "planId", input.getPlanId());
            return actions.auditedUndo(input, in, plan.content(), applied.id(), apply -> queues.restore(apply, q, rows)
                    .map(restored -> new PlannedActions.Done<>(restored, restored, "applied")))
                    .map(done -> (JsonNode) mapper.valueToTree(new Restored(true, applied.id(), done.auditId(),
                            done.result())));
        }));
    }

    private DeclaredRequeue requeueOf(AuditTrail.Record applied) {
        String name = applied.plan().path("requeue").asText();
        DeclaredRequeue r = declared().get(name);
        if (r == null) {
            throw new FunctionError(409, "not_undoable", "requeue " + name + " is no longer declared in functions.yaml",
                    "auditId");
        }
        return r;
    }

    private Uni<QueueTables.Queue> describe(DeclaredRequeue r) {
        return queues.describe(r).onFailure(IllegalStateException.class).transform(e -> new FunctionError(409,
                "declaration_mismatch", "requeue " + r.name() + " does not match the target: " + e.getMessage()
                        + " (fix functions.yaml)", "name"));
    }

    /** The dry run now: the rows in the from status (of the given ids), each with its before-state. */
    Uni<PlannedActions.Proposal> proposal(QueueTables.Queue q, List<String> ids) {
        DeclaredRequeue r = q.declared();
        typed(q, ids);
        return queues.candidates(q, ids, r.maxRows() + 1).map(rows -> {
            if (rows.size() > r.maxRows()) {
                throw new FunctionError(409, "over_bound", "more than " + r.maxRows() + " rows of " + r.qualifiedTable()
                        + " are " + r.from() + " (maxRows of requeue " + r.name() + "): name the ids to requeue", "ids");
            }
            actions.bounded(rows.size());
            ObjectNode changes = mapper.createObjectNode();
            changes.put("requeue", r.name());
            changes.put("table", r.qualifiedTable());
            changes.putObject(r.statusColumn()).put("before", r.from()).put("after", r.to());
            changes.set("reset", mapper.valueToTree(r.reset()));
            changes.put("count", rows.size());
            if (!ids.isEmpty()) {
                List<String> found = rows.stream().map(QueueTables.Before::id).toList();
                changes.set("notInStatus", mapper.valueToTree(ids.stream().filter(i -> !found.contains(i)).toList()));
            }
            ArrayNode list = changes.putArray("rows");
            rows.forEach(b -> list.addObject().put("id", b.id()).set("before", b.values()));
            return new PlannedActions.Proposal(scope(r, ids), digest(rows), rows.size(), changes);
        });
    }

    /** Each id must be a value of the id column's type (from the catalog): a wrong one is the caller's, a 400. */
    static void typed(QueueTables.Queue q, List<String> ids) {
        String type = String.valueOf(q.types().get(q.declared().idColumn()));
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            try {
                // format_type's names; text-like ids take any text.
                if (type.equals("uuid")) {
                    java.util.UUID.fromString(id);
                } else if (List.of("smallint", "integer", "bigint").contains(type)) {
                    Long.parseLong(id);
                } else if (type.startsWith("numeric")) {
                    new java.math.BigDecimal(id);
                }
            } catch (IllegalArgumentException e) {
                throw FunctionError.badInput("invalid_value", "ids[" + i + "]", "'" + id + "' is not a " + type + " (the type of "
                        + q.declared().qualifiedTable() + "." + q.declared().idColumn() + ")");
            }
        }
    }

    Uni<PlannedActions.Proposal> undoProposal(QueueTables.Queue q, AuditTrail.Record applied) {
        DeclaredRequeue r = q.declared();
        Map<String, JsonNode> before = new java.util.LinkedHashMap<>();
        // Only what the apply changed: its recorded result (committed and in doubt), or the whole plan before results.
        List<String> changed = io.firebreak.safety.Applying.changedKeys(applied.result(), r.qualifiedTable());
        applied.plan().path("rows").forEach(row -> {
            if (changed == null || changed.contains(row.path("id").asText())) {
                before.put(row.path("id").asText(), row.path("before"));
            }
        });
        return audit.notUndone(applied.id()).flatMap(notUndone -> {
            return before.isEmpty() ? Uni.createFrom().item(List.<QueueTables.Before>of())
                    : queues.inStatus(q, List.copyOf(before.keySet()), r.to());
        }).map(still -> {
            actions.bounded(still.size());
            ObjectNode changes = mapper.createObjectNode();
            changes.put("requeue", r.name());
            changes.put("table", r.qualifiedTable());
            changes.putObject(r.statusColumn()).put("before", r.to()).put("after", r.from());
            changes.put("count", still.size());
            changes.put("notRestored", before.size() - still.size());
            ArrayNode list = changes.putArray("rows");
            still.forEach(b -> list.addObject().put("id", b.id()).set("before", before.get(b.id())));
            List<QueueTables.Before> restore = still.stream().map(b -> new QueueTables.Before(b.id(), before.get(b.id())))
                    .toList();
            return new PlannedActions.Proposal("audit:" + applied.id(), PlannedActions.sha256("undo=" + applied.id() + ";"
                    + digest(restore)), still.size(), changes);
        });
    }

    static String digest(List<QueueTables.Before> rows) {
        return PlannedActions.sha256(rows.stream().map(b -> b.id() + "=" + b.values()).collect(Collectors.joining(",")));
    }
}
