package io.firebreak.functions.containbreach;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

import io.firebreak.functions.clearretryqueue.RetryQueue;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.Severity;
import io.firebreak.platform.FunctionError;
import io.firebreak.providers.ProviderCalls;
import io.firebreak.providers.supabase.SupabaseManagementApi;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Plans;

/**
 * Seed 000 "If data breach suspected", seed 003 Scenario 4, seed 004 Security Incident. Evidence
 * comes first and nothing is ever deleted from it; then, in order, the project's API keys (a new
 * secret key, the old ones deleted as compromised, legacy keys disabled) and JWT signing keys
 * (a new key in use, the old one revoked), every session of the scope signed out, the scope's
 * ERP integrations deactivated, and a P0 incident declared or joined. Each step reports its own
 * outcome; a failed step does not stop the others, and a retry with the same key resumes.
 */
@ApplicationScoped
public class ContainBreachFlow {

    static final String FUNCTION = "contain-breach";
    static final List<String> ALL = List.of("evidence", "api-keys", "signing-keys", "sign-out", "erp", "incident");
    static final List<String> PROJECT_ONLY = List.of("api-keys", "signing-keys");

    @Inject
    Containment containment;

    @Inject
    RetryQueue erp;

    @Inject
    IncidentStore incidents;

    @Inject
    PlannedActions actions;

    @Inject
    Plans plans;

    @Inject
    AuditTrail audit;

    @Inject
    @RestClient
    SupabaseManagementApi supabase;

    @Inject
    ProviderCalls calls;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    @ConfigProperty(name = "supabase.access-token")
    Optional<String> accessToken;

    @ConfigProperty(name = "supabase.project-ref")
    Optional<String> projectRef;

    /** The steps to run, in their fixed order; evidence is never skipped when anything changes. */
    static List<String> steps(String scope, List<String> asked) {
        List<String> steps = asked == null || asked.isEmpty()
                ? ALL.stream().filter(s -> scope.equals("project") || !PROJECT_ONLY.contains(s)).toList()
                : asked;
        for (String s : steps) {
            if (!ALL.contains(s)) {
                throw FunctionError.badInput("invalid_value", "steps", "unknown step " + s + "; steps are " + ALL);
            }
            if (scope.equals("tenant") && PROJECT_ONLY.contains(s)) {
                throw FunctionError.badInput("invalid_value", "steps", s + " is project-wide: use scope project");
            }
        }
        List<String> ordered = new ArrayList<>(ALL.stream().filter(steps::contains).toList());
        if (!ordered.contains("evidence")) {
            ordered.add(0, "evidence");
        }
        return ordered;
    }

    public Uni<JsonNode> plan(UUID tenant, List<String> steps, ActionInput input) {
        return proposal(tenant, steps).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    public Uni<JsonNode> apply(UUID tenant, List<String> steps, ActionInput input) {
        String scope = scope(tenant);
        UUID planId = PlannedActions.requireApply(input);
        // A resumed apply finds its plan partly done: it is judged against the plan, not the changed world.
        Uni<PlannedActions.Proposal> current = containment.steps(planId).flatMap(done -> done.isEmpty()
                ? proposal(tenant, steps)
                : plans.find(planId).map(p -> new PlannedActions.Proposal(scope, p.map(Plans.Plan::digest).orElse(""), 0,
                        mapper.createObjectNode())));
        return actions.apply(FUNCTION, scope, input, current, plan -> actions.audited(FUNCTION, input,
                Map.of("scope", scope, "planId", planId.toString(), "steps", steps), plan.content(),
                apply -> containment.steps(planId).flatMap(done -> {
            Map<String, String> finished = new java.util.HashMap<>();
            done.forEach(s -> finished.put(s.step(), s.state()));
            Uni<ArrayNode> outcomes = Uni.createFrom().item(mapper.createArrayNode());
            for (String step : steps) {
                outcomes = outcomes.flatMap(list -> {
                    if ("done".equals(finished.get(step))) {
                        list.addObject().put("step", step).put("state", "already_done");
                        return Uni.createFrom().item(list);
                    }
                    return run(apply, step, planId, tenant, input, plan.content())
                            .map(detail -> outcome(step, detail.hasNonNull("skipped") ? "skipped" : "done", detail))
                            .onFailure().recoverWithItem(e -> outcome(step, "failed",
                                    mapper.createObjectNode().put("error", e instanceof FunctionError f ? f.getMessage()
                                            : String.valueOf(e.getMessage()))))
                            .call(o -> containment.recordStep(planId, step, o.path("state").asText(), o.path("detail")))
                            .call(o -> audit.record(new AuditTrail.Entry(input.getActor(), FUNCTION, "step",
                                    input.getReason(), Map.of("step", step, "scope", scope, "planId", planId.toString()),
                                    plan.content().path("steps").path(step), o.path("detail").path("rows").asInt(0),
                                    externalIds(o.path("detail")), o.path("state").asText(), null)))
                            .map(o -> {
                                list.add(o);
                                return list;
                            });
                });
            }
            return outcomes.map(list -> {
                int failed = 0;
                int rows = 0;
                for (JsonNode o : list) {
                    failed += o.path("state").asText().equals("failed") ? 1 : 0;
                    rows += o.path("detail").path("rows").asInt(0);
                }
                ObjectNode answer = mapper.createObjectNode();
                answer.put("applied", failed == 0);
                answer.put("planId", planId.toString());
                answer.put("resumable", failed > 0);
                answer.set("steps", list);
                return new PlannedActions.Done<JsonNode>(answer, rows, failed == 0 ? "applied"
                        : "partial: " + failed + " of " + list.size() + " steps failed", failed > 0);
            });
        })).map(done -> {
            ObjectNode answer = (ObjectNode) done.result();
            answer.put("auditId", done.auditId());
            return (JsonNode) answer;
        }));
    }

    private ObjectNode outcome(String step, String state, JsonNode detail) {
        ObjectNode o = mapper.createObjectNode();
        o.put("step", step);
        o.put("state", state);
        o.set("detail", detail);
        return o;
    }

    private static List<String> externalIds(JsonNode detail) {
        List<String> ids = new ArrayList<>();
        detail.path("externalIds").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    static String scope(UUID tenant) {
        return tenant == null ? "project" : "tenant:" + tenant;
    }

    /** The dry run: what each step would do, with the numbers and ids it would act on. */
    Uni<PlannedActions.Proposal> proposal(UUID tenant, List<String> steps) {
        ObjectNode preview = mapper.createObjectNode();
        preview.put("scope", scope(tenant));
        ObjectNode byStep = preview.putObject("steps");
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String step : steps) {
            chain = chain.flatMap(v -> preview(step, tenant).invoke(p -> byStep.set(step, p)).replaceWithVoid());
        }
        return chain.map(v -> {
            int rows = byStep.path("sign-out").path("sessions").asInt(0) + byStep.path("erp").path("integrations").size();
            actions.bounded(rows);
            return new PlannedActions.Proposal(scope(tenant), PlannedActions.sha256(preview.toString()), rows, preview);
        });
    }

    private Uni<JsonNode> preview(String step, UUID tenant) {
        return switch (step) {
            case "evidence" -> containment.evidenceCount(tenant).map(n -> (JsonNode) mapper.createObjectNode()
                    .put("auditLogs", n).put("window", "24 hours").put("into", "ops evidence_audit_logs"));
            case "api-keys" -> management(api -> api.apiKeys(ref(), auth())).map(keys -> {
                ObjectNode p = mapper.createObjectNode();
                ArrayNode delete = p.putArray("deleteAsCompromised");
                ArrayNode warnings = p.putArray("warnings");
                keys.forEach(k -> {
                    if (deletableSecret(k)) {
                        delete.add(k.path("id").asText());
                        if (k.path("name").asText().equals("default")) {
                            warnings.add("this deletes the secret key named default: Edge Functions that check "
                                    + "withSupabase({auth:'secret'}) accept only that name; give them the new key's value");
                        }
                    }
                });
                p.put("create", "a new secret key (" + API_KEY_PREFIX + "<plan>)");
                p.put("disableLegacy", true);
                return (JsonNode) p;
            });
            case "signing-keys" -> management(api -> api.signingKeys(ref(), auth())).map(keys -> {
                ObjectNode p = mapper.createObjectNode();
                ArrayNode revoke = p.putArray("revoke");
                keysOf(keys).forEach(k -> {
                    if (revocable(k)) {
                        revoke.add(k.path("id").asText());
                    }
                });
                p.put("create", "ES256 standby, then in_use");
                if (revoke.isEmpty()) {
                    p.putArray("warnings").add(NO_SIGNING_KEY);
                }
                return (JsonNode) p;
            });
            case "sign-out" -> containment.hasSessions().flatMap(has -> has
                    ? containment.sessionCount(tenant).map(n -> (JsonNode) mapper.createObjectNode().put("sessions", n))
                    : Uni.createFrom().item((JsonNode) mapper.createObjectNode().put("sessions", 0).put("skipped", NO_SESSIONS)));
            case "erp" -> containment.activeIntegrations(tenant).map(ids -> {
                ObjectNode p = mapper.createObjectNode();
                p.set("integrations", mapper.valueToTree(ids));
                p.putObject("isActive").put("before", true).put("after", false);
                return (JsonNode) p;
            });
            default -> Uni.createFrom().item((JsonNode) mapper.createObjectNode().put("declareOrAttach", "P0")
                    .put("fingerprint", "breach/" + scope(tenant)));
        };
    }

    private Uni<JsonNode> run(io.firebreak.safety.Applying apply, String step, UUID planId, UUID tenant,
            ActionInput input, JsonNode plan) {
        String reason = input.getReason();
        return switch (step) {
            case "evidence" -> containment.preserveEvidence(planId, scope(tenant), tenant)
                    .map(n -> (JsonNode) mapper.createObjectNode().put("rows", n));
            case "api-keys" -> rotateApiKeys(apply, planId, reason);
            case "signing-keys" -> rotateSigningKeys(apply);
            case "sign-out" -> containment.hasSessions().flatMap(has -> has
                    ? containment.signOut(apply, tenant).map(n -> (JsonNode) mapper.createObjectNode().put("rows", n))
                    : Uni.createFrom().item((JsonNode) mapper.createObjectNode().put("rows", 0).put("skipped", NO_SESSIONS)));
            case "erp" -> {
                List<String> ids = new ArrayList<>();
                plan.path("steps").path("erp").path("integrations").forEach(n -> ids.add(n.asText()));
                Uni<Integer> moved = Uni.createFrom().item(0);
                for (String id : ids) {
                    moved = moved.flatMap(n -> erp.setActive(apply, UUID.fromString(id), true, false).map(m -> n + m));
                }
                yield moved.map(n -> (JsonNode) mapper.createObjectNode().put("rows", n));
            }
            default -> incidents.transaction(tx -> tx.declareOrAttach("breach/" + scope(tenant),
                    "Security incident: suspected data breach (" + scope(tenant) + ")", Severity.P0,
                    "function:" + FUNCTION, clock.instant()))
                    .map(link -> (JsonNode) mapper.createObjectNode().put("incidentId", link.incidentId())
                            .put("declared", link.declared()));
        };
    }

    /** Supabase's rule for an API key's name (CreateApiKeyBody): ^[a-z_][a-z0-9_]+$, 4 to 64 characters. */
    static final String API_KEY_PREFIX = "firebreak_";

    /** Key ids in paths are uuids; the legacy keys (anon, service_role) go with the legacy switch instead. */
    static final java.util.regex.Pattern UUID_TEXT = java.util.regex.Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** A secret API key the rotation deletes (the dry run lists the same ones). */
    static boolean deletableSecret(JsonNode key) {
        return key.path("type").asText().equals("secret") && UUID_TEXT.matcher(key.path("id").asText()).matches();
    }

    /** A signing key the rotation revokes: the one in use (the dry run lists the same ones). */
    static boolean revocable(JsonNode key) {
        return key.path("status").asText().equals("in_use") && UUID_TEXT.matcher(key.path("id").asText()).matches();
    }

    static final String NO_SESSIONS = "the target has no auth.sessions (it is not a Supabase database): nothing to sign "
            + "out here; end the sessions where the application keeps them";

    static final String NO_SIGNING_KEY = "no signing key is in use: the project still signs with the legacy JWT "
            + "secret, which cannot be revoked; import it first (POST /v1/projects/{ref}/config/auth/signing-keys/legacy), "
            + "then this step rotates away from it. Tokens signed with it stay valid until they expire";

    /** The new key's name: the plan's id without its dashes, so a resumed step finds its own key. */
    static String keyName(UUID planId) {
        return API_KEY_PREFIX + planId.toString().replace("-", "");
    }

    /** A new secret key (named after the plan, so a resumed step does not make a second), old ones deleted, legacy off. */
    private Uni<JsonNode> rotateApiKeys(io.firebreak.safety.Applying apply, UUID planId, String reason) {
        String name = keyName(planId);
        return management(api -> api.apiKeys(ref(), auth())).flatMap(keys -> {
            Optional<JsonNode> mine = stream(keys).filter(k -> name.equals(k.path("name").asText())).findFirst();
            Uni<String> created = mine.isPresent() ? Uni.createFrom().item(mine.get().path("id").asText())
                    : management(api -> api.createApiKey(ref(), auth(),
                            mapper.createObjectNode().put("type", "secret").put("name", name).toString()))
                            .map(k -> k.path("id").asText()).invoke(apply::external);
            return created.flatMap(newId -> {
                List<String> old = stream(keys).filter(k -> deletableSecret(k) && !k.path("id").asText().equals(newId))
                        .map(k -> k.path("id").asText()).toList();
                Uni<Void> deleted = Uni.createFrom().voidItem();
                for (String id : old) {
                    deleted = deleted.flatMap(v -> management(api -> api.deleteApiKey(ref(), id, true, reason, auth()))
                            .invoke(x -> apply.external(id)).replaceWithVoid());
                }
                // "Will be removed in the future, check for HTTP 404": a 404 means there is nothing legacy left to disable.
                return deleted.flatMap(v -> management(api -> api.legacyKeys(ref(), false, auth()), 404)).map(x -> {
                    ObjectNode d = mapper.createObjectNode();
                    d.put("created", newId);
                    d.set("deleted", mapper.valueToTree(old));
                    d.put("legacyDisabled", true);
                    if (x.path("status").asInt() == 404) {
                        d.put("legacy", "the legacy switch is gone (404): no legacy keys to disable");
                    }
                    ArrayNode ids = d.putArray("externalIds").add(newId);
                    old.forEach(ids::add);
                    return (JsonNode) d;
                });
            });
        });
    }

    private Uni<JsonNode> rotateSigningKeys(io.firebreak.safety.Applying apply) {
        return management(api -> api.signingKeys(ref(), auth())).flatMap(keys -> {
            List<String> inUse = stream(keysOf(keys)).filter(ContainBreachFlow::revocable).map(k -> k.path("id").asText())
                    .toList();
            return management(api -> api.createSigningKey(ref(), auth(),
                    mapper.createObjectNode().put("algorithm", "ES256").put("status", "standby").toString()))
                    .flatMap(created -> {
                        String id = created.path("id").asText();
                        apply.external(id);
                        Uni<JsonNode> rotated = management(api -> api.updateSigningKey(ref(), id, auth(),
                                mapper.createObjectNode().put("status", "in_use").toString()));
                        for (String old : inUse) {
                            rotated = rotated.flatMap(x -> management(api -> api.updateSigningKey(ref(), old, auth(),
                                    mapper.createObjectNode().put("status", "revoked").toString())).invoke(y -> apply.external(old)));
                        }
                        return rotated.map(x -> {
                            ObjectNode d = mapper.createObjectNode();
                            d.put("inUse", id);
                            d.set("revoked", mapper.valueToTree(inUse));
                            if (inUse.isEmpty()) {
                                d.put("warning", NO_SIGNING_KEY);
                            }
                            ArrayNode ids = d.putArray("externalIds").add(id);
                            inUse.forEach(ids::add);
                            return (JsonNode) d;
                        });
                    });
        });
    }

    /** One Management API call; anything but 2xx fails the step with the API's own message. */
    private Uni<JsonNode> management(java.util.function.Function<SupabaseManagementApi, Uni<Response>> call) {
        return management(call, -1);
    }

    /**
     * One Management API call: 429 (120 requests a minute) waits for the limit's reset and tries
     * again, a few times; {@code alsoFine} is a status that is an answer, not a failure (it comes back
     * as {"status": n}); anything else but 2xx fails the step with the API's own message.
     */
    private Uni<JsonNode> management(java.util.function.Function<SupabaseManagementApi, Uni<Response>> call, int alsoFine) {
        return management(call, alsoFine, 1);
    }

    private Uni<JsonNode> management(java.util.function.Function<SupabaseManagementApi, Uni<Response>> call, int alsoFine,
            int attempt) {
        if (accessToken.isEmpty() || projectRef.isEmpty()) {
            return Uni.createFrom().failure(new FunctionError(503, "supabase_not_configured",
                    "SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF are needed for key rotation", null));
        }
        return calls.call(call.apply(supabase)).flatMap(answer -> {
            if (answer.status() == 429 && attempt < 4) {
                java.time.Duration reset = io.firebreak.providers.ProviderCalls.seconds(
                        answer.rateLimitReset() != null ? answer.rateLimitReset() : answer.retryAfter());
                java.time.Duration wait = java.time.Duration.ofSeconds(Math.max(1, Math.min(10,
                        reset == null ? 1 : reset.toSeconds())));
                return Uni.createFrom().voidItem().onItem().delayIt().by(wait)
                        .flatMap(v -> management(call, alsoFine, attempt + 1));
            }
            if (answer.status() == alsoFine) {
                return Uni.createFrom().item((JsonNode) mapper.createObjectNode().put("status", alsoFine));
            }
            return Uni.createFrom().item(answer).map(a -> {
                if (!a.ok()) {
                    throw new FunctionError(502, "supabase_refused", "Supabase answered " + (a.status() == 0
                            ? a.failure() : "HTTP " + a.status() + " " + a.body().path("message").asText("")), null);
                }
                return a.body();
            });
        });
    }

    private static JsonNode keysOf(JsonNode answer) {
        return answer.isArray() ? answer : answer.path("keys");
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list.stream();
    }

    private String ref() {
        return projectRef.orElseThrow();
    }

    private String auth() {
        return "Bearer " + accessToken.orElseThrow();
    }
}
