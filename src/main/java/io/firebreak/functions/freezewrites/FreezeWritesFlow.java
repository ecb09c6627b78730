package io.firebreak.functions.freezewrites;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.Applying;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Seed 003 Scenario 3, "STOP writes immediately": each named login role gets
 * default_transaction_read_only = on in the target database, its sessions end so that its pool
 * reconnects read-only, and the catalog is read back to confirm it. firebreak's own role and
 * superusers are refused (firebreak must keep working; a superuser is not held by a default). Undo
 * puts each role's setting back as it was and ends its sessions again, so writes resume.
 */
@ApplicationScoped
public class FreezeWritesFlow implements Undoable {

    public static final String FUNCTION = "freeze-writes";

    /** The applied answer: the roles frozen, the sessions ended, and the setting read back per role. */
    @RegisterForReflection
    public record Frozen(boolean applied, String planId, long auditId, List<String> roles, int sessionsEnded,
            Map<String, String> verified, List<String> apiRoles, int grantsRevoked) {
    }

    /** The applied answer of its undo. */
    @RegisterForReflection
    public record Thawed(boolean applied, long undoOf, long auditId, List<String> roles, int sessionsEnded, int grantsRestored) {
    }

    @Inject
    AppRoles roles;

    @Inject
    PlannedActions actions;

    @Inject
    AuditTrail audit;

    @Inject
    ObjectMapper mapper;

    @Override
    public String function() {
        return FUNCTION;
    }

    public Uni<JsonNode> plan(List<String> names, List<String> apiRoles, ActionInput input) {
        return proposal(names, apiRoles).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    static String scope(List<String> names, List<String> apiRoles) {
        return String.join(",", names) + (apiRoles.isEmpty() ? "" : "|" + String.join(",", apiRoles));
    }

    public Uni<JsonNode> apply(List<String> names, List<String> apiRoles, ActionInput input) {
        return actions.apply(FUNCTION, scope(names, apiRoles), input, proposal(names, apiRoles), plan -> {
            Map<String, Object> in = Map.of("roles", names, "apiRoles", apiRoles, "planId", input.getPlanId());
            List<AppRoles.Grant> grants = grantsOf(plan.content());
            return actions.audited(FUNCTION, input, in, plan.content(), apply -> freeze(apply, names, grants))
                    // The read-back is a courtesy after the committed change: if it fails, the answer says so instead of failing.
                    .flatMap(done -> roles.describe(names).onFailure().recoverWithItem(List.of()).map(now -> {
                        Map<String, String> verified = new LinkedHashMap<>();
                        now.forEach(r -> verified.put(r.role(), String.valueOf(r.setting())));
                        return (JsonNode) mapper.valueToTree(new Frozen(true, plan.id().toString(), done.auditId(), names,
                                done.result(), verified, apiRoles, grants.size()));
                    }));
        });
    }

    /** One login role in a plan: its setting now, the one it gets, and the sessions that end; the digest covers the setting. */
    private static void putRole(ArrayNode list, StringBuilder digest, AppRoles.Role r, String after) {
        list.addObject().put("role", r.role()).put("before", r.setting()).put("after", after).put("sessionsToEnd", r.sessions());
        digest.append(r.role()).append('=').append(r.setting()).append(';');
    }

    /** The API roles' privileges a plan revokes (or gives back), as grantsOf reads them. */
    private static void putGrants(ObjectNode changes, List<AppRoles.Grant> grants, StringBuilder digest) {
        ArrayNode list = changes.putArray("apiGrants");
        for (AppRoles.Grant g : grants) {
            list.addObject().put("role", g.role()).put("schema", g.schema()).put("table", g.table())
                    .put("privilege", g.privilege());
            digest.append(g.key()).append(';');
        }
    }

    static List<AppRoles.Grant> grantsOf(JsonNode content) {
        List<AppRoles.Grant> grants = new ArrayList<>();
        content.path("apiGrants").forEach(g -> grants.add(new AppRoles.Grant(g.path("role").asText(), g.path("schema").asText(),
                g.path("table").asText(), g.path("privilege").asText())));
        return grants;
    }

    /** The API roles' write privileges go first (PostgREST), then the login roles' default and their sessions. */
    private Uni<PlannedActions.Done<Integer>> freeze(Applying apply, List<String> names, List<AppRoles.Grant> grants) {
        Uni<Integer> ended = roles.privileges(apply, grants, true).replaceWith(0);
        for (String role : names) {
            ended = ended.flatMap(n -> roles.set(apply, role, "on").flatMap(v -> roles.endSessions(apply, role)).map(m -> n + m));
        }
        return ended.map(n -> new PlannedActions.Done<>(n, names.size() + grants.size(), "applied"));
    }

    /** The dry run: each login role, its setting now and the sessions that would end; each API role's write grants. */
    Uni<PlannedActions.Proposal> proposal(List<String> names, List<String> apiRoles) {
        List<String> all = new ArrayList<>(names);
        apiRoles.stream().filter(r -> !all.contains(r)).forEach(all::add);
        return roles.describe(all).flatMap(found -> roles.grants(apiRoles).map(grants -> {
            List<String> known = found.stream().map(AppRoles.Role::role).toList();
            List<String> unknown = all.stream().filter(n -> !known.contains(n)).toList();
            if (!unknown.isEmpty()) {
                throw new FunctionError(404, "unknown_role", "no role " + String.join(", ", unknown) + " on the target", "roles");
            }
            for (AppRoles.Role r : found) {
                if (r.own()) {
                    throw new FunctionError(409, "role_not_freezable", r.role() + " is the role firebreak connects as: "
                            + "freezing it would stop firebreak, not the application", "roles");
                }
                if (r.superuser()) {
                    throw new FunctionError(409, "role_not_freezable", r.role() + " is a superuser: neither a default nor "
                            + "a revoke holds it; freeze the roles the application logs in as", "roles");
                }
            }
            ObjectNode changes = mapper.createObjectNode();
            changes.put("setting", AppRoles.SETTING);
            changes.put("scope", "this database only (ALTER ROLE ... IN DATABASE)");
            ArrayNode list = changes.putArray("roles");
            StringBuilder digest = new StringBuilder();
            for (AppRoles.Role r : found) {
                if (!names.contains(r.role())) {
                    continue;
                }
                putRole(list, digest, r, "on");
            }
            putGrants(changes, grants, digest);
            return new PlannedActions.Proposal(scope(names, apiRoles), PlannedActions.sha256(digest.toString()),
                    names.size() + grants.size(), changes);
        }));
    }

    /** Undo's dry run: each frozen role back to the setting it had before (none: reset), its sessions ended again. */
    @Override
    public Uni<JsonNode> undoPlan(AuditTrail.Record applied, ActionInput input) {
        return undoProposal(applied).flatMap(p -> actions.plan("undo", input.getActor(), p));
    }

    @Override
    public Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input) {
        return actions.apply("undo", "audit:" + applied.id(), input, undoProposal(applied), plan -> {
            Map<String, String> before = new LinkedHashMap<>();
            plan.content().path("roles").forEach(r -> before.put(r.path("role").asText(),
                    r.path("after").isNull() ? null : r.path("after").asText()));
            List<AppRoles.Grant> grants = grantsOf(plan.content());
            Map<String, Object> in = Map.of("auditId", applied.id(), "planId", input.getPlanId());
            return actions.auditedUndo(input, in, plan.content(), applied.id(), apply -> thaw(apply, before, grants))
                    .map(done -> (JsonNode) mapper.valueToTree(new Thawed(true, applied.id(), done.auditId(),
                            List.copyOf(before.keySet()), done.result(), grants.size())));
        });
    }

    private Uni<PlannedActions.Done<Integer>> thaw(Applying apply, Map<String, String> settings, List<AppRoles.Grant> grants) {
        Uni<Integer> ended = roles.privileges(apply, grants, false).replaceWith(0);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            ended = ended.flatMap(n -> roles.set(apply, e.getKey(), e.getValue()).flatMap(v -> roles.endSessions(apply, e.getKey()))
                    .map(m -> n + m));
        }
        return ended.map(n -> new PlannedActions.Done<>(n, settings.size() + grants.size(), "applied"));
    }

    Uni<PlannedActions.Proposal> undoProposal(AuditTrail.Record applied) {
        List<String> changed = Applying.changedKeys(applied.result(), "role");
        Map<String, String> before = new LinkedHashMap<>();
        applied.plan().path("roles").forEach(r -> {
            String role = r.path("role").asText();
            if (changed == null || changed.contains(role)) {
                before.put(role, r.path("before").isNull() ? null : r.path("before").asText());
            }
        });
        List<String> revokedKeys = Applying.changedKeys(applied.result(), "grant");
        List<AppRoles.Grant> revoked = grantsOf(applied.plan()).stream()
                .filter(g -> revokedKeys == null || revokedKeys.contains(g.key())).toList();
        List<String> apiRoles = revoked.stream().map(AppRoles.Grant::role).distinct().toList();
        return audit.notUndone(applied.id()).flatMap(v -> roles.describe(new ArrayList<>(before.keySet())))
                .flatMap(now -> roles.grants(apiRoles).map(held -> {
                    // A privilege granted again since is someone's decision: only the still-missing ones come back.
                    List<String> heldKeys = held.stream().map(AppRoles.Grant::key).toList();
                    return java.util.Map.entry(now, revoked.stream().filter(g -> !heldKeys.contains(g.key())).toList());
                })).map(state -> {
            List<AppRoles.Role> now = state.getKey();
            List<AppRoles.Grant> regrant = state.getValue();
            ObjectNode changes = mapper.createObjectNode();
            changes.put("setting", AppRoles.SETTING);
            ArrayNode list = changes.putArray("roles");
            StringBuilder digest = new StringBuilder("undo=" + applied.id() + ";");
            // Only roles still frozen: one whose setting someone changed since is theirs now, and is left alone.
            List<AppRoles.Role> frozen = now.stream().filter(r -> AppRoles.on(r.setting())).toList();
            for (AppRoles.Role r : frozen) {
                putRole(list, digest, r, before.get(r.role()));
            }
            changes.put("notRestored", now.size() - frozen.size());
            putGrants(changes, regrant, digest);
            return new PlannedActions.Proposal("audit:" + applied.id(), PlannedActions.sha256(digest.toString()),
                    frozen.size() + regrant.size(), changes);
        });
    }
}
