package io.firebreak.safety;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;
import io.firebreak.db.OpsJson;
import io.firebreak.platform.Actor;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.FunctionManifest.ApprovalPolicy;
import io.firebreak.platform.LogText;

/**
 * The second pair of eyes: which applies need approval (a function's policy in functions.yaml, or
 * any apply above FIREBREAK_APPROVAL_ABOVE_ROWS rows), requests and decisions bound to the plan's
 * exact digest, and the gate every apply passes before the first change. Each request, decision,
 * expiry and override is an audit record and a timeline event.
 */
@ApplicationScoped
public class Approvals {

    private static final Logger LOG = Logger.getLogger(Approvals.class);

    static final String INSERT_REQUEST = """
            INSERT INTO approval_requests (plan_id, function, digest, rows_affected, incident_id, policy, token_id, role,
                                           person, reason, requested_at, audit_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            RETURNING id""";

    static final String REQUEST_BY_PLAN = """
            SELECT id, function, digest, rows_affected, incident_id, policy::text AS policy, token_id, person, reason
            FROM approval_requests WHERE plan_id = $1""";

    /** Serialises requests for one plan, so two racing requesters make one request and one audit record. */
    static final String LOCK_PLAN = "SELECT pg_advisory_xact_lock(hashtextextended('approval:' || $1::text, 0))";

    static final String INSERT_DECISION = """
            INSERT INTO approval_decisions (request_id, decision, digest, token_id, role, person, authority, reason,
                                            decided_at, expires_at, audit_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (request_id, token_id) DO NOTHING
            RETURNING id""";

    /** Serialises decisions on one request (the runtime role may not lock its rows: they are append-only). */
    static final String LOCK_REQUEST = "SELECT pg_advisory_xact_lock(hashtextextended('approval-decision:' || $1::text, 0))";

    static final String DECISIONS = """
            SELECT d.id, d.decision, d.digest, d.token_id, d.person, d.authority, d.expires_at,
                   e.decision_id IS NOT NULL AS expiry_noted
            FROM approval_decisions d LEFT JOIN approval_expiries e ON e.decision_id = d.id
            WHERE d.request_id = $1 ORDER BY d.id""";

    static final String LOCK_EXPIRY = "SELECT pg_advisory_xact_lock(hashtextextended('approval-expiry:' || $1::text, 0))";

    static final String EXPIRY_NOTED = "SELECT 1 FROM approval_expiries WHERE decision_id = $1";

    static final String INSERT_EXPIRY = """
            INSERT INTO approval_expiries (decision_id, noticed_at, audit_id) VALUES ($1, $2, $3)
            ON CONFLICT (decision_id) DO NOTHING""";

    /** Callers that act for no person: they may ask for approval, never give it. */
    static final Set<String> MACHINES = Set.of("monitor", "provider", "schedule");

    /** What a dry run says about approval: whether its apply needs it, and from whom. */
    @RegisterForReflection
    public record View(boolean required, int approvals, List<String> from, int ttlMinutes, boolean selfApproval,
            String why) {
        static final View NONE = new View(false, 0, List.of(), 0, false, null);
    }

    /** A request as stored. */
    public record Request(long id, String function, String digest, int rows, String incidentId, ApprovalPolicy policy,
            String tokenId, String person, String reason) {
    }

    /** One decision as stored, and whether it still counts at {@code now}. */
    record Decision(long id, String decision, String digest, String tokenId, String person, String authority,
            Instant expiresAt, boolean expiryNoted) {
        boolean counts(String planDigest, Instant now) {
            return decision.equals("approved") && digest.equals(planDigest) && expiresAt.isAfter(now);
        }
    }

    /** A decision's answer. */
    @RegisterForReflection
    public record Decided(long requestId, String planId, String decision, long auditId, int approvals, int required,
            boolean satisfied) {
    }

    /** request-approval's answer. */
    @RegisterForReflection
    public record Requested(long requestId, String planId, String function, String digest, int rows, boolean created,
            View approval) {
    }

    @Inject
    FunctionAdmission admission;

    /** Functions with a policy per unit (run-fix's declared fixes). */
    @Inject
    jakarta.enterprise.inject.Instance<ApprovalPolicies> units;

    @Inject
    Plans plans;

    @Inject
    AuditTrail audit;

    @Inject
    ActionTimeline timeline;

    @Inject
    OpsDb ops;

    @Inject
    OpsJson json;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    /** Any apply changing more rows than this needs approval, whatever its function. */
    @ConfigProperty(name = "firebreak.approvals.above-rows", defaultValue = "10000")
    int aboveRows;

    /** The policy of those large applies: how many approvals, from whom, for how long. */
    @ConfigProperty(name = "firebreak.approvals.large.approvals", defaultValue = "1")
    int largeApprovals;

    @ConfigProperty(name = "firebreak.approvals.large.from", defaultValue = "commander,admin")
    List<String> largeFrom;

    @ConfigProperty(name = "firebreak.approvals.large.ttl-minutes", defaultValue = "15")
    int largeTtlMinutes;

    private volatile ApprovalPolicy large;

    /** A policy for large applies that names no one who can approve would only fail at the first large apply. */
    void validate(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent start) {
        large();
    }

    ApprovalPolicy large() {
        ApprovalPolicy p = large;
        if (p == null) {
            List<String> from = largeFrom.stream().map(String::strip).filter(f -> !f.isEmpty()).toList();
            if (largeApprovals < 1 || largeApprovals > 5 || largeTtlMinutes < 1 || from.isEmpty()
                    || !ApprovalPolicy.AUTHORITIES.containsAll(from)) {
                throw new IllegalStateException("FIREBREAK_APPROVAL_LARGE_*: 1 to 5 approvals, a positive ttl, and approvers "
                        + "among " + ApprovalPolicy.AUTHORITIES);
            }
            p = new ApprovalPolicy(largeApprovals, from, largeTtlMinutes, false);
            large = p;
        }
        return p;
    }

    /**
     * The policy an apply of {@code rows} rows of this function (and plan scope, when known)
     * answers to, if any: the function's own, else its unit's (a declared fix's), else the large-apply one.
     */
    public Optional<ApprovalPolicy> policy(String function, String scope, int rows) {
        return policy(declared(function, scope), rows);
    }

    private Optional<ApprovalPolicy> policy(Optional<ApprovalPolicy> declared, int rows) {
        return declared.isPresent() || rows <= aboveRows ? declared : Optional.of(large());
    }

    private Optional<ApprovalPolicy> declared(String function, String scope) {
        Optional<ApprovalPolicy> own = admission.manifest().find(function).flatMap(f -> f.approval());
        if (own.isPresent() || scope == null) {
            return own;
        }
        for (ApprovalPolicies p : units) {
            if (p.function().equals(function)) {
                return p.policy(scope);
            }
        }
        return Optional.empty();
    }

    public View view(String function, String scope, int rows) {
        Optional<ApprovalPolicy> declared = declared(function, scope);
        return policy(declared, rows).map(p -> new View(true, p.approvals(), p.from(), p.ttlMinutes(), p.selfApproval(),
                declared.isPresent() ? function + " (" + scope.split(":", 2)[0] + ") is declared to need approval"
                        : rows + " rows is above " + aboveRows + " (FIREBREAK_APPROVAL_ABOVE_ROWS)"))
                .orElse(View.NONE);
    }

    /**
     * The gate: passes (with what let it pass, for the record) when the apply needs no approval,
     * has enough unexpired approvals bound to its plan's digest, or is an admin's break-glass
     * {@code force}; otherwise makes sure a request exists and answers 202 approval_required.
     */
    public Uni<String> gate(String function, Plans.Plan plan, int rows, ActionInput input, String incidentId) {
        Optional<ApprovalPolicy> policy = policy(function, plan.scope(), rows);
        if (policy.isEmpty()) {
            return Uni.createFrom().item("none needed");
        }
        Actor actor = input.getActor();
        if (Boolean.TRUE.equals(input.getForce())) {
            if (!"admin".equals(actor.role())) {
                // Not kept for the plan's idempotency key: an admin may force the same plan next.
                throw new FunctionError(403, "force_needs_admin", "only an admin token may apply without approval (force)",
                        "force", Map.of(), false);
            }
            return override(function, plan, rows, input, incidentId);
        }
        return request(plan.id()).flatMap(found -> {
            if (found.isEmpty()) {
                return create(function, plan, rows, incidentId, actor, input.getReason(), policy.get())
                        .map(r -> {
                            throw required(r, 0);
                        });
            }
            Request r = found.get();
            return decisions(r.id()).flatMap(all -> {
                Instant now = clock.instant();
                Optional<Decision> denied = all.stream()
                        .filter(d -> d.decision().equals("denied") && d.digest().equals(plan.digest())).findFirst();
                if (denied.isPresent()) {
                    throw new FunctionError(409, "approval_denied", "plan " + plan.id() + " was denied by "
                            + who(denied.get()) + ": nothing was changed; make a new plan", "planId",
                            Map.of("requestId", r.id()), false);
                }
                // Distinct people, none of them the one applying (unless the policy allows self-approval).
                List<Decision> valid = all.stream().filter(d -> d.counts(plan.digest(), now))
                        .filter(d -> r.policy().selfApproval() || !same(actor, d.tokenId(), d.person()))
                        .collect(java.util.stream.Collectors.toMap(Approvals::person, d -> d, (a, b) -> a,
                                LinkedHashMap::new)).values().stream().toList();
                Uni<Void> noted = noteExpiries(r, all, now).onFailure().invoke(e -> LOG.warnf(
                        "approval expiry not recorded: %s", LogText.loggable(e.getMessage()))).onFailure().recoverWithNull();
                if (valid.size() >= r.policy().approvals()) {
                    return noted.map(v -> "approved by " + String.join(", ", valid.stream().map(Approvals::who).toList()));
                }
                return noted.map(v -> {
                    throw required(r, valid.size());
                });
            });
        });
    }

    /** Asks for approval of a plan (request-approval, or an apply that needs it): one request per plan. */
    public Uni<Requested> ask(UUID planId, String reason, Actor actor, String incidentId) {
        return plans.find(planId).flatMap(found -> {
            Plans.Plan plan = found.orElseThrow(() -> new FunctionError(404, "unknown_plan",
                    "no plan " + planId + ": run the dry run (without apply) first", "planId"));
            int rows = plan.rows();
            Optional<ApprovalPolicy> policy = policy(plan.function(), plan.scope(), rows);
            if (policy.isEmpty()) {
                return Uni.createFrom().item(new Requested(0, planId.toString(), plan.function(), plan.digest(), rows, false,
                        View.NONE));
            }
            if (plan.expiresAt().isBefore(clock.instant())) {
                throw new FunctionError(409, "expired_plan", "plan " + planId + " expired at " + plan.expiresAt()
                        + ": run the dry run again", "planId");
            }
            return request(planId).flatMap(existing -> existing.isPresent()
                    ? Uni.createFrom().item(new Requested(existing.get().id(), planId.toString(), plan.function(),
                            plan.digest(), rows, false, view(plan.function(), plan.scope(), rows)))
                    : create(plan.function(), plan, rows, incidentId, actor, reason, policy.get())
                            .map(r -> new Requested(r.id(), planId.toString(), plan.function(), plan.digest(), rows, true,
                                    view(plan.function(), plan.scope(), rows))));
        });
    }

    /**
     * An approver's decision on a plan, given with the digest they reviewed. Refused (changing
     * nothing) for a machine caller, the requester themself, someone the policy does not name, a
     * digest that is not the plan's, an expired plan, or a second decision by the same approver.
     */
    public Uni<Decided> decide(UUID planId, String digest, String reason, Actor actor, boolean approve) {
        if (MACHINES.contains(actor.role())) {
            throw new FunctionError(403, "machine_cannot_approve", "a " + actor.role()
                    + " token may ask for approval but never give it: an approver uses a person's token", null);
        }
        return plans.find(planId).flatMap(found -> {
            Plans.Plan plan = found.orElseThrow(() -> new FunctionError(404, "unknown_plan", "no plan " + planId, "planId"));
            if (plan.expiresAt().isBefore(clock.instant())) {
                throw new FunctionError(409, "expired_plan", "plan " + planId + " expired at " + plan.expiresAt()
                        + ": its requester runs the dry run again", "planId");
            }
            if (!plan.digest().equals(digest)) {
                throw new FunctionError(409, "digest_mismatch", "the digest is not plan " + planId
                        + "'s: review the plan as it is now (request-approval answers its digest)", "digest");
            }
            return request(planId).flatMap(requested -> {
                Request r = requested.orElseThrow(() -> new FunctionError(409, "approval_not_requested",
                        "no approval was asked for plan " + planId + ": its requester asks with request-approval", "planId"));
                if (!r.policy().selfApproval() && (same(actor, r.tokenId(), r.person())
                        || same(actor, plan.tokenId(), plan.person()))) {
                    throw new FunctionError(403, "self_approval", "the plan's author or requester cannot approve or deny it "
                            + "(by token or by name)", null);
                }
                return authority(r, actor).flatMap(as -> record(r, plan, actor, as, reason, approve));
            });
        });
    }

    private Uni<String> authority(Request r, Actor actor) {
        List<String> from = r.policy().from();
        if ("admin".equals(actor.role()) && from.contains("admin")) {
            return Uni.createFrom().item("admin");
        }
        return timeline.rolesOf(r.incidentId(), actor).map(held -> {
            for (String role : from) {
                if (held.contains(role)) {
                    return role;
                }
            }
            if (from.contains("responder") && ("responder".equals(actor.role()) || "admin".equals(actor.role()))) {
                return "responder";
            }
            throw new FunctionError(403, "not_an_approver", "this plan needs approval from " + String.join(" or ", from)
                    + (r.incidentId() == null ? "" : " of " + r.incidentId())
                    + (actor.name() == null ? " (a person's token: name:role)" : "; " + actor.name() + " is not"), null);
        });
    }

    private Uni<Decided> record(Request r, Plans.Plan plan, Actor actor, String as, String reason, boolean approve) {
        String decision = approve ? "approved" : "denied";
        String function = approve ? "approve" : "deny";
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        OffsetDateTime expires = now.plusMinutes(r.policy().ttlMinutes());
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("planId", plan.id().toString());
        in.put("digest", plan.digest());
        in.put("requestId", r.id());
        in.put("function", r.function());
        in.put("as", as);
        AuditTrail.Entry entry = new AuditTrail.Entry(actor, function, function, reason, in, null, 0, List.of(), decision,
                null);
        return ops.withTransaction(tx -> tx.preparedQuery(LOCK_REQUEST).execute(Tuple.of(String.valueOf(r.id())))
                .flatMap(locked -> audit.record(tx, entry))
                .flatMap(auditId -> tx.preparedQuery(INSERT_DECISION).execute(Tuple.tuple(Arrays.asList(r.id(), decision,
                        plan.digest(), actor.tokenId(), actor.role(), actor.name(), as, reason, now, expires, auditId)))
                        .map(rows -> {
                            if (rows.size() == 0) {
                                // Rolls the audit record back with it: the first decision stands alone.
                                throw new FunctionError(409, "already_decided", "this token already decided on plan "
                                        + plan.id(), null);
                            }
                            return auditId;
                        })))
                .flatMap(auditId -> decisions(r.id()).map(all -> {
                    int valid = (int) all.stream().filter(d -> d.counts(plan.digest(), clock.instant())).map(Approvals::person)
                            .distinct().count();
                    boolean denied = all.stream().anyMatch(d -> d.decision().equals("denied"));
                    return new Decided(r.id(), plan.id().toString(), decision, auditId, valid, r.policy().approvals(),
                            !denied && valid >= r.policy().approvals());
                }))
                .call(d -> quietly(timeline.event(r.incidentId(), actor, approve ? "approval-granted" : "approval-denied",
                        r.function() + " plan " + plan.id() + " " + decision + " by " + actor.display() + " (" + as + "): "
                                + reason + (approve ? " — " + d.approvals() + " of " + d.required() : ""),
                        Map.of("requestId", r.id(), "planId", plan.id().toString(), "auditId", d.auditId(),
                                "digest", plan.digest()))));
    }

    private Uni<Request> create(String function, Plans.Plan plan, int rows, String incidentId, Actor actor, String reason,
            ApprovalPolicy policy) {
        String why = reason == null || reason.isBlank() ? "approval requested for " + function : reason;
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("planId", plan.id().toString());
        in.put("function", function);
        in.put("digest", plan.digest());
        in.put("rows", rows);
        in.put("incidentId", incidentId);
        AuditTrail.Entry entry = new AuditTrail.Entry(actor, "request-approval", "request", why, in, null, 0, List.of(),
                "requested", null);
        JsonNode policyJson = mapper.valueToTree(policy);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        return ops.withTransaction(tx -> tx.preparedQuery(LOCK_PLAN).execute(Tuple.of(plan.id().toString()))
                .flatMap(locked -> tx.preparedQuery(REQUEST_BY_PLAN).execute(Tuple.of(plan.id())))
                .flatMap(rowsFound -> {
                    if (rowsFound.size() > 0) {
                        return Uni.createFrom().item(new Object[] { request(rowsFound.iterator().next()), false });
                    }
                    return audit.record(tx, entry).flatMap(auditId -> tx.preparedQuery(INSERT_REQUEST).execute(Tuple.tuple(
                            Arrays.asList(plan.id(), function, plan.digest(), rows, incidentId, json.jsonb(policyJson),
                                    actor.tokenId(), actor.role(), actor.name(), why, now, auditId)))
                            .map(ids -> new Object[] { new Request(ids.iterator().next().getLong("id"), function,
                                    plan.digest(), rows, incidentId, policy, actor.tokenId(), actor.name(), why), true }));
                }))
                .call(made -> (Boolean) made[1] ? announce((Request) made[0], plan, actor) : Uni.createFrom().voidItem())
                .map(made -> (Request) made[0]);
    }

    /** The timeline event and the message to the approvers: after the request committed, never failing it. */
    private Uni<Void> announce(Request r, Plans.Plan plan, Actor actor) {
        String summary = r.function() + " plan " + plan.id() + " (" + r.rows() + " rows, digest " + r.digest()
                + ") needs " + r.policy().approvals() + " approval(s) from " + String.join(" or ", r.policy().from())
                + ", asked by " + actor.display() + ": " + r.reason();
        String text = ":lock: " + summary + "\nReview: the same dry run (POST /" + r.function() + " with the requester's input,"
                + " without apply) shows every row; its digest must be " + r.digest() + "\nApprove: curl -X POST -H \"Authorization: Bearer $TOKEN\" -d '{\"planId\":\"" + plan.id()
                + "\",\"digest\":\"" + r.digest() + "\",\"reason\":\"...\"}' $FIREBREAK/approve";
        return quietly(timeline.event(r.incidentId(), actor, "approval-requested", summary,
                Map.of("requestId", r.id(), "planId", plan.id().toString(), "digest", r.digest(), "rows", r.rows())))
                .flatMap(v -> quietly(timeline.askApprovers(r.incidentId(), r.id(), "Approval needed: " + r.function(), text)));
    }

    private Uni<String> override(String function, Plans.Plan plan, int rows, ActionInput input, String incidentId) {
        Actor actor = input.getActor();
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("planId", plan.id().toString());
        in.put("digest", plan.digest());
        in.put("rows", rows);
        in.put("incidentId", incidentId);
        AuditTrail.Entry entry = new AuditTrail.Entry(actor, function, "override", input.getReason(), in, null, 0, List.of(),
                "override", null);
        return audit.record(entry).call(auditId -> quietly(timeline.event(incidentId, actor, "approval-override",
                "Break-glass: " + function + " plan " + plan.id() + " (" + rows + " rows) applied without approval by "
                        + actor.display() + ": " + input.getReason() + " — review in the post-mortem",
                Map.of("planId", plan.id().toString(), "auditId", auditId, "function", function))))
                .map(auditId -> "override (audit record " + auditId + ")");
    }

    /** An approval found expired is recorded once (its audit record and the expiry row commit together). */
    private Uni<Void> noteExpiries(Request r, List<Decision> all, Instant now) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Decision d : all) {
            if (!d.decision().equals("approved") || d.expiryNoted() || d.expiresAt().isAfter(now)) {
                continue;
            }
            AuditTrail.Entry entry = new AuditTrail.Entry(Actor.SCHEDULE, "approve", "expire",
                    "approval by " + who(d) + " expired at " + d.expiresAt(),
                    Map.of("decisionId", d.id(), "requestId", r.id(), "function", r.function()), null, 0, List.of(),
                    "expired", null);
            // Two applies noticing it at once record it once: the second finds the first's row under the lock.
            chain = chain.flatMap(v -> ops.withTransaction(tx -> tx.preparedQuery(LOCK_EXPIRY).execute(Tuple.of(String.valueOf(d.id())))
                    .flatMap(locked -> tx.preparedQuery(EXPIRY_NOTED).execute(Tuple.of(d.id())))
                    .flatMap(noted -> noted.size() > 0 ? Uni.createFrom().voidItem()
                            : audit.record(tx, entry).flatMap(auditId -> tx.preparedQuery(INSERT_EXPIRY)
                                    .execute(Tuple.of(d.id(), OffsetDateTime.now(clock), auditId))).replaceWithVoid()))
                    .replaceWithVoid()
                    .call(() -> quietly(timeline.event(r.incidentId(), Actor.SCHEDULE, "approval-expired",
                            r.function() + " approval by " + who(d) + " expired at " + d.expiresAt(),
                            Map.of("requestId", r.id(), "decisionId", d.id())))));
        }
        return chain;
    }

    private FunctionError required(Request r, int approvals) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("requestId", r.id());
        details.put("approvals", approvals);
        details.put("required", r.policy().approvals());
        details.put("from", r.policy().from());
        details.put("digest", r.digest());
        details.put("incidentId", r.incidentId());
        return new FunctionError(202, "approval_required", r.function() + " needs " + r.policy().approvals()
                + " approval(s) from " + String.join(" or ", r.policy().from()) + " (" + approvals
                + " so far): approvers call approve with planId and digest, then apply again", "planId", details, false);
    }

    Uni<Optional<Request>> request(UUID planId) {
        return ops.preparedQuery(REQUEST_BY_PLAN).execute(Tuple.of(planId)).map(rows -> rows.size() == 0
                ? Optional.<Request>empty() : Optional.of(request(rows.iterator().next())));
    }

    private Request request(Row row) {
        ApprovalPolicy policy = mapper.convertValue(json.tree(row.getString("policy")), ApprovalPolicy.class);
        return new Request(row.getLong("id"), row.getString("function"), row.getString("digest"),
                row.getInteger("rows_affected"), row.getString("incident_id"), policy, row.getString("token_id"),
                row.getString("person"), row.getString("reason"));
    }

    private Uni<List<Decision>> decisions(long requestId) {
        return ops.preparedQuery(DECISIONS).execute(Tuple.of(requestId)).map(rows -> {
            List<Decision> out = new ArrayList<>();
            for (Row d : rows) {
                out.add(new Decision(d.getLong("id"), d.getString("decision"), d.getString("digest"), d.getString("token_id"),
                        d.getString("person"), d.getString("authority"), d.getOffsetDateTime("expires_at").toInstant(),
                        d.getBoolean("expiry_noted")));
            }
            return out;
        });
    }

    /** The same person: the same token, or (for person tokens) the same name. */
    static boolean same(Actor actor, String tokenId, String person) {
        return actor.tokenId().equals(tokenId) || (actor.name() != null && actor.name().equalsIgnoreCase(person));
    }

    /** Who a decision counts as: the person by name, or an unnamed token by itself. */
    private static String person(Decision d) {
        return d.person() != null ? "person:" + d.person().toLowerCase(java.util.Locale.ROOT) : "token:" + d.tokenId();
    }

    private static String who(Decision d) {
        return (d.person() != null ? d.person() : "token:" + d.tokenId()) + " (" + d.authority() + ")";
    }

    /** Telling is a courtesy: the decision is committed and audited whether or not the timeline or Slack took it. */
    private static Uni<Void> quietly(Uni<Void> work) {
        return work.onFailure().invoke(e -> LOG.warnf("approval notice deferred: %s", LogText.loggable(e.getMessage())))
                .onFailure().recoverWithNull();
    }
}
