package io.firebreak.functions.rotatesecret;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.functions.containbreach.Containment;
import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogText;
import io.firebreak.providers.railway.RailwayActions;
import io.firebreak.providers.railway.RailwayServices;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.ActionTimeline;
import io.firebreak.safety.Applying;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Seed 004's Security Incident, "rotate all secrets": a secret variable functions.yaml declares
 * (SESSION_SECRET, JWT_SECRET) gets fresh random bytes (SecureRandom, base64url) at Railway, which
 * deploys the service with it; where declared, every session on the target is signed out as
 * contain-breach signs out (tokens made with the old secret must not outlive it). The new value is
 * made inside the audited apply and sent only to Railway: no answer, plan, record or log holds it,
 * and the old one was never read into any, so a rotation cannot be undone, only rotated again.
 */
@ApplicationScoped
public class RotateSecretFlow implements Undoable.Irreversible {

    public static final String FUNCTION = "rotate-secret";

    private static final Logger LOG = Logger.getLogger(RotateSecretFlow.class);

    static final String NO_SESSIONS = "the target has no auth.sessions (it is not a Supabase database): sign out where "
            + "the application keeps its sessions";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A checked call: the service and the declared secret. */
    public record Request(RailwayServices.Service service, RailwayServices.Secret secret) {
        String scope() {
            return service.name() + ":" + secret.name();
        }
    }

    /** The applied answer: what the plan said, the sessions signed out, the deployment Railway made with the new value. */
    @RegisterForReflection
    public record Rotated(boolean applied, String planId, long auditId, String service, String name, String before,
            String after, JsonNode signOut, RailwayActions.Settled deployment) {
    }

    /** What the audited change did: the sessions it signed out (null: none were to be) and the deployment. */
    record Done(Long signedOut, RailwayActions.Settled deployment) {
    }

    @Inject
    RailwayActions railway;

    @Inject
    Containment containment;

    @Inject
    PlannedActions actions;

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

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public String why() {
        return "rotate-secret cannot be undone: the old secret was never stored; rotate again";
    }

    /** A declared service and a secret railway.secrets declares for it; 400 otherwise. */
    public Request request(RotateSecretInput in) {
        RailwayServices declared = services.get();
        RailwayServices.Service service = railway.service(declared, in.getService());
        List<String> names = declared.secrets().stream().filter(s -> s.on(service.name())).map(RailwayServices.Secret::name)
                .toList();
        String allowed = names.isEmpty() ? "none is declared" : String.join(", ", names);
        if (in.getName() == null || in.getName().isBlank()) {
            throw FunctionError.badInput("missing_field", "name", "name the secret to rotate: one of " + allowed);
        }
        RailwayServices.Secret secret = declared.secret(in.getName().strip()).filter(s -> s.on(service.name()))
                .orElseThrow(() -> FunctionError.badInput("variable_not_allowed", "name", "rotate-secret rotates only the "
                        + "secrets functions.yaml's railway.secrets declares on " + service.name() + ": " + allowed));
        return new Request(service, secret);
    }

    public Uni<JsonNode> plan(Request request, ActionInput input) {
        return proposal(request).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    /**
     * The dry run: whether the secret is set now (its length, never its value), what replaces it, and
     * the sessions that would be signed out; the digest holds the old value keyed by the Railway token
     * and whether sign-out applies, not the session count (sessions come and go).
     */
    Uni<PlannedActions.Proposal> proposal(Request request) {
        RailwayServices declared = services.get();
        railway.requireConfigured(declared);
        RailwayServices.Secret secret = request.secret();
        return railway.variable(declared, request.service(), secret.name()).flatMap(now -> signOutPlan(secret).map(signOut -> {
            ObjectNode changes = mapper.createObjectNode();
            changes.put("service", request.service().name());
            changes.put("name", secret.name());
            changes.put("before", now.map(v -> "set, " + v.length() + " characters").orElse("not set"));
            changes.put("after", "fresh random, " + secret.bytes() + " bytes, base64url, never shown");
            changes.set("signOut", signOut);
            changes.put("deploys", true);
            boolean signsOut = signOut.has("sessions");
            String digest = PlannedActions.sha256(mapper.createArrayNode().add(FUNCTION).add(request.scope())
                    .add(railway.fingerprint(now)).add(signsOut).add(secret.bytes()).toString());
            return new PlannedActions.Proposal(request.scope(), digest, 1, changes);
        }));
    }

    private Uni<ObjectNode> signOutPlan(RailwayServices.Secret secret) {
        if (!secret.signOut()) {
            return Uni.createFrom().item(mapper.createObjectNode().put("skipped", "functions.yaml does not declare signOut "
                    + "for " + secret.name()));
        }
        return containment.hasSessions().flatMap(has -> has
                ? containment.sessionCount(null).map(n -> mapper.createObjectNode().put("sessions", n))
                : Uni.createFrom().item(mapper.createObjectNode().put("skipped", NO_SESSIONS)));
    }

    public Uni<JsonNode> apply(Request request, RotateSecretInput input) {
        RailwayServices declared = services.get();
        return actions.apply(FUNCTION, request.scope(), input, proposal(request), plan -> {
            JsonNode content = plan.content();
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("service", request.service().name());
            in.put("name", request.secret().name());
            in.put("planId", input.getPlanId());
            boolean signOut = content.path("signOut").has("sessions");
            return actions.audited(FUNCTION, input, in, content, apply -> rotate(apply, declared, request, signOut))
                    .call(done -> onTimeline(input, content, done.result()))
                    .map(done -> {
                        ObjectNode outcome = mapper.createObjectNode();
                        if (done.result().signedOut() == null) {
                            outcome.set("skipped", content.path("signOut").path("skipped"));
                        } else {
                            outcome.put("signedOut", done.result().signedOut());
                        }
                        return (JsonNode) mapper.valueToTree(new Rotated(true, plan.id().toString(), done.auditId(),
                                request.service().name(), request.secret().name(), content.path("before").asText(),
                                content.path("after").asText(), outcome, done.result().deployment()));
                    });
        });
    }

    /**
     * The rotation: the deployments before it (to know the one it starts), the fresh value upserted
     * (Railway deploys with it), every session signed out where declared, then the new deployment
     * followed until it settles or the bound passes. The value lives only in this call and at Railway.
     */
    private Uni<PlannedActions.Done<Done>> rotate(Applying apply, RailwayServices declared, Request request,
            boolean signOut) {
        RailwayServices.Service service = request.service();
        String name = request.secret().name();
        String key = service.name() + ":" + name;
        return railway.history(declared, service).map(list -> list.stream().map(RailwayActions.Deployment::id)
                .collect(Collectors.toSet())).flatMap(before -> railway.upsert(declared, service, name,
                        fresh(request.secret().bytes()), false)
                .onFailure(RailwayActions.Failure.class).invoke(f -> {
                    if (((RailwayActions.Failure) f).inDoubt()) {
                        apply.inDoubt("secret", List.of(key));
                    }
                })
                .invoke(() -> {
                    apply.committed("secret", List.of(key));
                    apply.external("railway:variable:" + service.id() + ":" + name);
                })
                .flatMap(v -> signOut ? containment.signOut(apply, null) : Uni.createFrom().<Long>nullItem())
                .flatMap(signedOut -> awaitNew(apply, declared, service, before)
                        .map(settled -> new PlannedActions.Done<>(new Done(signedOut, settled),
                                1 + (signedOut == null ? 0 : signedOut.intValue()), "applied"))));
    }

    private Uni<RailwayActions.Settled> awaitNew(Applying apply, RailwayServices declared, RailwayServices.Service service,
            Set<String> before) {
        return railway.awaitNew(declared, service, before).invoke(s -> {
            if (s.deploymentId() != null) {
                apply.external("railway:deployment:" + s.deploymentId());
            }
        });
    }

    /** bytes from SecureRandom, base64url without padding: 32 bytes are 43 characters. */
    static String fresh(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The rotation and the deployment's settled status on the incident's timeline, without any value. */
    private Uni<Void> onTimeline(ActionInput input, JsonNode content, Done done) {
        if (input.getIncidentId() == null) {
            return Uni.createFrom().voidItem();
        }
        RailwayActions.Settled s = done.deployment();
        String summary = content.path("service").asText() + ": " + content.path("name").asText() + " rotated"
                + (done.signedOut() == null ? "" : ", " + done.signedOut() + " sessions signed out") + "; deployment "
                + s.deploymentId() + " " + (s.settled() ? s.status() : "not settled after " + s.waitedMs() + " ms ("
                        + s.status() + ")");
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("function", FUNCTION);
        detail.put("service", content.path("service").asText());
        detail.put("name", content.path("name").asText());
        detail.put("signedOut", done.signedOut());
        detail.put("deployment", s);
        // The rotation is done and recorded: a timeline that cannot take the note does not undo it.
        return timeline.event(input.getIncidentId(), input.getActor(), "railway", summary, detail).onFailure()
                .recoverWithUni(e -> {
                    LOG.warnf("rotate-secret: the deployment's status could not go on incident %s's timeline (%s)",
                            input.getIncidentId(), LogText.firstLine(String.valueOf(e.getMessage())));
                    return Uni.createFrom().voidItem();
                });
    }
}
