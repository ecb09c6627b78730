package io.firebreak.functions.railwayvariable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.platform.Actor;
import io.firebreak.providers.railway.RailwayServices;
import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.FakeRailway;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.SampleCalls;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Seed 004's switches on the stateful Railway fake: a variable planned old to new, applied with the
 * deployment Railway makes followed to SUCCESS, and undone; an unset and its undo; a secret
 * variable masked everywhere and not undoable; the allow-list; nothing to change; a stale plan; a
 * race of applies making one upsert; a refusal and a lost answer; an undo someone's change superseded;
 * a deployment that fails (the previous value still runs); a build in progress, and two plans' applies
 * from one state, refused.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeRailway.class)
@WithTestResource(RailwayVariableFunctionTest.Fast.class)
public class RailwayVariableFunctionTest {

    /** Railway deployments settle in the fake within a second: the wait is short, the polls frequent. */
    public static class Fast implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("firebreak.railway.deploy-wait", "3s", "firebreak.railway.poll-every", "100ms",
                    "firebreak.providers.timeout", "1500ms");
        }

        @Override
        public void stop() {
        }
    }

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    RailwayVariableFlow flow;

    OpsRecords ops;

    @BeforeEach
    void fresh() {
        FakeRailway.reset();
        ops = new OpsRecords(db.ops());
        Instant now = Instant.now();
        FakeRailway.state().deployed(FakeRailway.API, "d-old", now.minusSeconds(7200), "REMOVED", "aaa111");
        FakeRailway.state().deployed(FakeRailway.API, "d-live", now.minusSeconds(600), "SUCCESS", "bbb222");
        FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE", "false");
    }

    static Response call(String body) {
        return ApprovedPlans.post(Tokens.RESPONDER, "railway-variable", body);
    }

    static Response plan(String body) {
        Response r = call(body);
        assertEquals(200, r.statusCode(), r.asString());
        return r;
    }

    static Response apply(String body, String planId) {
        return call(SampleCalls.applying(body, planId, "seed 004: maintenance page up"));
    }

    List<String> mutations(String field) {
        return FakeRailway.state().mutations().stream().filter(m -> m.startsWith(field + " ")).toList();
    }

    Map<String, Object> record(long auditId) {
        return ops.query("SELECT outcome, result::text AS result, external_ids::text AS external FROM audit_records "
                + "WHERE id = " + auditId).get(0);
    }

    static final String SET = "{\"service\":\"api\",\"name\":\"MAINTENANCE_MODE\",\"value\":\"true\"}";

    @Test
    void aVariableIsPlannedOldToNewAppliedWithItsDeploymentFollowedAndUndone() {
        String incident = io.firebreak.testing.Lifecycle.declare("Breach suspected", "P1", null);
        String body = SET.substring(0, SET.length() - 1) + ",\"incidentId\":\"" + incident + "\"}";
        Response plan = plan(body);
        assertEquals("false", plan.path("changes.before"));
        assertEquals("true", plan.path("changes.after"));
        assertEquals(true, plan.path("changes.deploys"));
        assertEquals(1, (int) plan.path("rows"));
        assertEquals(List.of(), FakeRailway.state().mutations(), "a dry run changes nothing");

        Response applied = apply(body, plan.path("planId"));
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals(true, applied.path("applied"));
        assertEquals("SUCCESS", applied.path("deployment.status"));
        assertEquals(true, applied.path("deployment.settled"));
        assertEquals("applied", applied.path("outcome"));
        assertEquals("true", FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE"));
        assertEquals(1, mutations("variableUpsert").size());
        String deployment = applied.path("deployment.deploymentId");
        String external = record(((Number) applied.path("auditId")).longValue()).get("external").toString();
        assertTrue(external.contains("railway:variable:" + FakeRailway.API + ":MAINTENANCE_MODE"), external);
        assertTrue(external.contains("railway:deployment:" + deployment), external);
        List<Map<String, Object>> timeline = ops.timeline(incident);
        assertTrue(timeline.stream().anyMatch(e -> "railway".equals(e.get("kind"))
                && e.get("summary").toString().contains("SUCCESS")), timeline.toString());

        String undo = "{\"auditId\":" + applied.path("auditId") + "}";
        Response undoPlan = ApprovedPlans.post(Tokens.RESPONDER, "undo", undo);
        assertEquals(200, undoPlan.statusCode(), undoPlan.asString());
        assertEquals("true", undoPlan.path("changes.before"));
        assertEquals("false", undoPlan.path("changes.after"));
        Response undone = ApprovedPlans.post(Tokens.RESPONDER, "undo", SampleCalls.applying(undo, undoPlan.path("planId"),
                "maintenance over"));
        assertEquals(200, undone.statusCode(), undone.asString());
        assertEquals("SUCCESS", undone.path("deployment.status"));
        assertEquals("false", FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE"));
        assertEquals(2, mutations("variableUpsert").size());
    }

    @Test
    void anUnsetDeletesTheVariableAndItsUndoSetsItBack() {
        FakeRailway.state().variable(FakeRailway.API, "LOG_LEVEL", "debug");
        String body = "{\"service\":\"api\",\"name\":\"LOG_LEVEL\",\"unset\":true}";
        Response plan = plan(body);
        assertEquals("debug", plan.path("changes.before"));
        assertNull(plan.path("changes.after"));
        Response applied = apply(body, plan.path("planId"));
        assertEquals(200, applied.statusCode(), applied.asString());
        assertNull(FakeRailway.state().variable(FakeRailway.API, "LOG_LEVEL"));
        assertEquals(1, mutations("variableDelete").size());
        String undo = "{\"auditId\":" + applied.path("auditId") + "}";
        Response undoPlan = ApprovedPlans.post(Tokens.RESPONDER, "undo", undo);
        assertEquals(200, undoPlan.statusCode(), undoPlan.asString());
        assertNull(undoPlan.path("changes.before"));
        assertEquals("debug", undoPlan.path("changes.after"));
        Response undone = ApprovedPlans.post(Tokens.RESPONDER, "undo", SampleCalls.applying(undo, undoPlan.path("planId"),
                "debugging again"));
        assertEquals(200, undone.statusCode(), undone.asString());
        assertEquals("debug", FakeRailway.state().variable(FakeRailway.API, "LOG_LEVEL"));
        assertEquals(400, call("{\"service\":\"api\",\"name\":\"LOG_LEVEL\",\"unset\":true,\"skipDeploys\":true}")
                .statusCode(), "a delete always deploys");
    }

    @Test
    void aSecretVariableIsMaskedInThePlanTheAnswerAndTheRecordsAndCannotBeUndone() {
        // functions.yaml's allow-list has no secret variable: the flow runs with a declaration that does.
        RailwayServices declared = new RailwayServices(FakeRailway.PROJECT, FakeRailway.ENVIRONMENT,
                List.of(new RailwayServices.Service("api", FakeRailway.API)), Set.of(),
                List.of(new RailwayServices.Variable("PARTNER_API_KEY", List.of(), true, List.of())), List.of());
        String old = "pk-old-5e1f9a";
        String next = "pk-new-77c3d0b41e";
        FakeRailway.state().variable(FakeRailway.API, "PARTNER_API_KEY", old);
        RailwayVariableInput in = new RailwayVariableInput();
        in.setService("api");
        in.setName("PARTNER_API_KEY");
        in.setValue(next);
        in.setActor(new Actor("t-secret-test", "responder", "ada"));
        RailwayVariableFlow.Request request = flow.request(declared, in);
        JsonNode plan = flow.plan(declared, request, in).await().atMost(Duration.ofSeconds(10));
        assertEquals("set, " + old.length() + " characters", plan.path("changes").path("before").asText());
        assertEquals("set, " + next.length() + " characters", plan.path("changes").path("after").asText());
        assertFalse(plan.toString().contains(old) || plan.toString().contains(next), plan.toString());
        in.setApply(true);
        in.setPlanId(plan.path("planId").asText());
        in.setReason("partner key leaked");
        JsonNode applied = flow.apply(declared, request, in).await().atMost(Duration.ofSeconds(15));
        assertEquals(next, FakeRailway.state().variable(FakeRailway.API, "PARTNER_API_KEY"));
        assertFalse(applied.toString().contains(old) || applied.toString().contains(next), applied.toString());
        for (String table : List.of("audit_records", "plans", "idempotency_keys")) {
            assertEquals(0L, ops.query("SELECT count(*) AS n FROM " + table + " t WHERE t::text LIKE '%" + old + "%' OR t::text "
                    + "LIKE '%" + next + "%' OR t::text LIKE '%" + FakeRailway.TOKEN + "%'").get(0).get("n"), table);
        }
        Response undo = ApprovedPlans.post(Tokens.RESPONDER, "undo", "{\"auditId\":" + applied.path("auditId") + "}");
        assertEquals(409, undo.statusCode(), undo.asString());
        assertEquals("not_undoable", undo.path("error.code"));
    }

    @Test
    void onlyTheAllowListsNamesAndValuesAreTaken() {
        Response name = call("{\"service\":\"api\",\"name\":\"DATABASE_URL\",\"value\":\"postgres://evil\"}");
        assertEquals(400, name.statusCode(), name.asString());
        assertEquals("variable_not_allowed", name.path("error.code"));
        assertTrue(name.path("error.message").toString().contains("MAINTENANCE_MODE"), name.asString());
        Response value = call("{\"service\":\"api\",\"name\":\"MAINTENANCE_MODE\",\"value\":\"maybe\"}");
        assertEquals(400, value.statusCode(), value.asString());
        assertEquals("invalid_value", value.path("error.code"));
        assertTrue(value.path("error.message").toString().contains("true, false"), value.asString());
        assertEquals(400, call("{\"service\":\"api\",\"name\":\"MAINTENANCE_MODE\",\"value\":\"true\",\"unset\":true}")
                .statusCode(), "both value and unset");
        assertEquals("value", call("{\"service\":\"api\",\"name\":\"MAINTENANCE_MODE\"}").path("error.field"));
        assertEquals("unknown_service", call("{\"service\":\"db\",\"name\":\"MAINTENANCE_MODE\",\"value\":\"true\"}")
                .path("error.code"));
        assertEquals(List.of(), FakeRailway.state().mutations());
    }

    @Test
    void aValueAlreadyAsAskedIsNothingToChangeAndAsksRailwayNothing() {
        String body = "{\"service\":\"api\",\"name\":\"MAINTENANCE_MODE\",\"value\":\"false\"}";
        Response plan = plan(body);
        assertEquals(0, (int) plan.path("rows"));
        assertEquals(false, plan.path("changes.deploys"));
        Response applied = apply(body, plan.path("planId"));
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals(false, applied.path("applied"));
        assertEquals("nothing to change", applied.path("outcome"));
        assertEquals(List.of(), FakeRailway.state().mutations());
    }

    @Test
    void aValueChangedAtRailwaySinceThePlanMakesItStale() {
        Response plan = plan(SET);
        FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE", "true");
        Response applied = apply(SET, plan.path("planId"));
        assertEquals(409, applied.statusCode(), applied.asString());
        assertEquals("stale_plan", applied.path("error.code"));
        assertEquals(List.of(), FakeRailway.state().mutations());
    }

    @Test
    void racingAppliesOfOnePlanMakeOneUpsert() throws Exception {
        String planId = plan(SET).path("planId");
        FakeRailway.state().delay("variableUpsert", 300);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> apply(SET, planId)));
            }
            int ok = 0;
            for (Future<Response> f : answers) {
                Response r = f.get();
                assertTrue(r.statusCode() < 500, r.asString());
                ok += r.statusCode() == 200 ? 1 : 0;
            }
            assertTrue(ok >= 1);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, mutations("variableUpsert").size(), FakeRailway.state().mutations().toString());
    }

    @Test
    void aRefusalArrivingWithHttp200ChangesNothingAndIsRecorded() {
        String planId = plan(SET).path("planId");
        long before = ops.count("audit_records");
        FakeRailway.state().refuseNext("variableUpsert", "Not Authorized");
        Response refused = apply(SET, planId);
        assertEquals(502, refused.statusCode(), refused.asString());
        assertEquals("railway_refused", refused.path("error.code"));
        assertEquals("false", FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE"));
        assertEquals(List.of("apply-started:started", "apply:failed"), ops.query("SELECT action || ':' || split_part(outcome, "
                + "':', 1) AS r FROM audit_records WHERE function = 'railway-variable' ORDER BY id").stream()
                .skip(Math.max(0, ops.count("audit_records WHERE function = 'railway-variable'") - 2))
                .map(r -> r.get("r").toString()).toList());
        assertEquals(before + 2, ops.count("audit_records"));
        Response again = apply(SET, planId);
        assertEquals(200, again.statusCode(), "a refusal gives the plan back: " + again.asString());
    }

    @Test
    void aLostAnswerIsInDoubtInTheAuditRecord() {
        String planId = plan(SET).path("planId");
        FakeRailway.state().loseAnswerOf("variableUpsert");
        Response lost = apply(SET, planId);
        assertEquals(503, lost.statusCode(), lost.asString());
        assertEquals("apply_failed", lost.path("error.code"));
        assertEquals(1, (int) lost.path("error.details.inDoubt"));
        long auditId = ((Number) lost.path("error.details.auditId")).longValue();
        String result = record(auditId).get("result").toString();
        String external = record(auditId).get("external").toString();
        assertTrue(external.contains("railway:variable:" + FakeRailway.API + ":MAINTENANCE_MODE"), external);
        assertTrue(result.contains("\"inDoubt\": {\"variable\": [\"api:MAINTENANCE_MODE\"]}")
                || result.replace(" ", "").contains("\"inDoubt\":{\"variable\":[\"api:MAINTENANCE_MODE\"]}"), result);
        assertEquals("true", FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE"), "Railway did act");
    }

    @Test
    void anUndoOfAValueSomeoneChangedSinceIsSuperseded() {
        Response applied = apply(SET, plan(SET).path("planId"));
        assertEquals(200, applied.statusCode(), applied.asString());
        FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE", "false");
        FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE", "true ");
        Response undo = ApprovedPlans.post(Tokens.RESPONDER, "undo", "{\"auditId\":" + applied.path("auditId") + "}");
        assertEquals(409, undo.statusCode(), undo.asString());
        assertEquals("superseded", undo.path("error.code"));
    }

    @Test
    void aDeploymentThatFailsIsAppliedSayingTheServiceStillRunsThePreviousValue() {
        FakeRailway.state().newDeploymentStatuses("BUILDING", "FAILED");
        Response applied = apply(SET, plan(SET).path("planId"));
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals("FAILED", applied.path("deployment.status"));
        String outcome = applied.path("outcome");
        assertTrue(outcome.startsWith("applied: deployment " + applied.path("deployment.deploymentId") + " FAILED")
                && outcome.endsWith("the service still runs the previous value"), outcome);
        assertEquals(outcome, record(((Number) applied.path("auditId")).longValue()).get("outcome"));
    }

    @Test
    void aBuildInProgressRefusesAChangeThatDeploysNotOneThatDoesNot() {
        FakeRailway.state().deployed(FakeRailway.API, "d-building", Instant.now().minusSeconds(5), "BUILDING", "ccc333");
        Response refused = call(SET);
        assertEquals(409, refused.statusCode(), refused.asString());
        assertEquals("deployment_in_progress", refused.path("error.code"));
        assertEquals("d-building", refused.path("error.details.deploymentId"));
        String skip = "{\"service\":\"api\",\"name\":\"MAINTENANCE_MODE\",\"value\":\"true\",\"skipDeploys\":true}";
        assertEquals(200, call(skip).statusCode(), "skipDeploys starts no deployment");
        assertEquals(List.of(), FakeRailway.state().mutations());
    }

    @Test
    void twoPlansAppliedFromTheSameDeploymentSerialise() throws Exception {
        String other = "{\"service\":\"api\",\"name\":\"USE_FALLBACK\",\"value\":\"true\"}";
        Response first = plan(SET);
        Response second = plan(other);
        assertEquals("d-live", first.path("changes.newestDeployment"));
        assertEquals("d-live", second.path("changes.newestDeployment"));
        // The first apply holds its claim from its started record on; its reads of the deployments are slow, so
        // the second apply's re-plan still sees d-live newest and passes: only the claim stops it.
        FakeRailway.state().delay("deployments", 1000);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Response ra;
        try {
            Future<Response> a = pool.submit(() -> apply(SET, first.path("planId")));
            Thread.sleep(400);
            Future<Response> b = pool.submit(() -> apply(other, second.path("planId")));
            ra = a.get();
            Response rb = b.get();
            assertEquals(200, ra.statusCode(), ra.asString());
            assertEquals(409, rb.statusCode(), rb.asString());
            assertEquals("change_in_progress", rb.path("error.code"));
            assertTrue(rb.path("error.message").toString().contains("is under way"), rb.asString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, mutations("variableUpsert").size(), FakeRailway.state().mutations().toString());
        assertNull(FakeRailway.state().variable(FakeRailway.API, "USE_FALLBACK"));
        FakeRailway.state().delay("deployments", 0);
        Response again = apply(other, second.path("planId"));
        assertEquals(409, again.statusCode(), again.asString());
        assertEquals("stale_plan", again.path("error.code"), "the first change's deployment is newest now: "
                + ra.asString() + " " + again.asString());
    }
}
