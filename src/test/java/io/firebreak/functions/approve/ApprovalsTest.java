package io.firebreak.functions.approve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import io.firebreak.platform.Actor;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.FunctionManifest;
import io.firebreak.safety.PlannedActions;
import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestClock;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * The second pair of eyes on the real databases: clear-retry-queue over more rows than the large
 * apply bound needs two approvals (commander, deputy or admin) bound to its plan's digest. Every
 * refusal changes nothing on the target; every decision is in the audit chain.
 */
@QuarkusTest
@TestProfile(ApprovalsTest.LargeAppliesNeedTwo.class)
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeSlack.class)
class ApprovalsTest {

    /** Large applies start at 4 rows here, need two approvals, and plans outlive approvals. */
    public static class LargeAppliesNeedTwo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("firebreak.approvals.above-rows", "3", "firebreak.approvals.large.approvals", "2",
                    "firebreak.approvals.large.from", "commander,deputy,admin", "firebreak.actions.plan-ttl", "2h");
        }
    }

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    PlannedActions actions;

    TargetData target;
    OpsRecords ops;
    String storm;
    String incident;

    @BeforeEach
    void storm() {
        TestClock.reset();
        FakeSlack.answerNormally();
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(1);
        storm = target.integration("Xero (storm)", true);
        target.syncLogs(storm, "retrying", 6, 5);
        // ada declares and commands; bola is her deputy.
        incident = Lifecycle.declare("ERP retry storm", "P2", "\"commander\":\"ada\"");
        Lifecycle.call("assign-role", Tokens.ADA, "{\"id\":\"" + incident + "\",\"role\":\"deputy\",\"person\":\"bola\"}")
                .statusCode(200);
    }

    @AfterEach
    void clock() {
        TestClock.reset();
    }

    String body() {
        return "{\"integrationId\":\"" + storm + "\",\"incidentId\":\"" + incident + "\"}";
    }

    Response dryRun() {
        return ApprovedPlans.post(Tokens.RESPONDER, "clear-retry-queue", body());
    }

    Response apply(String token, String planId, String extra) {
        return ApprovedPlans.post(token, "clear-retry-queue", body().substring(0, body().length() - 1)
                + ",\"apply\":true,\"planId\":\"" + planId + "\",\"reason\":\"storm\"" + (extra == null ? "" : "," + extra)
                + "}");
    }

    Response decide(String function, String token, String planId, String digest) {
        return ApprovedPlans.post(token, function, "{\"planId\":\"" + planId + "\",\"digest\":\"" + digest
                + "\",\"reason\":\"looked at the rows\"}");
    }

    long retrying() {
        return target.count("SELECT count(*) FROM erp_sync_logs WHERE sync_status = 'retrying' AND integration_id = '"
                + storm + "'");
    }

    static void refused(Response r, int status, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        assertEquals(code, r.path("error.code"), r.asString());
    }

    @Test
    void theDryRunSaysWhoMustApproveAndAnUnapprovedApplyChangesNothing() {
        Response plan = dryRun();
        assertEquals(200, plan.statusCode(), plan.asString());
        assertEquals(true, plan.path("approval.required"));
        assertEquals(2, (int) plan.path("approval.approvals"));
        assertEquals(List.of("commander", "deputy", "admin"), plan.jsonPath().getList("approval.from", String.class));
        String planId = plan.path("planId");
        Response first = apply(Tokens.RESPONDER, planId, null);
        refused(first, 202, "approval_required");
        assertEquals((String) plan.path("digest"), first.path("error.details.digest"));
        assertEquals(6, retrying(), "nothing changed");
        // The approvers are told in the incident's channel, with the digest and the curl to approve.
        var told = FakeSlack.postsContaining("needs 2 approval(s)");
        assertTrue(told.stream().anyMatch(p -> p.path("text").asText().contains((String) plan.path("digest"))
                && p.path("text").asText().contains("/approve")), told.toString());
        // Asking again (the apply again, or request-approval) makes no second request.
        refused(apply(Tokens.RESPONDER, planId, null), 202, "approval_required");
        Response asked = ApprovedPlans.post(Tokens.RESPONDER, "request-approval",
                "{\"planId\":\"" + planId + "\",\"reason\":\"storm\"}");
        assertEquals(200, asked.statusCode(), asked.asString());
        assertEquals(false, asked.path("created"));
        assertEquals(1, ops.count("approval_requests WHERE plan_id = '" + planId + "'"));
        assertEquals(1, ops.count("audit_records WHERE function = 'request-approval' AND input->>'planId' = '" + planId + "'"));
        assertEquals(1, ops.count("timeline_events WHERE incident_id = '" + incident + "' AND kind = 'approval-requested' "
                + "AND detail->>'planId' = '" + planId + "'"));
        assertEquals(0, ops.count("audit_records WHERE function = 'clear-retry-queue' AND action LIKE 'apply%' "
                + "AND input->>'planId' = '" + planId + "'"));
    }

    @Test
    void twoOfThreeApproversLetTheApplyRunOnce() {
        Response plan = dryRun();
        String planId = plan.path("planId");
        String digest = plan.path("digest");
        refused(apply(Tokens.RESPONDER, planId, null), 202, "approval_required");
        Response one = decide("approve", Tokens.ADA, planId, digest);
        assertEquals(200, one.statusCode(), one.asString());
        assertEquals("approved", one.path("decision"));
        assertEquals(false, one.path("satisfied"));
        Response short1 = apply(Tokens.RESPONDER, planId, null);
        refused(short1, 202, "approval_required");
        assertEquals(1, (int) short1.path("error.details.approvals"));
        refused(decide("approve", Tokens.ADA, planId, digest), 409, "already_decided");
        Response two = decide("approve", Tokens.BOLA, planId, digest);
        assertEquals(200, two.statusCode(), two.asString());
        assertEquals(true, two.path("satisfied"));
        Response applied = apply(Tokens.RESPONDER, planId, null);
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals(0, retrying());
        // The same call again is answered as the first was (its idempotency key): the plan ran once.
        assertEquals((Integer) applied.path("auditId"), apply(Tokens.RESPONDER, planId, null).path("auditId"));
        assertEquals(1, ops.count("audit_records WHERE function = 'clear-retry-queue' AND action = 'apply' "
                + "AND input->>'planId' = '" + planId + "'"));
        List<Map<String, Object>> decisions = ops.query("SELECT authority FROM approval_decisions d JOIN approval_requests r "
                + "ON r.id = d.request_id WHERE r.plan_id = '" + planId + "' ORDER BY d.id");
        assertEquals(List.of("commander", "deputy"), decisions.stream().map(d -> d.get("authority")).toList());
    }

    @Test
    void theRequesterMachinesAndStrangersCannotApprove() {
        Response plan = dryRun();
        String planId = plan.path("planId");
        String digest = plan.path("digest");
        // ada asks; she is the commander, but cannot approve her own request.
        Response asked = ApprovedPlans.post(Tokens.ADA, "request-approval", "{\"planId\":\"" + planId
                + "\",\"reason\":\"storm\",\"incidentId\":\"" + incident + "\"}");
        assertEquals(200, asked.statusCode(), asked.asString());
        refused(decide("approve", Tokens.ADA, planId, digest), 403, "self_approval");
        // A monitor token may ask (request-approval is a monitor's function) but not reach approve at all.
        refused(decide("approve", Tokens.MONITOR, planId, digest), 403, "forbidden");
        // The plan's author (the responder who ran the dry run) cannot decide either, by token or by name.
        refused(decide("approve", Tokens.RESPONDER, planId, digest), 403, "self_approval");
        refused(decide("approve", Tokens.CY, planId, digest), 403, "not_an_approver");
        refused(decide("deny", Tokens.CY, planId, digest), 403, "not_an_approver");
        assertEquals(0, ops.count("approval_decisions d JOIN approval_requests r ON r.id = d.request_id WHERE r.plan_id = '"
                + planId + "'"));
        refused(apply(Tokens.RESPONDER, planId, null), 202, "approval_required");
        assertEquals(6, retrying());
    }

    @Test
    void anApprovalIsForOneDigestAndDoesNotOutliveItsTime() {
        Response plan = dryRun();
        String planId = plan.path("planId");
        String digest = plan.path("digest");
        refused(apply(Tokens.RESPONDER, planId, null), 202, "approval_required");
        // The digest of another plan (the quiet integration's) does not approve this one.
        String other = target.integration("Sage", true);
        target.syncLogs(other, "retrying", 5, 5);
        String otherDigest = ApprovedPlans.post(Tokens.RESPONDER, "clear-retry-queue",
                "{\"integrationId\":\"" + other + "\"}").path("digest");
        refused(decide("approve", Tokens.ADA, planId, otherDigest), 409, "digest_mismatch");
        assertEquals(200, decide("approve", Tokens.ADA, planId, digest).statusCode());
        assertEquals(200, decide("approve", Tokens.BOLA, planId, digest).statusCode());
        TestClock.advance(Duration.ofMinutes(16));
        Response late = apply(Tokens.RESPONDER, planId, null);
        refused(late, 202, "approval_required");
        assertEquals(0, (int) late.path("error.details.approvals"), "both approvals expired after 15 minutes");
        String mine = "(SELECT d.id FROM approval_decisions d JOIN approval_requests r ON r.id = d.request_id WHERE r.plan_id = '"
                + planId + "')";
        assertEquals(2, ops.count("approval_expiries WHERE decision_id IN " + mine));
        assertEquals(2, ops.count("audit_records WHERE function = 'approve' AND action = 'expire' AND (input->>'decisionId')::bigint IN " + mine));
        // Noticed once: another apply records no second expiry.
        refused(apply(Tokens.RESPONDER, planId, null), 202, "approval_required");
        assertEquals(2, ops.count("audit_records WHERE function = 'approve' AND action = 'expire' AND (input->>'decisionId')::bigint IN " + mine));
        assertEquals(6, retrying());
    }

    @Test
    void whatIsApprovedMustStillBeWhatWouldChange() {
        Response plan = dryRun();
        String planId = plan.path("planId");
        String digest = plan.path("digest");
        refused(apply(Tokens.RESPONDER, planId, null), 202, "approval_required");
        decide("approve", Tokens.ADA, planId, digest).then().statusCode(200);
        decide("approve", Tokens.BOLA, planId, digest).then().statusCode(200);
        // The integration the plan deactivates changed (someone else deactivated it): the approval no longer holds.
        io.firebreak.testing.Sql.exec(db.target(), "UPDATE erp_integrations SET is_active = false WHERE id = '" + storm + "'");
        refused(apply(Tokens.RESPONDER, planId, null), 409, "stale_plan");
        assertEquals(6, retrying(), "the approved plan no longer describes the world: nothing changed");
    }

    @Test
    void aDenialStopsThePlan() {
        Response plan = dryRun();
        String planId = plan.path("planId");
        refused(apply(Tokens.RESPONDER, planId, null), 202, "approval_required");
        Response denied = decide("deny", Tokens.BOLA, planId, plan.path("digest"));
        assertEquals(200, denied.statusCode(), denied.asString());
        assertEquals("denied", denied.path("decision"));
        decide("approve", Tokens.ADA, planId, plan.path("digest")).then().statusCode(200);
        refused(apply(Tokens.RESPONDER, planId, null), 409, "approval_denied");
        assertEquals(6, retrying());
        assertEquals(1, ops.count("timeline_events WHERE incident_id = '" + incident + "' AND kind = 'approval-denied' "
                + "AND detail->>'planId' = '" + planId + "'"));
    }

    @Test
    void breakGlassIsAnAdminsAndLandsInThePostmortem() {
        Response plan = dryRun();
        String planId = plan.path("planId");
        refused(apply(Tokens.RESPONDER, planId, "\"force\":true"), 403, "force_needs_admin");
        Response forced = apply(Tokens.ADMIN, planId, "\"force\":true");
        assertEquals(200, forced.statusCode(), forced.asString());
        assertEquals(0, retrying());
        assertEquals(1, ops.count("audit_records WHERE function = 'clear-retry-queue' AND action = 'override' "
                + "AND input->>'planId' = '" + planId + "'"));
        assertEquals(1, ops.count("timeline_events WHERE kind = 'approval-override' AND detail->>'planId' = '" + planId + "'"));
        String markdown = Lifecycle.call("postmortem", Tokens.ADA, "{\"id\":\"" + incident + "\"}").statusCode(200)
                .extract().path("markdown");
        assertTrue(markdown.contains("Approval overrides to review**: 1"), markdown);
        assertTrue(markdown.contains("Break-glass: clear-retry-queue plan " + planId), markdown);
    }

    @Test
    void everyDecisionIsInTheIntactAuditChain() {
        Response plan = dryRun();
        String planId = plan.path("planId");
        String digest = plan.path("digest");
        refused(apply(Tokens.RESPONDER, planId, null), 202, "approval_required");
        decide("approve", Tokens.ADA, planId, digest).then().statusCode(200);
        decide("deny", Tokens.ADMIN, planId, digest).then().statusCode(200);
        List<String> actions = ops.query("SELECT function || ':' || action AS a FROM audit_records WHERE input->>'planId' = '"
                + planId + "' ORDER BY id").stream().map(r -> (String) r.get("a")).toList();
        assertEquals(List.of("request-approval:request", "approve:approve", "deny:deny"), actions);
        Response verified = ApprovedPlans.post(Tokens.ADMIN, "verify-audit", "{}");
        assertEquals(true, verified.path("intact"), verified.asString());
        // The runtime role can neither change nor remove a decision.
        assertEquals("42501", asRuntime("UPDATE approval_decisions SET decision = 'approved'"), "decisions are append-only");
        assertEquals("42501", asRuntime("DELETE FROM approval_requests"), "requests are append-only");
    }

    @Test
    void noChangeOfAFunctionWithAPolicyRunsAroundTheGate() {
        List<String> governed = FunctionManifest.load().all().values().stream()
                .filter(f -> f.approval().isPresent()).map(FunctionManifest.Function::id).toList();
        assertTrue(governed.contains("contain-breach"), governed.toString());
        for (String function : governed) {
            // The change path every entry point (HTTP, Lambda, schedule, webhook) ends in, called without a plan.
            var change = new PlannedActions.Change(new Actor("t", "admin"), function, "apply", "around the gate", Map.of(),
                    null, null, List.of());
            FunctionError e = org.junit.jupiter.api.Assertions.assertThrows(FunctionError.class,
                    () -> actions.audited(change, apply -> io.smallrye.mutiny.Uni.createFrom()
                            .item(new PlannedActions.Done<>(0, 0, "applied"))).await().indefinitely());
            assertEquals("not_approved", e.code(), function);
        }
        assertEquals(0, ops.count("audit_records WHERE reason = 'around the gate'"));
    }

    /** The SQL state the service's own role gets for a statement (null when it is allowed). */
    String asRuntime(String sql) {
        try (var c = Sql.connect(db.opsRuntime()); var st = c.createStatement()) {
            st.execute(sql);
            return null;
        } catch (java.sql.SQLException e) {
            return e.getSQLState();
        }
    }
}
