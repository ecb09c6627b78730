package io.firebreak.functions.railwayvariable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

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
import io.firebreak.platform.LogText;
import io.firebreak.providers.railway.RailwayActions;
import io.firebreak.providers.railway.RailwayServices;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.ActionTimeline;
import io.firebreak.safety.Applying;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Seed 004's switches (MAINTENANCE_MODE, USE_FALLBACK, a feature flag, LOG_LEVEL) on a declared
 * Railway service, from functions.yaml's allow-list only: the plan shows the value before and after
 * (a {@code secret: true} variable's values masked everywhere), the apply upserts or deletes it at
 * Railway and follows the deployment Railway starts with it, and undo puts the old value back while
 * the one set is still there. A secret variable's old value is never stored, so its change cannot be undone.
 */
@ApplicationScoped
public class RailwayVariableFlow implements Undoable {

    public static final String FUNCTION = "railway-variable";

    private static final Logger LOG = Logger.getLogger(RailwayVariableFlow.class);

    /** A checked call: the service, the declared variable, the value to set (null: unset), and whether Railway deploys. */
    public record Request(RailwayServices.Service service, RailwayServices.Variable variable, String value,
            boolean skipDeploys) {
        String scope() {
            return service.name() + ":" + variable.name();
        }
    }

    /** The applied answer: the values before and after as the plan shows them, and the deployment Railway made with it. */
    @RegisterForReflection
    public record Changed(boolean applied, String outcome, String planId, long auditId, String service, String name,
            String before, String after, boolean deploys, RailwayActions.Settled deployment) {
    }

    /** The applied answer of its undo. */
    @RegisterForReflection
    public record Restored(boolean applied, long undoOf, long auditId, String service, String name, String before,
            String after, boolean deploys, RailwayActions.Settled deployment) {
    }

    @Inject
    RailwayActions railway;

    @Inject
    PlannedActions actions;

    @Inject
    AuditTrail audit;

    @Inject
    ActionTimeline timeline;

    @Inject
    FunctionAdmission admission;

    @Inject
    ObjectMapper mapper;

    private final Declared<RailwayServices> services = new Declared<>(
            () -> RailwayServices.parse(admission.manifest().settings("railway")));

    void validate(@Observes StartupEvent start) {
        services.get();
    }

    public RailwayServices declared() {
        return services.get();
    }

    @Override
    public String function() {
        return FUNCTION;
    }

    /** Checks the input against the declaration: a declared service, an allowed variable on it, exactly one of value or unset. */
    public Request request(RailwayServices declared, RailwayVariableInput in) {
        RailwayServices.Service service = railway.service(declared, in.getService());
        if (in.getName() == null || in.getName().isBlank()) {
            throw FunctionError.badInput("missing_field", "name", "name the variable: one of " + allowed(declared, service));
        }
        String name = in.getName().strip();
        RailwayServices.Variable variable = declared.variable(name).filter(v -> v.on(service.name()))
                .orElseThrow(() -> FunctionError.badInput("variable_not_allowed", "name", "railway-variable sets only the "
                        + "variables functions.yaml's railway.variables allows on " + service.name() + ": "
                        + allowed(declared, service)));
        boolean unset = Boolean.TRUE.equals(in.getUnset());
        if (unset && in.getValue() != null) {
            throw FunctionError.badInput("invalid_value", "unset", "give either value (set) or unset: true, not both");
        }
        if (!unset && in.getValue() == null) {
            throw FunctionError.badInput("missing_field", "value", "give the value to set, or unset: true");
        }
        if (!unset && !variable.allows(in.getValue())) {
            throw FunctionError.badInput("invalid_value", "value", variable.values().isEmpty()
                    ? name + " takes a value of 1 to 256 characters"
                    : name + " is one of " + String.join(", ", variable.values()));
        }
        boolean skip = Boolean.TRUE.equals(in.getSkipDeploys());
        if (unset && skip) {
            throw FunctionError.badInput("invalid_value", "skipDeploys", "Railway deploys the service whenever a variable "
                    + "is deleted (variableDelete has no skipDeploys): unset without skipDeploys");
        }
        return new Request(service, variable, unset ? null : in.getValue(), skip);
    }

    private static String allowed(RailwayServices declared, RailwayServices.Service service) {
        List<String> names = declared.variables().stream().filter(v -> v.on(service.name()))
                .map(RailwayServices.Variable::name).toList();
        return names.isEmpty() ? "none is declared" : String.join(", ", names);
    }

    /** How a value is shown: as it is, or for a secret variable "set, N characters"; null when unset. */
    static String shown(String value, boolean secret) {
        if (value == null) {
            return null;
        }
        return secret ? "set, " + value.length() + " characters" : value;
    }

    public Uni<JsonNode> plan(RailwayServices declared, Request request, ActionInput input) {
        return proposal(declared, request).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    /**
     * The dry run: the value at Railway now and the one it gets; the digest covers both (a secret's
     * keyed, never bare) and, when the change deploys, the service's newest deployment.
     */
    Uni<PlannedActions.Proposal> proposal(RailwayServices declared, Request request) {
        railway.requireConfigured(declared);
        return railway.variable(declared, request.service(), request.variable().name()).flatMap(now -> {
            String before = now.orElse(null);
            boolean deploys = !Objects.equals(before, request.value())
                    && (request.value() == null || !request.skipDeploys());
            return newest(declared, request.service(), deploys).map(newest -> proposal(request.scope(),
                    request.service().name(), request.variable().name(), request.variable().secret(), before,
                    request.value(), deploys, null, now, newest));
        });
    }

    /**
     * For a change that deploys: the service's newest deployment id ("none" for a service never
     * deployed), after refusing 409 deployment_in_progress while one newer than the live one has not
     * settled (a second deployment would race it, and the one this change starts could not be told
     * apart). Null for a change that does not deploy.
     */
    private Uni<String> newest(RailwayServices declared, RailwayServices.Service service, boolean deploys) {
        if (!deploys) {
            return Uni.createFrom().nullItem();
        }
        return railway.newestSettled(declared, service, "a variable change");
    }

    /** The claim two applies acting on one service from the same newest deployment share: the second is refused. */
    static List<String> claims(RailwayServices.Service service, JsonNode content) {
        JsonNode newest = content.path("newestDeployment");
        return newest.isTextual() ? List.of(RailwayActions.claim(service, newest.asText())) : List.of();
    }

    private PlannedActions.Proposal proposal(String scope, String service, String name, boolean secret, String before,
            String after, boolean deploys, Long undoOf, Optional<String> now, String newest) {
        int rows = Objects.equals(before, after) ? 0 : 1;
        ObjectNode changes = mapper.createObjectNode();
        changes.put("service", service);
        changes.put("name", name);
        changes.put("secret", secret);
        changes.put("before", shown(before, secret));
        changes.put("after", shown(after, secret));
        changes.put("deploys", rows > 0 && deploys);
        if (newest != null) {
            changes.put("newestDeployment", newest);
        }
        if (undoOf != null) {
            changes.put("undoOf", undoOf);
        }
        ArrayNode digest = mapper.createArrayNode().add(FUNCTION).add(scope).add(String.valueOf(undoOf));
        if (secret) {
            digest.add(railway.fingerprint(now)).add(railway.fingerprint(Optional.ofNullable(after)));
        } else {
            digest.add(before).add(after);
        }
        digest.add(rows > 0 && deploys).add(String.valueOf(newest));
        return new PlannedActions.Proposal(scope, PlannedActions.sha256(digest.toString()), rows, changes);
    }

    public Uni<JsonNode> apply(RailwayServices declared, Request request, RailwayVariableInput input) {
        return actions.apply(FUNCTION, request.scope(), input, proposal(declared, request), plan -> {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("service", request.service().name());
            in.put("name", request.variable().name());
            in.put("unset", request.value() == null);
            if (!request.variable().secret() && request.value() != null) {
                in.put("value", request.value());
            }
            in.put("skipDeploys", request.skipDeploys());
            in.put("planId", input.getPlanId());
            JsonNode content = plan.content();
            return actions.audited(FUNCTION, input, in, content, claims(request.service(), content),
                    apply -> plan.rows() == 0
                    ? Uni.createFrom().item(new PlannedActions.Done<RailwayActions.Settled>(null, 0, "nothing to change"))
                    : change(apply, declared, request.service(), request.variable().name(), request.value(),
                            content.path("deploys").asBoolean()))
                    .call(done -> settledOnTimeline(input, content, done.result()))
                    .map(done -> (JsonNode) mapper.valueToTree(new Changed(plan.rows() > 0,
                            plan.rows() == 0 ? "nothing to change" : outcome(done.result()), plan.id().toString(),
                            done.auditId(),
                            request.service().name(), request.variable().name(), text(content, "before"),
                            text(content, "after"), content.path("deploys").asBoolean(), done.result())));
        });
    }

    private static String text(JsonNode content, String field) {
        JsonNode v = content.path(field);
        return v.isTextual() ? v.asText() : null;
    }

    /**
     * The one change at Railway: the deployments before it (to know the new one), the upsert or the
     * delete, then the deployment Railway started with it, followed until it settles or the bound passes.
     */
    private Uni<PlannedActions.Done<RailwayActions.Settled>> change(Applying apply, RailwayServices declared,
            RailwayServices.Service service, String name, String value, boolean deploys) {
        String key = service.name() + ":" + name;
        Uni<Set<String>> before = deploys
                ? railway.history(declared, service).map(list -> list.stream().map(RailwayActions.Deployment::id)
                        .collect(Collectors.toSet()))
                : Uni.createFrom().item(Set.of());
        return before.flatMap(ids -> (value == null ? railway.delete(declared, service, name)
                : railway.upsert(declared, service, name, value, !deploys))
                .onFailure().invoke(e -> {
                    // Only a refusal Railway answered changed nothing: any other end may have set it.
                    if (!(e instanceof RailwayActions.Failure f) || f.inDoubt()) {
                        apply.inDoubt("variable", List.of(key));
                        apply.external("railway:variable:" + service.id() + ":" + name);
                    }
                })
                .invoke(() -> {
                    apply.committed("variable", List.of(key));
                    apply.external("railway:variable:" + service.id() + ":" + name);
                })
                .flatMap(v -> deploys ? railway.awaitNew(declared, service, ids).invoke(s -> {
                    if (s.deploymentId() != null) {
                        apply.external("railway:deployment:" + s.deploymentId());
                    }
                }) : Uni.createFrom().nullItem())
                .map(settled -> new PlannedActions.Done<>(settled, 1, outcome(settled))));
    }

    /** "applied", or what the deployment did instead, saying the service still runs the previous value. */
    static String outcome(RailwayActions.Settled settled) {
        return settled == null ? "applied" : RailwayActions.outcome(settled, "the service still runs the previous value");
    }

    /** The deployment's settled status on the incident's timeline (the applied action itself is put there by the apply). */
    private Uni<Void> settledOnTimeline(ActionInput input, JsonNode content, RailwayActions.Settled settled) {
        if (input.getIncidentId() == null || settled == null) {
            return Uni.createFrom().voidItem();
        }
        String summary = content.path("service").asText() + ": " + content.path("name").asText() + " "
                + (content.path("after").isNull() ? "unset" : "set") + "; deployment " + settled.deploymentId() + " "
                + (settled.settled() ? settled.status() : "not settled after " + settled.waitedMs() + " ms ("
                        + settled.status() + ")");
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("function", FUNCTION);
        detail.put("service", content.path("service").asText());
        detail.put("name", content.path("name").asText());
        detail.put("deployment", settled);
        // The change is done and recorded: a timeline that cannot take the note does not undo it.
        return timeline.event(input.getIncidentId(), input.getActor(), "railway", summary, detail).onFailure()
                .recoverWithUni(e -> {
                    LOG.warnf("railway-variable: the deployment's status could not go on incident %s's timeline (%s)",
                            input.getIncidentId(), LogText.firstLine(String.valueOf(e.getMessage())));
                    return Uni.createFrom().voidItem();
                });
    }

    /** Undo's dry run: the variable back to the value it had (unset: deleted), while it still holds the one set. */
    @Override
    public Uni<JsonNode> undoPlan(AuditTrail.Record applied, ActionInput input) {
        return undoProposal(applied).flatMap(p -> actions.plan("undo", input.getActor(), p));
    }

    @Override
    public Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input) {
        return actions.apply("undo", "audit:" + applied.id(), input, undoProposal(applied), plan -> {
            JsonNode content = plan.content();
            RailwayServices declared = declared();
            RailwayServices.Service service = declared.service(content.path("service").asText()).orElseThrow();
            String name = content.path("name").asText();
            Map<String, Object> in = Map.of("auditId", applied.id(), "planId", input.getPlanId());
            return actions.auditedUndo(input, in, content, applied.id(), claims(service, content), apply -> change(apply, declared, service, name,
                    text(content, "after"), content.path("deploys").asBoolean()))
                    .call(done -> settledOnTimeline(input, content, done.result()))
                    .map(done -> (JsonNode) mapper.valueToTree(new Restored(true, applied.id(), done.auditId(),
                            service.name(), name, text(content, "before"), text(content, "after"),
                            content.path("deploys").asBoolean(), done.result())));
        });
    }

    Uni<PlannedActions.Proposal> undoProposal(AuditTrail.Record applied) {
        JsonNode was = applied.plan();
        String name = was.path("name").asText();
        if (was.path("secret").asBoolean(false)) {
            throw new FunctionError(409, "not_undoable", name + " is a secret variable: its old value was never stored, so "
                    + "it cannot be put back; set it again with railway-variable", "auditId");
        }
        RailwayServices declared = declared();
        RailwayServices.Service service = declared.service(was.path("service").asText()).orElseThrow(
                () -> new FunctionError(409, "not_undoable", "Railway service " + was.path("service").asText()
                        + " is no longer declared in functions.yaml", "auditId"));
        railway.requireConfigured(declared);
        String set = text(was, "after");
        String restore = text(was, "before");
        boolean deployed = was.path("deploys").asBoolean(false);
        return audit.notUndone(applied.id()).flatMap(v -> railway.variable(declared, service, name)).flatMap(now -> {
            String current = now.orElse(null);
            if (!Objects.equals(current, set)) {
                if (Objects.equals(current, restore)) {
                    throw new FunctionError(409, "not_undoable", name + " on " + service.name() + " is "
                            + describe(restore) + " already: there is nothing to undo", "auditId");
                }
                throw new FunctionError(409, "superseded", name + " on " + service.name() + " is " + describe(current)
                        + " now, not the " + describe(set) + " audit record " + applied.id() + " set: someone changed it "
                        + "since, so undo leaves it alone; set it with railway-variable", "auditId");
            }
            // A delete always deploys; an upsert deploys as the change it undoes did.
            boolean deploys = restore == null || deployed;
            return newest(declared, service, deploys).map(newest -> proposal("audit:" + applied.id(), service.name(),
                    name, false, current, restore, deploys, applied.id(), now, newest));
        });
    }

    private static String describe(String value) {
        return value == null ? "unset" : "'" + value + "'";
    }
}
