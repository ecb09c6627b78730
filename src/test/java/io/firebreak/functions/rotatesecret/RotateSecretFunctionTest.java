package io.firebreak.functions.rotatesecret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.functions.containbreach.Containment;
import io.firebreak.functions.railwayvariable.RailwayVariableFunctionTest;
import io.firebreak.platform.Actor;
import io.firebreak.safety.PlannedActions;
import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.FakeRailway;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.SampleCalls;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Seed 004's "rotate all secrets" on the stateful Railway fake and the real target: nothing without
 * the policy's approval; approved, the secret at Railway is fresh base64url of the declared bytes,
 * every session on the target is signed out, the deployment is followed; the new value and the
 * token are in no answer and no ops row; undo is refused. A deployment that fails signs no one out
 * (the old secret still runs); a build in progress refuses the rotation; the sign-out is bounded.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeRailway.class)
@WithTestResource(RailwayVariableFunctionTest.Fast.class)
class RotateSecretFunctionTest {

    static final String OLD = "old-session-secret-0b1c2d3e4f";
    static final String BODY = "{\"service\":\"api\",\"name\":\"SESSION_SECRET\"}";

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    Containment containment;

    @Inject
    PlannedActions actions;

    TargetData target;
    OpsRecords ops;

    @BeforeEach
    void fresh() {
        FakeRailway.reset();
        Instant now = Instant.now();
        FakeRailway.state().deployed(FakeRailway.API, "d-live", now.minusSeconds(600), "SUCCESS", "bbb222");
        FakeRailway.state().variable(FakeRailway.API, "SESSION_SECRET", OLD);
        target = new TargetData(db.target());
        target.reset();
        target.tenants(1);
        target.admin("Ada Obi", "ada@tenant.example", null);
        target.admin("Bola Ade", "bola@tenant.example", null);
        target.authSessions(3);
        ops = new OpsRecords(db.ops());
    }

    static Response call(String body) {
        return ApprovedPlans.post(Tokens.RESPONDER, "rotate-secret", body);
    }

    @Test
    void anApprovedRotationReplacesTheSecretSignsEveryoneOutAndShowsNeitherValueNorToken() {
        String incident = io.firebreak.testing.Lifecycle.declare("Session secret leaked", "P0", null);
        String body = BODY.substring(0, BODY.length() - 1) + ",\"incidentId\":\"" + incident + "\"}";
        Response plan = call(body);
        assertEquals(200, plan.statusCode(), plan.asString());
        assertEquals("set, " + OLD.length() + " characters", plan.path("changes.before"));
        assertEquals("fresh random, 32 bytes, base64url, never shown", plan.path("changes.after"));
        assertEquals(6, (int) plan.path("changes.signOut.sessions"));
        assertEquals(true, plan.path("changes.deploys"));
        assertEquals(true, plan.path("approval.required"));
        String planId = plan.path("planId");
        String apply = SampleCalls.applying(body, planId, "seed 004: rotate all secrets");

        Response unapproved = call(apply);
        assertEquals(202, unapproved.statusCode(), unapproved.asString());
        assertEquals("approval_required", unapproved.path("error.code"));
        assertEquals(OLD, FakeRailway.state().variable(FakeRailway.API, "SESSION_SECRET"), "nothing without approval");
        assertEquals(6, target.count("SELECT count(*) FROM auth.sessions"));

        ApprovedPlans.approve(planId);
        Response rotated = call(apply);
        assertEquals(200, rotated.statusCode(), rotated.asString());
        String now = FakeRailway.state().variable(FakeRailway.API, "SESSION_SECRET");
        assertNotEquals(OLD, now);
        assertTrue(now.matches("[A-Za-z0-9_-]{43}"), "32 bytes base64url without padding: " + now);
        assertEquals(6, (int) rotated.path("signOut.signedOut"));
        assertEquals(0, target.count("SELECT count(*) FROM auth.sessions"), "every session signed out");
        assertEquals("SUCCESS", rotated.path("deployment.status"));
        assertEquals("applied", rotated.path("outcome"));
        assertEquals(1, FakeRailway.state().mutations().stream().filter(m -> m.startsWith("variableUpsert ")).count());

        String answer = rotated.asString() + plan.asString();
        assertFalse(answer.contains(now) || answer.contains(OLD) || answer.contains(FakeRailway.TOKEN), answer);
        for (String table : List.of("audit_records", "plans", "idempotency_keys", "timeline_events", "approval_requests")) {
            if (ops.query("SELECT to_regclass('" + table + "') IS NOT NULL AS t").get(0).get("t").equals(Boolean.FALSE)) {
                continue;
            }
            assertEquals(0L, ops.query("SELECT count(*) AS n FROM " + table + " t WHERE t::text LIKE '%" + now + "%' OR "
                    + "t::text LIKE '%" + OLD + "%' OR t::text LIKE '%" + FakeRailway.TOKEN + "%'").get(0).get("n"), table);
        }
        assertTrue(ops.timeline(incident).stream().anyMatch(e -> "railway".equals(e.get("kind"))
                && e.get("summary").toString().contains("rotated")), ops.timeline(incident).toString());

        Response undo = ApprovedPlans.post(Tokens.RESPONDER, "undo", "{\"auditId\":" + rotated.path("auditId") + "}");
        assertEquals(409, undo.statusCode(), undo.asString());
        assertEquals("not_undoable", undo.path("error.code"));
        assertTrue(undo.path("error.message").toString().contains("rotate again"), undo.asString());
    }

    @Test
    void onlyDeclaredSecretsAreRotated() {
        Response r = call("{\"service\":\"api\",\"name\":\"MAINTENANCE_MODE\"}");
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals("variable_not_allowed", r.path("error.code"));
        assertTrue(r.path("error.message").toString().contains("SESSION_SECRET, JWT_SECRET"), r.asString());
        assertEquals("name", call("{\"service\":\"api\"}").path("error.field"));
        assertEquals(List.of(), FakeRailway.state().mutations());
    }

    @Test
    void aSecretRotatedAtRailwaySinceThePlanMakesItStale() {
        Response plan = call(BODY);
        assertEquals(200, plan.statusCode(), plan.asString());
        ApprovedPlans.approve(plan.path("planId"));
        FakeRailway.state().variable(FakeRailway.API, "SESSION_SECRET", "rotated-by-hand-meanwhile");
        Response r = call(SampleCalls.applying(BODY, plan.path("planId"), "rotate"));
        assertEquals(409, r.statusCode(), r.asString());
        assertEquals("stale_plan", r.path("error.code"));
        assertEquals(6, target.count("SELECT count(*) FROM auth.sessions"));
    }

    @Test
    void aDeploymentThatFailsSignsNoOneOutAndSaysTheOldSecretStillRuns() {
        FakeRailway.state().newDeploymentStatuses("BUILDING", "FAILED");
        Response plan = call(BODY);
        assertEquals(200, plan.statusCode(), plan.asString());
        ApprovedPlans.approve(plan.path("planId"));
        Response rotated = call(SampleCalls.applying(BODY, plan.path("planId"), "seed 004: rotate all secrets"));
        assertEquals(200, rotated.statusCode(), rotated.asString());
        assertEquals("FAILED", rotated.path("deployment.status"));
        String outcome = rotated.path("outcome");
        assertTrue(outcome.contains("FAILED") && outcome.contains("still runs the previous secret")
                && outcome.contains("no session was signed out"), outcome);
        assertTrue(rotated.path("signOut.skipped").toString().contains("not live"), rotated.asString());
        assertFalse(rotated.jsonPath().getMap("signOut").containsKey("signedOut"), rotated.asString());
        assertEquals(6, target.count("SELECT count(*) FROM auth.sessions"), "no one signed out before the secret is live");
        assertEquals(outcome, ops.query("SELECT outcome FROM audit_records WHERE id = " + rotated.path("auditId"))
                .get(0).get("outcome"));
    }

    @Test
    void aBuildInProgressRefusesTheRotationAndAnotherPlansApplyFromTheSameStateIsRefused() {
        FakeRailway.state().deployed(FakeRailway.API, "d-building", Instant.now().minusSeconds(5), "BUILDING", "ccc333");
        Response refused = call(BODY);
        assertEquals(409, refused.statusCode(), refused.asString());
        assertEquals("deployment_in_progress", refused.path("error.code"));
        assertTrue(refused.path("error.message").toString().contains("d-building"), refused.asString());
        assertEquals(List.of(), FakeRailway.state().mutations());

        FakeRailway.state().deploymentsOf(FakeRailway.API).get(0).status("FAILED");
        Response plan = call(BODY);
        assertEquals(200, plan.statusCode(), plan.asString());
        assertEquals("d-building", plan.path("changes.newestDeployment"));
        ApprovedPlans.approve(plan.path("planId"));
        FakeRailway.state().deployed(FakeRailway.API, "d-other", Instant.now(), "DEPLOYING", "ddd444");
        Response meanwhile = call(SampleCalls.applying(BODY, plan.path("planId"), "rotate"));
        assertEquals(409, meanwhile.statusCode(), meanwhile.asString());
        assertEquals("deployment_in_progress", meanwhile.path("error.code"));
        assertEquals(OLD, FakeRailway.state().variable(FakeRailway.API, "SESSION_SECRET"));
    }

    @Test
    void theSignOutStopsAtItsBoundAndSaysWhatIsLeft() {
        target.authSessions(60); // 120 sessions; the tests' batch is 100
        Containment.Bounded b = actions.<Containment.Bounded>audited(new PlannedActions.Change(
                new Actor("t-bound-test", "responder", "ada"), "sign-out-bound-test", "apply", "bound test", java.util.Map.of(),
                null, null, List.of()), apply -> containment.signOut(apply, null, 1, java.time.Duration.ofSeconds(10))
                        .map(r -> new PlannedActions.Done<>(r, (int) r.signedOut(), "applied")))
                .await().atMost(java.time.Duration.ofSeconds(20)).result();
        assertEquals(100, b.signedOut());
        assertTrue(b.cut());
        assertEquals(20, target.count("SELECT count(*) FROM auth.sessions"));
        Containment.Bounded rest = actions.<Containment.Bounded>audited(new PlannedActions.Change(
                new Actor("t-bound-test", "responder", "ada"), "sign-out-bound-test", "apply", "bound test", java.util.Map.of(),
                null, null, List.of()), apply -> containment.signOut(apply, null, 5, java.time.Duration.ofSeconds(10))
                        .map(r -> new PlannedActions.Done<>(r, (int) r.signedOut(), "applied")))
                .await().atMost(java.time.Duration.ofSeconds(20)).result();
        assertEquals(20, rest.signedOut());
        assertFalse(rest.cut());
    }
}
