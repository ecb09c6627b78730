package io.firebreak.providers.railway;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.providers.ProviderCalls;
import io.firebreak.providers.ProviderListing;

/**
 * Seed 004's hands on Railway, shared by the functions that act on the declared services: their
 * deployments and variables as Railway reports them, the mutations (restart, roll back, redeploy,
 * variable upsert and delete, as Railway's published schema spells them), and the bounded wait for a
 * deployment to settle. A mutation Railway refused changed nothing; one whose answer never came may
 * have happened, and says so ({@link Failure#inDoubt}), so the audit record can too.
 */
@ApplicationScoped
public class RailwayActions {

    /** Statuses a deployment stays in until someone acts: the wait ends at one of these. */
    public static final Set<String> SETTLED = Set.of("SUCCESS", "FAILED", "CRASHED", "REMOVED", "SKIPPED", "SLEEPING",
            "NEEDS_APPROVAL");

    /** What can be rolled back to: a deployment that ran (the live one is SUCCESS; those it replaced, REMOVED). */
    public static final Set<String> RAN = Set.of("SUCCESS", "REMOVED", "SLEEPING");

    static final String DEPLOYMENT_FIELDS = "id status createdAt statusUpdatedAt canRollback meta";

    static final String HISTORY = """
            query history($input: DeploymentListInput!, $first: Int, $after: String) {
              deployments(input: $input, first: $first, after: $after) {
                edges { node { %s } }
                pageInfo { hasNextPage endCursor }
              }
            }""".formatted(DEPLOYMENT_FIELDS);

    static final String DEPLOYMENT = """
            query deployment($id: String!) { deployment(id: $id) { %s } }""".formatted(DEPLOYMENT_FIELDS);

    static final String VARIABLES = """
            query variables($projectId: String!, $environmentId: String!, $serviceId: String) {
              variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: true)
            }""";

    static final String RESTART = "mutation restart($id: String!) { deploymentRestart(id: $id) }";

    static final String ROLLBACK = "mutation rollback($id: String!) { deploymentRollback(id: $id) }";

    static final String REDEPLOY = """
            mutation redeploy($environmentId: String!, $serviceId: String!) {
              serviceInstanceRedeploy(environmentId: $environmentId, serviceId: $serviceId)
            }""";

    /** Redeploys one deployment's build (not the service's latest, which may be a failed one) and answers the new deployment. */
    static final String REDEPLOY_DEPLOYMENT = """
            mutation redeployDeployment($id: String!) { deploymentRedeploy(id: $id) { %s } }""".formatted(DEPLOYMENT_FIELDS);

    /**
     * How far a deployment Railway made for an action may seem to precede the mutation that made it
     * (Railway's clock against ours) and still count as that action's.
     */
    public static final Duration SKEW = Duration.ofSeconds(60);

    /** How far a restarted deployment's statusUpdatedAt may seem to precede the restart and still count as it. */
    public static final Duration RESTART_SKEW = Duration.ofSeconds(2);

    static final String UPSERT = """
            mutation upsert($input: VariableUpsertInput!) { variableUpsert(input: $input) }""";

    static final String DELETE = """
            mutation unset($input: VariableDeleteInput!) { variableDelete(input: $input) }""";

    /** A deployment as the plans and answers show it: Railway's id and status, when it was made and from which commit. */
    @RegisterForReflection
    public record Deployment(String id, String status, String createdAt, String statusUpdatedAt, boolean canRollback,
            String commit, String commitMessage, String branch) {

        public Instant created() {
            return instant(createdAt);
        }

        public boolean ran() {
            return RAN.contains(status);
        }
    }

    /** How a wait for a deployment ended: its id and last status, whether that status settled, how long it took, the last read error. */
    @RegisterForReflection
    public record Settled(String deploymentId, String status, boolean settled, long waitedMs, String error) {
        public boolean succeeded() {
            return "SUCCESS".equals(status);
        }
    }

    /** A Railway call that did not do what it asked; inDoubt: a mutation whose answer never came, which may have happened. */
    public static final class Failure extends FunctionError {
        private final boolean inDoubt;

        Failure(int status, String code, String message, boolean inDoubt) {
            super(status, code, message, null, Map.of(), status < 500);
            this.inDoubt = inDoubt;
        }

        public boolean inDoubt() {
            return inDoubt;
        }
    }

    @Inject
    RailwayGraphql railway;

    @ConfigProperty(name = "firebreak.railway.deploy-wait", defaultValue = "120s")
    Duration deployWait;

    @ConfigProperty(name = "firebreak.railway.poll-every", defaultValue = "3s")
    Duration pollEvery;

    /** Deployments read for a plan, newest first: enough to find the last good one before an incident. */
    static final int HISTORY_PAGE = 50;
    static final int HISTORY_PAGES = 3;

    /** Refuses, as 409 railway_not_configured, when Railway cannot be called or the declaration is incomplete. */
    public void requireConfigured(RailwayServices declared) {
        Optional<String> why = railway.skipped().or(declared::incomplete);
        if (why.isPresent()) {
            throw new FunctionError(409, "railway_not_configured", "Railway is not configured: " + why.get(), null);
        }
    }

    /** The declared service by name, or 400 unknown_service naming those declared. */
    public RailwayServices.Service service(RailwayServices declared, String name) {
        if (name == null || name.isBlank()) {
            throw FunctionError.badInput("missing_field", "service", "service is one of the declared Railway services: "
                    + names(declared));
        }
        return declared.service(name.strip()).orElseThrow(() -> FunctionError.badInput("unknown_service", "service",
                "no Railway service '" + name.strip() + "' in functions.yaml; declared: " + names(declared)));
    }

    private static String names(RailwayServices declared) {
        return String.join(", ", declared.services().stream().map(RailwayServices.Service::name).toList());
    }

    /**
     * A secret variable's value as a digest may hold it: keyed by the Railway token (never a bare
     * hash of a secret); an unset variable has its own fingerprint.
     */
    public String fingerprint(Optional<String> value) {
        return value.map(v -> "set:" + railway.fingerprint(v)).orElse("unset");
    }

    /** The bound on a deployment's settling, and how often it is read meanwhile. */
    public Duration deployWait() {
        return deployWait;
    }

    /** The service's deployments, newest first, at most HISTORY_PAGE × HISTORY_PAGES of them. */
    public Uni<List<Deployment>> history(RailwayServices declared, RailwayServices.Service service) {
        return history(declared, service, null, 1, new ArrayList<>());
    }

    private Uni<List<Deployment>> history(RailwayServices declared, RailwayServices.Service service, String after, int page,
            List<Deployment> sofar) {
        ObjectNode variables = railway.variables();
        variables.putObject("input").put("projectId", declared.project()).put("environmentId", declared.environment())
                .put("serviceId", service.id());
        variables.put("first", HISTORY_PAGE);
        if (after != null) {
            variables.put("after", after);
        }
        return read(HISTORY, variables, "deployments").flatMap(data -> {
            data.path("edges").forEach(e -> sofar.add(deployment(e.path("node"))));
            JsonNode info = data.path("pageInfo");
            if (page < HISTORY_PAGES && info.path("hasNextPage").asBoolean(false) && info.path("endCursor").isTextual()) {
                return history(declared, service, info.path("endCursor").asText(), page + 1, sofar);
            }
            return Uni.createFrom().item(List.copyOf(sofar));
        });
    }

    public Uni<Deployment> deployment(String id) {
        return read(DEPLOYMENT, railway.variables().put("id", id), "deployment").map(RailwayActions::deployment);
    }

    /** A service variable's stored value (unrendered: a ${{…}} reference stays a reference), empty when it is not set. */
    public Uni<Optional<String>> variable(RailwayServices declared, RailwayServices.Service service, String name) {
        ObjectNode variables = railway.variables().put("projectId", declared.project())
                .put("environmentId", declared.environment()).put("serviceId", service.id());
        return read(VARIABLES, variables, "variables").map(all -> {
            JsonNode value = all.path(name);
            return value.isTextual() ? Optional.of(value.asText()) : Optional.<String>empty();
        });
    }

    public Uni<Void> restart(String deploymentId) {
        return mutate(RESTART, railway.variables().put("id", deploymentId), "deploymentRestart");
    }

    public Uni<Void> rollback(String deploymentId) {
        return mutate(ROLLBACK, railway.variables().put("id", deploymentId), "deploymentRollback");
    }

    public Uni<Void> redeploy(RailwayServices declared, RailwayServices.Service service) {
        return mutate(REDEPLOY, railway.variables().put("environmentId", declared.environment()).put("serviceId", service.id()),
                "serviceInstanceRedeploy");
    }

    /**
     * Redeploys exactly this deployment's build (deploymentRedeploy) and answers the deployment
     * Railway made, whose id the caller follows: nothing is guessed from the service's list.
     */
    public Uni<Deployment> redeployDeployment(String deploymentId) {
        return mutateData(REDEPLOY_DEPLOYMENT, railway.variables().put("id", deploymentId), "deploymentRedeploy")
                .map(RailwayActions::deployment);
    }

    /**
     * Deployments newer than the live one (all of them when none is live) that have not settled
     * (BUILDING, DEPLOYING, ...), newest first: another change of the service is under way.
     */
    public static List<Deployment> inProgress(List<Deployment> history, Deployment live) {
        List<Deployment> out = new ArrayList<>();
        for (Deployment d : history) {
            if (live != null && d.id().equals(live.id())) {
                break;
            }
            if (!SETTLED.contains(d.status())) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * Refuses, 409 deployment_in_progress naming it, an act that would start a deployment while one
     * newer than the live one has not settled (it would race it). Not replayed: the same call, tried
     * again once the build settles, runs.
     */
    public static void requireNoneInProgress(List<Deployment> inProgress, RailwayServices.Service service, String act) {
        if (!inProgress.isEmpty()) {
            Deployment d = inProgress.get(0);
            throw new FunctionError(409, "deployment_in_progress", "deployment " + d.id() + " of " + service.name()
                    + " is still " + d.status() + " (made " + d.createdAt() + "): " + act + " now would start another "
                    + "deployment racing it; plan again once it settles", "service",
                    Map.of("deploymentId", d.id(), "status", String.valueOf(d.status())), false);
        }
    }

    /** The service's newest deployment id ("none" before its first), refused while a deployment is in progress. */
    public Uni<String> newestSettled(RailwayServices declared, RailwayServices.Service service, String act) {
        return history(declared, service).map(list -> {
            requireNoneInProgress(inProgress(list), service, act);
            return newest(list);
        });
    }

    /** The id of the newest deployment in a history (newest first), "none" for an empty one: what a digest pins. */
    public static String newest(List<Deployment> history) {
        return history.isEmpty() ? "none" : history.get(0).id();
    }

    /**
     * The claim an apply that makes a deployment of the service takes ("railway:<serviceId>:<newest
     * deployment id>"), so two applies that passed their re-plans at once do not both act on the
     * same reading of the service.
     */
    public static String claim(RailwayServices.Service service, List<Deployment> history) {
        return claim(service, newest(history));
    }

    public static String claim(RailwayServices.Service service, String newestId) {
        return "railway:" + service.id() + ":" + newestId;
    }

    /** Sets a service variable; Railway deploys the service with it unless skipDeploys. */
    public Uni<Void> upsert(RailwayServices declared, RailwayServices.Service service, String name, String value,
            boolean skipDeploys) {
        ObjectNode variables = railway.variables();
        variables.putObject("input").put("projectId", declared.project()).put("environmentId", declared.environment())
                .put("serviceId", service.id()).put("name", name).put("value", value).put("skipDeploys", skipDeploys);
        return mutate(UPSERT, variables, "variableUpsert");
    }

    public Uni<Void> delete(RailwayServices declared, RailwayServices.Service service, String name) {
        ObjectNode variables = railway.variables();
        variables.putObject("input").put("projectId", declared.project()).put("environmentId", declared.environment())
                .put("serviceId", service.id()).put("name", name);
        return mutate(DELETE, variables, "variableDelete");
    }

    /** Follows one deployment until it settles or the bound passes; read errors meanwhile are kept, not thrown. */
    public Uni<Settled> awaitDeployment(String id) {
        long start = System.nanoTime();
        return poll(() -> deployment(id).map(Optional::of), start, null);
    }

    /**
     * Waits for the deployment an action just started (a variable change's), as {@link #awaitOurs}
     * judges it: not among {@code before} and made since the action was sent (Railway's wall clock, so
     * this one's, less the skew), never someone else's taken for ours when two qualify.
     */
    public Uni<Settled> awaitNew(RailwayServices declared, RailwayServices.Service service, Set<String> before) {
        return awaitOurs(declared, service, before, null, Instant.now(), deployWait);
    }

    /** As {@link #awaitDeployment(String)}, within the given bound (a function's own, clamped to its timeout). */
    public Uni<Settled> awaitDeployment(String id, Duration bound) {
        long start = System.nanoTime();
        return poll(() -> deployment(id).map(Optional::of), start, null, bound, d -> true, "");
    }

    /**
     * Waits for the deployment an action made, accepting as ours only one that is not among {@code
     * before}, was built from {@code commit} (when known) and was made no earlier than {@code sent}
     * less {@link #SKEW}; someone else's deployment is never taken for ours. Two such candidates, or
     * none by the end of the bound, answer an unsettled wait with no id and the reason in error.
     */
    public Uni<Settled> awaitOurs(RailwayServices declared, RailwayServices.Service service, Set<String> before, String commit,
            Instant sent, Duration bound) {
        long start = System.nanoTime();
        Instant earliest = sent.minus(SKEW);
        return pollOurs(declared, service, before, commit, earliest, start, bound, null);
    }

    private Uni<Settled> pollOurs(RailwayServices declared, RailwayServices.Service service, Set<String> before, String commit,
            Instant earliest, long start, Duration bound, String lastError) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(pollEvery)
                .flatMap(v -> history(declared, service, null, HISTORY_PAGES, new ArrayList<>())
                        .map(list -> new Object[] { list, null })
                        .onFailure().recoverWithItem(e -> new Object[] { null, e.getMessage() }))
                .flatMap(got -> {
                    @SuppressWarnings("unchecked")
                    List<Deployment> list = (List<Deployment>) got[0];
                    String error = got[1] == null ? lastError : (String) got[1];
                    long waited = (System.nanoTime() - start) / 1_000_000;
                    if (list != null) {
                        List<Deployment> ours = list.stream().filter(d -> !before.contains(d.id()))
                                .filter(d -> commit == null || commit.equals(d.commit()))
                                .filter(d -> d.created() != null && !d.created().isBefore(earliest)).toList();
                        if (ours.size() > 1) {
                            return Uni.createFrom().item(new Settled(null, null, false, waited, "could not tell which "
                                    + "deployment is ours: " + String.join(", ", ours.stream().map(Deployment::id).toList())
                                    + " were all made from commit " + commit + " since the action was sent"));
                        }
                        if (ours.size() == 1) {
                            Deployment d = ours.get(0);
                            if (SETTLED.contains(d.status())) {
                                return Uni.createFrom().item(new Settled(d.id(), d.status(), true, waited, null));
                            }
                            // Found: follow that one id from now on.
                            long left = bound.toMillis() - waited;
                            if (left < pollEvery.toMillis()) {
                                return Uni.createFrom().item(new Settled(d.id(), d.status(), false, waited, null));
                            }
                            return poll(() -> deployment(d.id()).map(Optional::of), start, null, bound, x -> true, "");
                        }
                        error = null;
                    }
                    if (waited + pollEvery.toMillis() > bound.toMillis()) {
                        return Uni.createFrom().item(new Settled(null, null, false, waited, error != null ? error
                                : "could not tell which deployment is ours: none made from commit " + commit
                                        + " since the action was sent"));
                    }
                    return pollOurs(declared, service, before, commit, earliest, start, bound, error);
                });
    }

    /**
     * Follows a restarted deployment: Railway has no restarting status, so a status counts as
     * settled only once its statusUpdatedAt is after the restart was sent (less {@link
     * #RESTART_SKEW}); otherwise the wait ends unsettled, "restart not observed".
     */
    public Uni<Settled> awaitRestart(String id, Instant sent, Duration bound) {
        long start = System.nanoTime();
        Instant earliest = sent.minus(RESTART_SKEW);
        return poll(() -> deployment(id).map(Optional::of), start, null, bound,
                d -> instant(d.statusUpdatedAt()) != null && !instant(d.statusUpdatedAt()).isBefore(earliest),
                "restart not observed: " + id + "'s status has not changed since the restart was sent");
    }

    private Uni<Settled> poll(java.util.function.Supplier<Uni<Optional<Deployment>>> read, long start, String lastError) {
        return poll(read, start, lastError, deployWait, d -> true, "");
    }

    private Uni<Settled> poll(java.util.function.Supplier<Uni<Optional<Deployment>>> read, long start, String lastError,
            Duration bound, java.util.function.Predicate<Deployment> observed, String unobserved) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(pollEvery)
                .flatMap(v -> read.get().map(d -> new Object[] { d.orElse(null), null })
                        .onFailure().recoverWithItem(e -> new Object[] { null, e.getMessage() }))
                .flatMap(got -> {
                    Deployment d = (Deployment) got[0];
                    String error = got[1] == null ? (d == null ? lastError : null) : (String) got[1];
                    long waited = (System.nanoTime() - start) / 1_000_000;
                    boolean seen = d != null && observed.test(d);
                    if (seen && SETTLED.contains(d.status())) {
                        return Uni.createFrom().item(new Settled(d.id(), d.status(), true, waited, null));
                    }
                    if (waited + pollEvery.toMillis() > bound.toMillis()) {
                        return Uni.createFrom().item(new Settled(d == null ? null : d.id(), d == null ? null : d.status(),
                                false, waited, error != null ? error : d != null && !seen && !unobserved.isEmpty() ? unobserved
                                        : null));
                    }
                    return poll(() -> d == null ? read.get() : deployment(d.id()).map(Optional::of), start, error, bound,
                            observed, unobserved);
                });
    }

    /**
     * The outcome an audit record and an answer give an act that started a deployment: "applied"
     * when it reached SUCCESS, else what it did (FAILED, still BUILDING after the bound, none seen).
     */
    public static String outcome(Settled s) {
        return outcome(s, null);
    }

    /**
     * As {@link #outcome(Settled)}, and when the deployment did not succeed, what that means for the
     * caller (a variable change: "the service still runs the previous value"), after a dash.
     */
    public static String outcome(Settled s, String unlessSucceeded) {
        long seconds = Math.round(s.waitedMs() / 1000.0);
        if (s.succeeded()) {
            return "applied";
        }
        String what;
        if (s.deploymentId() == null) {
            what = "applied: no new deployment seen after " + seconds + " s";
        } else if (s.settled()) {
            what = "applied: deployment " + s.deploymentId() + " " + s.status();
        } else {
            what = "applied: deployment " + s.deploymentId() + " still " + (s.status() == null ? "unread" : s.status())
                    + " after " + seconds + " s";
        }
        return unlessSucceeded == null ? what : what + " — " + unlessSucceeded;
    }

    /**
     * The deployments newer than the live one (the newest SUCCESS; with none, all of them) that have
     * not settled, newest first: a build another act started that a new deployment would race.
     */
    public static List<Deployment> inProgress(List<Deployment> newestFirst) {
        return inProgress(newestFirst, newestFirst.stream().filter(d -> "SUCCESS".equals(d.status())).findFirst().orElse(null));
    }

    private Uni<JsonNode> read(String query, ObjectNode variables, String field) {
        return railway.post(query, variables).map(answer -> {
            String error = railway.error(answer, field);
            if (error != null && (answer.status() == 401 || answer.status() == 403
                    || error.toLowerCase(java.util.Locale.ROOT).contains("not authorized"))) {
                // A read refused for the token (Railway's "Not Authorized", sent with HTTP 200) is configuration, not a refusal of an act.
                throw new Failure(409, "railway_not_configured", "Railway is not configured: " + error, false);
            }
            if (error != null) {
                throw failure(answer, error, false);
            }
            return answer.body().path("data").path(field);
        });
    }

    private Uni<Void> mutate(String query, ObjectNode variables, String field) {
        return mutateData(query, variables, field).replaceWithVoid();
    }

    /** A mutation's answer at field (true, or the object it returns); a refusal or a lost answer as a Failure. */
    private Uni<JsonNode> mutateData(String query, ObjectNode variables, String field) {
        Optional<String> paused = Optional.of(railway.paused()).filter(d -> !d.isZero())
                .map(d -> ProviderListing.rateLimited(Math.max(1, (d.toMillis() + 999) / 1000)));
        if (paused.isPresent()) {
            return Uni.createFrom().failure(new Failure(503, "railway_unavailable", "Railway " + paused.get()
                    + ": nothing was sent", false));
        }
        return railway.post(query, variables).map(answer -> {
            String error = railway.error(answer, field);
            if (error == null && !answer.body().path("data").path(field).asBoolean(false)
                    && !answer.body().path("data").path(field).isObject()) {
                error = "Railway answered " + field + " = false";
            }
            if (error != null) {
                throw failure(answer, error, answer.status() == 0 || answer.status() >= 500);
            }
            return answer.body().path("data").path(field);
        });
    }

    private static Failure failure(ProviderCalls.Answer answer, String error, boolean inDoubt) {
        if (answer.status() == 0 || answer.status() == 429 || answer.status() >= 500) {
            return new Failure(503, "railway_unavailable", error + (inDoubt ? " — it may have acted: read the service's "
                    + "deployments before trying again" : ""), inDoubt);
        }
        return new Failure(502, "railway_refused", error, false);
    }

    static Deployment deployment(JsonNode n) {
        JsonNode meta = n.path("meta");
        String message = meta.path("commitMessage").asText(null);
        return new Deployment(n.path("id").asText(null), n.path("status").asText(null), n.path("createdAt").asText(null),
                n.path("statusUpdatedAt").asText(null), n.path("canRollback").asBoolean(false),
                meta.path("commitHash").asText(null),
                message == null ? null : RailwayGraphql.clip(message.lines().findFirst().orElse(""), 120),
                meta.path("branch").asText(null));
    }

    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
