package io.firebreak.functions.rotatesecret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.functions.railwayvariable.RailwayVariableFunctionTest;
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
 * token are in no answer and no ops row; undo is refused.
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
}
