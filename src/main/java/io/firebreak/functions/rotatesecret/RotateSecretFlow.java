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

    /**
     * The sign-out's bound, after the deployment's wait: batches (of firebreak.actions.batch-size)
     * and time; what is left is reported, for contain-breach to finish.
     */
    static final int SIGN_OUT_BATCHES = 200;
    static final java.time.Duration SIGN_OUT_WITHIN = java.time.Duration.ofSeconds(30);

    /** Why no sign-out happened after a deployment that did not succeed. */
    static final String NOT_LIVE = "the new secret is not live, so sessions were not signed out (they would only sign in "
            + "again under the old one): sign out with contain-breach once a deployment with it succeeds";

    /** A checked call: the service and the declared secret. */
    public record Request(RailwayServices.Service service, RailwayServices.Secret secret) {
        String scope() {
            return service.name() + ":" + secret.name();
        }
    }

    /** The applied answer: what the plan said, the sessions signed out, the deployment Railway made with the new value. */
    @RegisterForReflection
    public record Rotated(boolean applied, String outcome, String planId, long auditId, String service, String name,
            String before, String after, JsonNode signOut, RailwayActions.Settled deployment) {
    }

    /**
     * What the audited change did: the deployment, the sessions it signed out (null: none were), those
     * left at the sign-out's bound (null: none), and why it skipped the sign-out (null: it did not).
     */
    record Done(RailwayActions.Settled deployment, Long signedOut, Long left, String skipped) {
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
        return railway.variable(declared, request.service(), secret.name()).flatMap(now -> newest(declared,
                request.service()).flatMap(newest -> signOutPlan(secret).map(signOut -> {
            ObjectNode changes = mapper.createObjectNode();
            changes.put("service", request.service().name());
            changes.put("name", secret.name());
            changes.put("before", now.map(v -> "set, " + v.length() + " characters").orElse("not set"));
            changes.put("after", "fresh random, " + secret.bytes() + " bytes, base64url, never shown");
            changes.set("signOut", signOut);
            changes.put("deploys", true);
            changes.put("newestDeployment", newest);
            boolean signsOut = signOut.has("sessions");
            String digest = PlannedActions.sha256(mapper.createArrayNode().add(FUNCTION).add(request.scope())
                    .add(railway.fingerprint(now)).add(signsOut).add(secret.bytes()).add(newest).toString());
            return new PlannedActions.Proposal(request.scope(), digest, 1, changes);
        })));
    }

    /**
     * The service's newest deployment id ("none": never deployed), after refusing 409
     * deployment_in_progress while one newer than the live one has not settled: the rotation's
     * deployment would race it, and the sign-out waits on the rotation's own.
     */
    private Uni<String> newest(RailwayServices declared, RailwayServices.Service service) {
        return railway.newestSettled(declared, service, "a rotation");
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
            List<String> claims = List.of(RailwayActions.claim(request.service(), content.path("newestDeployment").asText("none")));
            return actions.audited(FUNCTION, input, in, content, claims, apply -> rotate(apply, declared, request, signOut))
                    .call(done -> onTimeline(input, content, done.result()))
                    .map(done -> {
                        Done d = done.result();
                        ObjectNode so = mapper.createObjectNode();
                        if (d.signedOut() != null) {
                            so.put("signedOut", d.signedOut());
                        }
                        if (d.left() != null) {
                            so.put("left", d.left());
                        }
                        if (d.skipped() != null) {
                            so.put("skipped", d.skipped());
                        } else if (!signOut) {
                            so.set("skipped", content.path("signOut").path("skipped"));
                        }
                        return (JsonNode) mapper.valueToTree(new Rotated(true, outcome(d), plan.id().toString(),
                                done.auditId(), request.service().name(), request.secret().name(),
                                content.path("before").asText(), content.path("after").asText(), so, d.deployment()));
                    });
        });
    }

    /**
     * The rotation: the deployments before it (to know the one it starts), the fresh value upserted
     * (Railway deploys with it), the new deployment followed until it settles or the bound passes,
     * and only once it runs (SUCCESS) every session signed out where declared, within its own bound:
     * signing out before the new secret is live only lets sessions sign in again under the old one.
     * The value lives only in this call and at Railway.
     */
    private Uni<PlannedActions.Done<Done>> rotate(Applying apply, RailwayServices declared, Request request,
            boolean signOut) {
        RailwayServices.Service service = request.service();
        String name = request.secret().name();
        String key = service.name() + ":" + name;
        return railway.history(declared, service).map(list -> list.stream().map(RailwayActions.Deployment::id)
                .collect(Collectors.toSet())).flatMap(before -> railway.upsert(declared, service, name,
                        fresh(request.secret().bytes()), false)
                .onFailure().invoke(e -> {
                    // Only a refusal Railway answered changed nothing: any other end may have set it.
                    if (!(e instanceof RailwayActions.Failure f) || f.inDoubt()) {
                        apply.inDoubt("secret", List.of(key));
                        apply.external("railway:variable:" + service.id() + ":" + name);
                    }
                })
                .invoke(() -> {
                    apply.committed("secret", List.of(key));
                    apply.external("railway:variable:" + service.id() + ":" + name);
                })
                .flatMap(v -> awaitNew(apply, declared, service, before))
                .flatMap(settled -> {
                    if (!signOut) {
                        return Uni.createFrom().item(new Done(settled, null, null, null));
                    }
                    if (!settled.succeeded()) {
                        return Uni.createFrom().item(new Done(settled, null, null, NOT_LIVE));
                    }
                    return containment.signOut(apply, null, SIGN_OUT_BATCHES, SIGN_OUT_WITHIN).flatMap(b -> b.cut()
                            ? containment.sessionCount(null).map(left -> new Done(settled, b.signedOut(),
                                    left == 0 ? null : left, null))
                                    .onFailure().recoverWithItem(new Done(settled, b.signedOut(), -1L, null))
                            : Uni.createFrom().item(new Done(settled, b.signedOut(), null, null)));
                })
                .map(done -> new PlannedActions.Done<>(done, 1 + (done.signedOut() == null ? 0 : done.signedOut().intValue()),
                        outcome(done))));
    }

    /**
     * The record's and the answer's outcome: "applied", or what the deployment did instead (the
     * service still runs the old secret, no one signed out), or the sessions left at the bound.
     */
    static String outcome(Done done) {
        RailwayActions.Settled s = done.deployment();
        if (!s.succeeded()) {
            return RailwayActions.outcome(s, "the service still runs the previous secret"
                    + (done.skipped() == null ? "" : "; no session was signed out"));
        }
        if (done.left() != null) {
            return "applied: " + done.signedOut() + " sessions signed out, "
                    + (done.left() < 0 ? "some" : String.valueOf(done.left())) + " left at the sign-out's bound ("
                    + SIGN_OUT_BATCHES + " batches, " + SIGN_OUT_WITHIN.toSeconds() + " s): sign them out with contain-breach";
        }
        return "applied";
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
                + "; deployment "
                + s.deploymentId() + " " + (s.settled() ? s.status() : "not settled after " + s.waitedMs() + " ms ("
                        + s.status() + ")")
                + (done.signedOut() == null ? "" : "; " + done.signedOut() + " sessions signed out")
                + (done.left() == null ? "" : ", some left at the bound")
                + (done.skipped() == null ? "" : "; sessions not signed out: the new secret is not live");
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("function", FUNCTION);
        detail.put("service", content.path("service").asText());
        detail.put("name", content.path("name").asText());
        detail.put("signedOut", done.signedOut());
        detail.put("left", done.left());
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
