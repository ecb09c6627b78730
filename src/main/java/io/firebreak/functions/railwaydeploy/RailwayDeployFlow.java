package io.firebreak.functions.railwaydeploy;

import static io.firebreak.providers.railway.RailwayActions.outcome;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentStore;
import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogText;
import io.firebreak.providers.railway.RailwayActions;
import io.firebreak.providers.railway.RailwayActions.Deployment;
import io.firebreak.providers.railway.RailwayServices;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.ActionTimeline;
import io.firebreak.safety.Applying;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Seed 004's railway restart, railway up and railway rollback on a declared service. The dry run
 * reads the service's deployments and names exactly what Railway will be asked to act on (the live
 * deployment, and for a rollback the last good one before the incident started); the apply sends
 * the one mutation inside the audited change and follows the deployment it started until it
 * settles or the bound passes, so the outcome record holds its id and status. A redeploy or
 * rollback is undone by rolling back to the deployment that was live before — only while the one
 * it made is still live; a restart puts nothing back.
 */
@ApplicationScoped
public class RailwayDeployFlow implements Undoable {

    private static final Logger LOG = Logger.getLogger(RailwayDeployFlow.class);

    public static final String FUNCTION = "railway-deploy";

    /** One call's ask: the service's declared name, the act, and a rollback's explicit target or cut-off. */
    public record Request(String service, String action, String deploymentId, Instant before, String incidentId) {
        String scope() {
            return action + ":" + service + (deploymentId != null ? ":" + deploymentId : "")
                    + (before != null ? ":before " + before : "");
        }
    }

    /** The deployment an act followed: Railway's id, its last status, whether it settled, how long the wait took, why not when unknown. */
    @RegisterForReflection
    public record Followed(String id, String status, boolean settled, long waitedMs, String note) {
    }

    /** The applied answer: the act, the deployment it was sent for, the deployment it started and how that ended. */
    @RegisterForReflection
    public record Acted(boolean applied, String planId, long auditId, String action, String service, String actedOn,
            Followed deployment, String outcome) {
    }

    /** The applied answer of an undo: the deployment rolled back to and the one the rollback made. */
    @RegisterForReflection
    public record Undone(boolean applied, long undoOf, long auditId, String service, String rolledBackTo, Followed deployment,
            String outcome) {
    }

    /**
     * What a dry run read: the service, its deployments (newest first), the live one, and what the act
     * is sent for: a rollback's target, the deployment a restart restarts or a redeploy rebuilds.
     */
    record Situation(RailwayServices declared, RailwayServices.Service service, List<Deployment> history, Deployment live,
            Deployment target) {
        Set<String> ids() {
            return history.stream().map(Deployment::id).collect(Collectors.toSet());
        }
    }

    /** A rollback's cut-off: deployments made at or after it are not targets. */
    record CutOff(Instant at, String basis) {
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
    IncidentStore incidents;

    @Inject
    FunctionAdmission admission;

    @Inject
    ObjectMapper mapper;

    private final Declared<RailwayServices> services = new Declared<>(
            () -> RailwayServices.parse(admission.manifest().settings("railway")));

    /** API Gateway's HTTP API cuts a request at 30 s: the wait leaves that much of the function's timeout. */
    static final java.time.Duration GATEWAY_CUT = java.time.Duration.ofSeconds(30);

    private volatile java.time.Duration bound;

    void clampAtStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent started) {
        bound();
    }

    /** The deployment wait: the configured one, clamped to this function's manifest timeout less 30 s (logged once). */
    java.time.Duration bound() {
        java.time.Duration b = bound;
        if (b == null) {
            java.time.Duration wait = railway.deployWait();
            b = wait;
            var fn = admission.manifest().find(FUNCTION);
            if (fn.isPresent()) {
                java.time.Duration most = java.time.Duration.ofSeconds(fn.get().timeoutSeconds()).minus(GATEWAY_CUT);
                if (most.isNegative() || most.isZero()) {
                    most = java.time.Duration.ofSeconds(1);
                }
                if (wait.compareTo(most) > 0) {
                    LOG.infof("railway-deploy: firebreak.railway.deploy-wait %s is clamped to %s (timeoutSeconds %d less 30 s)",
                            wait, most, fn.get().timeoutSeconds());
                    b = most;
                }
            }
            bound = b;
        }
        return b;
    }

    @Override
    public String function() {
        return FUNCTION;
    }

    public Uni<JsonNode> plan(Request r, ActionInput input) {
        return situation(r).flatMap(s -> actions.plan(FUNCTION, input.getActor(), proposal(r, s)));
    }

    public Uni<JsonNode> apply(Request r, ActionInput input) {
        // The re-plan's reading is what the act uses: the deployments that existed just before the mutation.
        AtomicReference<Situation> now = new AtomicReference<>();
        Uni<PlannedActions.Proposal> current = situation(r).map(s -> {
            now.set(s);
            return proposal(r, s);
        });
        return actions.apply(FUNCTION, r.scope(), input, current, plan -> {
            Situation s = now.get();
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("service", r.service());
            in.put("action", r.action());
            if (r.deploymentId() != null) {
                in.put("deploymentId", r.deploymentId());
            }
            if (r.before() != null) {
                in.put("before", r.before().toString());
            }
            in.put("planId", input.getPlanId());
            Deployment on = actedOn(r.action(), s);
            return actions.audited(FUNCTION, input, in, plan.content(), List.of(RailwayActions.claim(s.service(), s.history())),
                    apply -> act(apply, r.action(), s))
                    .flatMap(done -> onTimeline(r.incidentId(), input, r.action() + " of " + r.service(), done)
                            .map(v -> (JsonNode) mapper.valueToTree(new Acted(true, plan.id().toString(), done.auditId(),
                                    r.action(), r.service(), on == null ? null : on.id(), followed(done.result()),
                                    described(done.result())))));
        });
    }

    // ---- reading ----

    Uni<Situation> situation(Request r) {
        RailwayServices declared = services.get();
        RailwayServices.Service service = railway.service(declared, r.service());
        railway.requireConfigured(declared);
        return cutOff(r).flatMap(cut -> railway.history(declared, service).map(history -> {
            Deployment live = live(history);
            Deployment target = switch (r.action()) {
                case "restart" -> restartable(service, history, live);
                case "redeploy" -> rebuildable(service, history, live);
                default -> target(r, service, history, live, cut.orElse(null));
            };
            if (!r.action().equals("restart")) {
                // A build or rollback already under way: a second one on top of it races it.
                RailwayActions.requireNoneInProgress(RailwayActions.inProgress(history, live), service, "a " + r.action());
            }
            return new Situation(declared, service, history, live, target);
        }));
    }

    /** The cut-off a rollback's target must precede: before, else the incident's start when no target is named. */
    private Uni<Optional<CutOff>> cutOff(Request r) {
        if (!r.action().equals("rollback") || r.deploymentId() != null) {
            return Uni.createFrom().item(Optional.empty());
        }
        if (r.before() != null) {
            return Uni.createFrom().item(Optional.of(new CutOff(r.before(), "before " + r.before())));
        }
        if (r.incidentId() == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return incidents.find(r.incidentId()).map(found -> {
            var incident = found.orElseThrow(() -> new FunctionError(404, "incident_not_found", "no incident " + r.incidentId(),
                    "incidentId"));
            return Optional.of(new CutOff(incident.openedAt(), r.incidentId() + " started at " + incident.openedAt()));
        });
    }

    static Deployment live(List<Deployment> history) {
        return history.stream().filter(d -> "SUCCESS".equals(d.status())).findFirst().orElse(null);
    }

    /** A restart's deployment: the live one, else the newest when it CRASHED or sleeps (the outage a restart is for). */
    static Deployment restartable(RailwayServices.Service service, List<Deployment> history, Deployment live) {
        if (live != null) {
            return live;
        }
        if (!history.isEmpty() && Set.of("CRASHED", "SLEEPING").contains(history.get(0).status())) {
            return history.get(0);
        }
        throw new FunctionError(409, "no_live_deployment", "service " + service.name() + " has no live (SUCCESS), CRASHED or "
                + "SLEEPING deployment to restart among its last " + history.size() + " deployments"
                + (history.isEmpty() ? "" : " (newest: " + history.get(0).id() + " " + history.get(0).status() + ")")
                + ": roll back or redeploy instead", "service");
    }

    /** A redeploy's deployment: the live one's build (never a newer failed one's), else the newest deployment. */
    static Deployment rebuildable(RailwayServices.Service service, List<Deployment> history, Deployment live) {
        if (live != null) {
            return live;
        }
        if (!history.isEmpty()) {
            return history.get(0);
        }
        throw new FunctionError(409, "no_live_deployment", "service " + service.name() + " has no deployment to redeploy",
                "service");
    }

    static Deployment find(List<Deployment> history, String id) {
        return history.stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
    }

    /** A rollback's target: the one named (checked), or the newest that ran, can be rolled back to, and precedes the live one and the cut-off. */
    static Deployment target(Request r, RailwayServices.Service service, List<Deployment> history, Deployment live, CutOff cut) {
        if (r.deploymentId() != null) {
            Deployment d = find(history, r.deploymentId());
            String why = d == null ? "it is not among the last " + history.size() + " deployments of " + service.name()
                    : live != null && d.id().equals(live.id()) ? "it is the live deployment"
                    : !d.ran() ? "it never ran (status " + d.status() + ")"
                    : !d.canRollback() ? "Railway says it cannot be rolled back to (its build may have expired)" : null;
            if (why != null) {
                throw new FunctionError(409, "not_rollbackable", "cannot roll " + service.name() + " back to " + r.deploymentId()
                        + ": " + why, "deploymentId");
            }
            return d;
        }
        if (cut != null && live != null && live.created() != null) {
            if (live.created().isBefore(cut.at())) {
                throw new FunctionError(409, "no_rollback_target", "the live deployment of " + service.name() + ", " + live.id()
                        + " (commit " + live.commit() + ", made " + live.createdAt() + "), predates the cut-off ("
                        + cut.basis() + "): it is the last good one before it; name the target with deploymentId, or an "
                        + "earlier cut-off with before", "service");
            }
            Optional<Deployment> same = history.stream().filter(d -> !d.id().equals(live.id()) && d.created() != null
                    && d.created().isBefore(live.created()) && live.commit() != null && live.commit().equals(d.commit()))
                    .findFirst();
            if (same.isPresent()) {
                throw new FunctionError(409, "already_rolled_back", "the live deployment of " + service.name() + ", "
                        + live.id() + " (made " + live.createdAt() + ", after the cut-off: " + cut.basis() + "), runs commit "
                        + live.commit() + ", the build of " + same.get().id() + " (made " + same.get().createdAt()
                        + "): it has been rolled back already; to go further back, name the target with deploymentId",
                        "deploymentId");
            }
        }
        List<Deployment> older = history.stream().filter(d -> live == null || !d.id().equals(live.id()))
                .filter(d -> d.created() != null && (live == null || live.created() == null || d.created().isBefore(live.created())))
                .toList();
        List<Deployment> beforeCut = older.stream().filter(d -> cut == null || d.created().isBefore(cut.at())).toList();
        Optional<Deployment> found = beforeCut.stream().filter(d -> d.ran() && d.canRollback()).findFirst();
        if (found.isEmpty()) {
            throw new FunctionError(409, "no_rollback_target", "no deployment of " + service.name() + " to roll back to: of its last "
                    + history.size() + " deployments, " + older.size() + " precede the live one"
                    + (live == null ? " (none is live)" : " (" + live.id() + ")")
                    + (cut == null ? "" : ", " + beforeCut.size() + " of them were made " + cut.basis())
                    + ", and none of those ran and can be rolled back to; name one with deploymentId", "service");
        }
        return found.get();
    }

    // ---- the plan ----

    PlannedActions.Proposal proposal(Request r, Situation s) {
        ObjectNode changes = mapper.createObjectNode();
        changes.put("action", r.action());
        changes.put("service", s.service().name());
        changes.put("serviceId", s.service().id());
        putDeployment(changes, "live", s.live());
        String liveId = s.live() == null ? "none" : s.live().id();
        String digest;
        switch (r.action()) {
            case "restart" -> {
                putDeployment(changes, "restarts", s.target());
                changes.put("what", "Railway restarts deployment " + s.target().id() + " (" + s.target().status()
                        + ", the same build, commit " + s.target().commit() + "): its containers start again");
                digest = "restart;" + s.target().id() + ";" + s.target().status() + ";" + s.target().statusUpdatedAt();
            }
            case "redeploy" -> {
                putDeployment(changes, "redeploys", s.target());
                changes.put("what", "Railway makes a new deployment of " + s.target().id() + "'s build (deploymentRedeploy, "
                        + "commit " + s.target().commit() + "); " + (s.live() == null ? "no deployment is live now"
                                : liveId + " stays live until the new one succeeds"));
                digest = "redeploy;" + liveId + ";" + s.target().id();
            }
            default -> {
                putDeployment(changes, "target", s.target());
                changes.put("what", "Railway makes a new deployment of " + s.target().id() + "'s build (commit "
                        + s.target().commit() + ", made " + s.target().createdAt() + ")"
                        + (s.live() == null ? "" : "; the live " + liveId + " is replaced when it succeeds"));
                digest = "rollback;" + liveId + ";" + s.target().id();
            }
        }
        // The newest deployment pins the reading: one made since (by anyone) makes this plan stale.
        digest += ";newest=" + RailwayActions.newest(s.history());
        if (r.action().equals("rollback") && r.deploymentId() == null) {
            ObjectNode cut = changes.putObject("cutOff");
            cut.put("liveCreatedAt", s.live() == null ? null : s.live().createdAt());
            cut.put("before", r.before() != null ? r.before().toString() : null);
            cut.put("incidentId", r.before() == null ? r.incidentId() : null);
        }
        putInProgress(changes, s);
        changes.put("waitSeconds", bound().toSeconds());
        return new PlannedActions.Proposal(r.scope(), PlannedActions.sha256(s.service().id() + ";" + digest), 1, changes);
    }

    private static void putDeployment(ObjectNode changes, String name, Deployment d) {
        if (d == null) {
            changes.putNull(name);
            return;
        }
        changes.putObject(name).put("id", d.id()).put("status", d.status()).put("commit", d.commit())
                .put("commitMessage", d.commitMessage()).put("createdAt", d.createdAt())
                .put("statusUpdatedAt", d.statusUpdatedAt());
    }

    /** Deployments newer than the live one that have not settled (BUILDING, DEPLOYING, ...): shown, not acted on. */
    private static void putInProgress(ObjectNode changes, Situation s) {
        ArrayNode list = changes.putArray("inProgress");
        for (Deployment d : RailwayActions.inProgress(s.history(), s.live())) {
            list.addObject().put("id", d.id()).put("status", d.status()).put("commit", d.commit())
                    .put("createdAt", d.createdAt());
        }
    }

    // ---- the act ----

    private static Deployment actedOn(String action, Situation s) {
        return s.target();
    }

    /**
     * The one mutation, then the bounded wait, inside the audited change. A refusal changed nothing
     * (the record says so and the plan stays applicable); an answer that never came is in doubt.
     */
    private Uni<PlannedActions.Done<RailwayActions.Settled>> act(Applying apply, String action, Situation s) {
        Deployment on = actedOn(action, s);
        String key = action + ":" + s.service().name();
        Instant sent = Instant.now();
        // A redeploy answers the deployment Railway made: that exact id is followed, nothing guessed.
        AtomicReference<String> made = new AtomicReference<>();
        Uni<Void> mutation = switch (action) {
            case "restart" -> railway.restart(on.id());
            case "redeploy" -> railway.redeployDeployment(on.id()).map(d -> {
                made.set(d.id());
                return null;
            });
            default -> railway.rollback(on.id());
        };
        return mutation.onFailure().invoke(e -> {
            if (!(e instanceof RailwayActions.Failure f) || f.inDoubt()) {
                apply.inDoubt("railway", List.of(key));
                if (on != null) {
                    apply.external("railway:deployment:" + on.id());
                }
            }
        }).flatMap(v -> {
            if (on != null) {
                apply.external("railway:deployment:" + on.id());
            }
            apply.committed("railway", List.of(key));
            return switch (action) {
                case "restart" -> railway.awaitRestart(on.id(), sent, bound());
                case "redeploy" -> made.get() == null
                        ? Uni.createFrom().item(new RailwayActions.Settled(null, null, false, 0, "Railway did not name the deployment it made"))
                        : railway.awaitDeployment(made.get(), bound());
                // Ours is only a deployment of the target's build made since the rollback was sent.
                default -> railway.awaitOurs(s.declared(), s.service(), s.ids(), on.commit(), sent, bound());
            };
        }).map(settled -> {
            if (settled.deploymentId() != null && (on == null || !settled.deploymentId().equals(on.id()))) {
                // The deployment this act made: undo checks it is still the live one.
                apply.external("railway:deployment:" + settled.deploymentId());
                apply.committed("deployment", List.of(settled.deploymentId()));
            }
            return new PlannedActions.Done<>(settled, 1, described(settled));
        });
    }

    /** The outcome, saying why when the deployment is unknown or a restart was not observed. */
    static String described(RailwayActions.Settled s) {
        if (s.error() != null && (s.deploymentId() == null || !s.settled())) {
            return "applied: " + s.error();
        }
        return RailwayActions.outcome(s);
    }

    static Followed followed(RailwayActions.Settled s) {
        return new Followed(s.deploymentId(), s.status(), s.settled(), s.waitedMs(), s.error());
    }

    /** The settled status on the incident's timeline; a change already made is not failed by a timeline that cannot take it. */
    private Uni<Void> onTimeline(String incidentId, ActionInput input, String what,
            PlannedActions.Audited<RailwayActions.Settled> done) {
        if (incidentId == null) {
            return Uni.createFrom().voidItem();
        }
        RailwayActions.Settled s = done.result();
        String summary = "Railway " + what + ": deployment " + (s.deploymentId() == null ? "(none seen)" : s.deploymentId()) + " "
                + (s.settled() ? s.status() : "still " + s.status()) + " after " + Math.round(s.waitedMs() / 1000.0)
                + " s (audit record " + done.auditId() + ")";
        Map<String, Object> deployment = new LinkedHashMap<>();
        deployment.put("id", s.deploymentId());
        deployment.put("status", s.status());
        deployment.put("settled", s.settled());
        deployment.put("waitedMs", s.waitedMs());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("auditId", done.auditId());
        detail.put("deployment", deployment);
        return timeline.event(incidentId, input.getActor(), "railway", summary, detail)
                .onFailure().invoke(e -> LOG.warnf("railway-deploy: the settled status of audit record %d did not reach "
                        + "%s's timeline: %s", done.auditId(), incidentId, LogText.firstLine(String.valueOf(e.getMessage()))))
                .onFailure().recoverWithNull();
    }

    // ---- undo ----

    /** What an undo found: the service now, the deployment live before the act (the target) and the one the act made. */
    record UndoSituation(Situation now, String made) {
    }

    @Override
    public Uni<JsonNode> undoPlan(AuditTrail.Record applied, ActionInput input) {
        return undoSituation(applied).flatMap(u -> actions.plan("undo", input.getActor(), undoProposal(applied, u)));
    }

    @Override
    public Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input) {
        AtomicReference<UndoSituation> now = new AtomicReference<>();
        Uni<PlannedActions.Proposal> current = undoSituation(applied).map(u -> {
            now.set(u);
            return undoProposal(applied, u);
        });
        return actions.apply("undo", "audit:" + applied.id(), input, current, plan -> {
            UndoSituation u = now.get();
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("auditId", applied.id());
            in.put("service", u.now().service().name());
            in.put("planId", input.getPlanId());
            return actions.auditedUndo(input, in, plan.content(), applied.id(), apply -> act(apply, "rollback", u.now()))
                    .flatMap(done -> onTimeline(input.getIncidentId(), input, "undo of audit record " + applied.id() + " on "
                            + u.now().service().name(), done).map(v -> (JsonNode) mapper.valueToTree(new Undone(true,
                                    applied.id(), done.auditId(), u.now().service().name(), u.now().target().id(),
                                    followed(done.result()), described(done.result())))));
        });
    }

    Uni<UndoSituation> undoSituation(AuditTrail.Record applied) {
        String action = applied.input().path("action").asText("");
        if (action.equals("restart")) {
            throw new FunctionError(409, "not_undoable", "audit record " + applied.id() + " restarted a deployment: the same "
                    + "build runs again, so a restart changes nothing to put back", "auditId");
        }
        String previousId = applied.plan().path("live").path("id").asText(null);
        if (previousId == null) {
            throw new FunctionError(409, "not_undoable", "no deployment was live before audit record " + applied.id()
                    + "'s " + action + ": there is nothing to go back to", "auditId");
        }
        List<String> made = Applying.changedKeys(applied.result(), "deployment");
        String madeId = made == null || made.isEmpty() ? null : made.get(0);
        RailwayServices declared = services.get();
        RailwayServices.Service service = railway.service(declared, applied.input().path("service").asText(null));
        railway.requireConfigured(declared);
        return audit.notUndone(applied.id()).flatMap(v -> railway.history(declared, service)).map(history -> {
            Deployment live = live(history);
            if (live == null || !live.id().equals(madeId)) {
                if (live != null && live.id().equals(previousId)) {
                    throw new FunctionError(409, "not_undoable", "the deployment audit record " + applied.id() + " made ("
                            + (madeId == null ? "none seen" : madeId) + ") is not live: " + previousId
                            + ", live before, is live still, so there is nothing to put back", "auditId");
                }
                if (madeId == null) {
                    throw new FunctionError(409, "not_undoable", "which deployment audit record " + applied.id()
                            + " made is not known (its answer never came); the live one is "
                            + (live == null ? "none" : live.id()) + ": roll back with railway-deploy and deploymentId "
                            + previousId + " if that is still wanted", "auditId");
                }
                throw new FunctionError(409, "superseded", "someone deployed since audit record " + applied.id() + ": the live "
                        + "deployment of " + service.name() + " is " + (live == null ? "none" : live.id() + " (commit "
                                + live.commit() + ", made " + live.createdAt() + ")")
                        + ", not " + madeId + " that it made; roll back with railway-deploy and deploymentId " + previousId
                        + " if that is still wanted", "auditId");
            }
            Deployment previous = find(history, previousId);
            if (previous == null || !previous.ran() || !previous.canRollback()) {
                throw new FunctionError(409, "not_rollbackable", "cannot roll " + service.name() + " back to " + previousId
                        + ", live before audit record " + applied.id() + ": " + (previous == null
                                ? "it is no longer among the service's last " + history.size() + " deployments"
                                : "Railway says it cannot be rolled back to (status " + previous.status() + ")"), "auditId");
            }
            return new UndoSituation(new Situation(declared, service, history, live, previous), madeId);
        });
    }

    PlannedActions.Proposal undoProposal(AuditTrail.Record applied, UndoSituation u) {
        Situation s = u.now();
        ObjectNode changes = mapper.createObjectNode();
        changes.put("action", "rollback");
        changes.put("service", s.service().name());
        changes.put("serviceId", s.service().id());
        changes.put("undoes", applied.id());
        putDeployment(changes, "live", s.live());
        putDeployment(changes, "target", s.target());
        changes.put("what", "Railway makes a new deployment of " + s.target().id() + "'s build (commit " + s.target().commit()
                + "), live before audit record " + applied.id() + "; " + s.live().id() + ", which it made, is replaced when "
                + "the new one succeeds");
        putInProgress(changes, s);
        changes.put("waitSeconds", bound().toSeconds());
        return new PlannedActions.Proposal("audit:" + applied.id(), PlannedActions.sha256("undo=" + applied.id() + ";"
                + s.live().id() + ";" + s.target().id()), 1, changes);
    }
}
