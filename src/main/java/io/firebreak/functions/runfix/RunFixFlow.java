package io.firebreak.functions.runfix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.FunctionManifest.ApprovalPolicy;
import io.firebreak.platform.LogText;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.Applying;
import io.firebreak.safety.ApprovalPolicies;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * A declared fix under the safety model: the dry run lists every row it would touch, before and
 * after (or the whole row for a delete); the apply moves exactly those rows, in batches, approved
 * where the fix's policy says (every delete by default), with the app's log row when declared;
 * undo puts the before-images back (deleted rows re-inserted).
 */
@ApplicationScoped
public class RunFixFlow implements Undoable, ApprovalPolicies {

    public static final String FUNCTION = "run-fix";

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RunFixFlow.class);

    static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]{1,255}");

    /** The applied answer: rows changed, and whether the log row was written. */
    @RegisterForReflection
    public record Fixed(boolean applied, String planId, long auditId, String fix, int rows, boolean logged) {
    }

    /** The applied answer of its undo. */
    @RegisterForReflection
    public record Restored(boolean applied, long undoOf, long auditId, int rowsRestored) {
    }

    @Inject
    FunctionAdmission admission;

    /** The one function a Lambda serves; absent in the HTTP service, which serves them all. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.funqy.export")
    Optional<String> export;

    @Inject
    FixTables tables;

    @Inject
    PlannedActions actions;

    @Inject
    AuditTrail audit;

    @Inject
    ObjectMapper mapper;

    private final Declared<Map<String, DeclaredFix>> declared = new Declared<>(() -> DeclaredFixes.parse(admission.manifest()));

    public Map<String, DeclaredFix> declared() {
        return declared.get();
    }

    /**
     * A fix declared so that it could not run safely stops the service at start-up. Where run-fix
     * is served, each fix is also checked against the target's catalog then, without holding it: a mismatch is
     * a warning in the log (the target may be down or not yet migrated; every call checks again
     * and refuses with 409 declaration_mismatch).
     */
    void validate(@Observes StartupEvent start) {
        Map<String, DeclaredFix> fixes = declared();
        if (export.isPresent() && !export.get().equals(FUNCTION)) {
            // A Lambda of another function (confirm-outage's cold start among them) has no fix to run: no target reads.
            return;
        }
        for (DeclaredFix f : fixes.values()) {
            tables.describe(f).subscribe().with(ok -> {
            }, e -> LOG.warnf("fix %s %s", f.name(), e instanceof IllegalStateException
                    ? "does not match the target: " + e.getMessage() + " (run-fix refuses it until it does)"
                    : "was not checked against the target at start: " + LogText.firstLine(e.getMessage())));
        }
    }

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public Optional<ApprovalPolicy> policy(String scope) {
        String name = scope.startsWith("audit:") ? null : scope.split(":", 2)[0];
        return name == null || !declared().containsKey(name) ? Optional.empty() : declared().get(name).approval();
    }

    /** The caller's parameters, each of its declared type: exactly the declared names, or a 400 naming the field. */
    static Map<String, String> params(DeclaredFix f, Map<String, Object> given) {
        Map<String, Object> in = given == null ? Map.of() : given;
        for (String name : in.keySet()) {
            if (f.parameters().stream().noneMatch(p -> p.name().equals(name))) {
                throw FunctionError.badInput("unknown_field", "params." + name, "fix " + f.name() + " takes "
                        + f.parameters().stream().map(DeclaredFix.Param::name).toList());
            }
        }
        Map<String, String> out = new TreeMap<>();
        for (DeclaredFix.Param p : f.parameters()) {
            Object v = in.get(p.name());
            String field = "params." + p.name();
            if (v == null) {
                throw FunctionError.badInput("missing_field", field, "fix " + f.name() + " needs " + p.name() + " (" + p.type() + ")");
            }
            String text = String.valueOf(v).strip();
            switch (p.type()) {
                case "uuid" -> {
                    try {
                        text = UUID.fromString(text).toString();
                    } catch (IllegalArgumentException e) {
                        throw FunctionError.badInput("invalid_value", field, p.name() + " is a uuid");
                    }
                }
                case "integer" -> {
                    long n;
                    try {
                        // A JSON integer beyond a long arrives as BigInteger: parsed from its text, it is refused, never wrapped.
                        n = v instanceof Integer || v instanceof Long ? ((Number) v).longValue() : Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        throw FunctionError.badInput("invalid_value", field, p.name() + " is an integer");
                    }
                    if (n < p.min() || n > p.max()) {
                        throw FunctionError.badInput("invalid_value", field, p.name() + " is between " + p.min() + " and " + p.max());
                    }
                    text = Long.toString(n);
                }
                case "email" -> {
                    if (!EMAIL.matcher(text).matches()) {
                        throw FunctionError.badInput("invalid_value", field, p.name() + " is an email address");
                    }
                }
                default -> {
                    if (!(v instanceof String) || text.isEmpty() || text.length() > 500
                            || text.chars().anyMatch(Character::isISOControl)) {
                        throw FunctionError.badInput("invalid_value", field, p.name() + " is text of 1 to 500 characters");
                    }
                }
            }
            out.put(p.name(), text);
        }
        return out;
    }

    static String scope(DeclaredFix f, Map<String, String> params) {
        return f.name() + ":" + PlannedActions.sha256(params.toString());
    }

    public Uni<JsonNode> plan(DeclaredFix f, Map<String, String> params, ActionInput input) {
        return describe(f).flatMap(fix -> proposal(fix, params)).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    public Uni<JsonNode> apply(DeclaredFix f, Map<String, String> params, ActionInput input) {
        return describe(f).flatMap(fix -> actions.apply(FUNCTION, scope(f, params), input, proposal(fix, params), plan -> {
            List<String> keys = new ArrayList<>();
            plan.content().path("rows").forEach(row -> keys.add(row.path("key").asText()));
            Map<String, Object> in = Map.of("name", f.name(), "planId", input.getPlanId(), "params", params);
            ObjectNode details = mapper.createObjectNode().put("fix", f.name()).put("planId", input.getPlanId())
                    .put("rows_affected", keys.size()).put("reason", input.getReason())
                    .put("by", input.getActor().display());
            return actions.audited(FUNCTION, input, in, plan.content(), apply -> tables.apply(apply, fix, params, keys, details)
                    .map(n -> new PlannedActions.Done<>(n, n, "applied")))
                    .map(done -> (JsonNode) mapper.valueToTree(new Fixed(true, plan.id().toString(), done.auditId(), f.name(),
                            done.result(), f.log().isPresent() && done.result() > 0)));
        }));
    }

    /** Undo's dry run: the rows the fix changed that still hold what it gave them (a delete's: those not back). */
    @Override
    public Uni<JsonNode> undoPlan(AuditTrail.Record applied, ActionInput input) {
        DeclaredFix f = fixOf(applied);
        return describe(f).flatMap(fix -> undoProposal(fix, applied)).flatMap(p -> actions.plan("undo", input.getActor(), p));
    }

    @Override
    public Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input) {
        DeclaredFix f = fixOf(applied);
        return describe(f).flatMap(fix -> actions.apply("undo", "audit:" + applied.id(), input, undoProposal(fix, applied),
                plan -> {
                    List<FixTables.Row> rows = new ArrayList<>();
                    plan.content().path("rows").forEach(r -> rows.add(new FixTables.Row(r.path("key").asText(), r.path("before"),
                            r.path("after").isMissingNode() ? null : r.path("after"))));
                    Map<String, Object> in = Map.of("auditId", applied.id(), "planId", input.getPlanId());
                    return actions.auditedUndo(input, in, plan.content(), applied.id(), apply -> tables.restore(apply, fix, rows)
                            .map(n -> new PlannedActions.Done<>(n, n, "applied")))
                            .map(done -> (JsonNode) mapper.valueToTree(new Restored(true, applied.id(), done.auditId(),
                                    done.result())));
                }));
    }

    /** The fixed columns a later undo compares: not those set to now(), which hold the apply's own time. */
    static JsonNode compared(DeclaredFix f, JsonNode values) {
        ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        values.fields().forEachRemaining(e -> {
            DeclaredFix.Value v = f.set().get(e.getKey());
            if (v == null || !v.kind().equals("now")) {
                out.set(e.getKey(), canonical(e.getValue()));
            }
        });
        return out;
    }

    /** Numbers by value, not by spelling: 20.00 from the column and 20.0 from a sum are the same value. */
    static JsonNode canonical(JsonNode value) {
        return value.isNumber() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(
                value.decimalValue().stripTrailingZeros()) : value;
    }

    private DeclaredFix fixOf(AuditTrail.Record applied) {
        String name = applied.plan().path("fix").asText();
        DeclaredFix f = declared().get(name);
        if (f == null) {
            throw new FunctionError(409, "not_undoable", "fix " + name + " is no longer declared in functions.yaml", "auditId");
        }
        return f;
    }

    private Uni<FixTables.Fix> describe(DeclaredFix f) {
        return tables.describe(f).onFailure(IllegalStateException.class).transform(e -> new FunctionError(409,
                "declaration_mismatch", "fix " + f.name() + " does not match the target: " + e.getMessage()
                        + " (fix functions.yaml)", "name"));
    }

    /** The dry run now: every matching row with its before (and after) values; above maxRows nothing is planned. */
    Uni<PlannedActions.Proposal> proposal(FixTables.Fix fix, Map<String, String> params) {
        DeclaredFix f = fix.declared();
        return tables.matching(fix, params, f.maxRows() + 1).map(rows -> {
            if (rows.size() > f.maxRows()) {
                throw new FunctionError(409, "over_bound", "more than " + f.maxRows() + " rows of " + f.qualifiedTable()
                        + " match fix " + f.name() + " (its maxRows): nothing is planned; check the parameters", "params");
            }
            actions.bounded(rows.size());
            ObjectNode changes = mapper.createObjectNode();
            changes.put("fix", f.name());
            changes.put("table", f.qualifiedTable());
            changes.put("key", f.key());
            changes.put("action", f.delete() ? "delete" : "update");
            changes.set("params", mapper.valueToTree(params));
            changes.put("count", rows.size());
            f.log().ifPresent(l -> changes.put("log", l.qualifiedTable()));
            ArrayNode list = changes.putArray("rows");
            for (FixTables.Row r : rows) {
                ObjectNode row = list.addObject().put("key", r.key());
                row.set("before", r.before());
                if (r.after() != null) {
                    row.set("after", r.after());
                }
            }
            return new PlannedActions.Proposal(scope(f, params), PlannedActions.sha256(changes.toString()), rows.size(), changes);
        });
    }

    Uni<PlannedActions.Proposal> undoProposal(FixTables.Fix fix, AuditTrail.Record applied) {
        DeclaredFix f = fix.declared();
        // Only what the apply committed (and what is in doubt), from its recorded result.
        List<String> changed = Applying.changedKeys(applied.result(), f.qualifiedTable());
        Map<String, JsonNode> planned = new LinkedHashMap<>();
        Map<String, JsonNode> after = new LinkedHashMap<>();
        applied.plan().path("rows").forEach(row -> {
            String key = row.path("key").asText();
            if (changed == null || changed.contains(key)) {
                planned.put(key, row.path("before"));
                after.put(key, row.path("after"));
            }
        });
        List<String> keys = List.copyOf(planned.keySet());
        Uni<List<String>> restorable = audit.notUndone(applied.id()).flatMap(v -> keys.isEmpty()
                ? Uni.createFrom().item(List.<String>of())
                : f.delete() ? tables.existing(fix, keys).map(back -> keys.stream().filter(k -> !back.contains(k)).toList())
                        : tables.current(fix, keys).map(now -> keys.stream()
                                .filter(k -> now.containsKey(k) && compared(f, now.get(k)).equals(compared(f, after.get(k))))
                                .toList()));
        return restorable.map(still -> {
            actions.bounded(still.size());
            ObjectNode changes = mapper.createObjectNode();
            changes.put("fix", f.name());
            changes.put("table", f.qualifiedTable());
            changes.put("action", f.delete() ? "re-insert" : "restore");
            changes.put("count", still.size());
            changes.put("notRestored", keys.size() - still.size());
            ArrayNode list = changes.putArray("rows");
            for (String k : still) {
                ObjectNode row = list.addObject().put("key", k);
                row.set("before", planned.get(k));
                if (!f.delete()) {
                    row.set("after", after.get(k));
                }
            }
            return new PlannedActions.Proposal("audit:" + applied.id(), PlannedActions.sha256("undo=" + applied.id() + ";"
                    + still.stream().collect(Collectors.joining(","))), still.size(), changes);
        });
    }
}
