package io.firebreak.functions.railwaydeploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.FakeRailway;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.RailwayState;
import io.firebreak.testing.SampleCalls;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Seed 004's railway restart / up / rollback against the stateful Railway fake, each planned →
 * applied → undone where it can be: the plan names what Railway acts on (the last good deployment
 * before the incident for a rollback), the apply sends exactly one mutation and follows the new
 * deployment until it settles or the bound passes, a refusal changes nothing, a lost or hanging
 * answer is in doubt, and undo rolls back to the deployment live before — unless someone deployed since.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeRailway.class)
@WithTestResource(RailwayDeployFunctionTest.Fast.class)
class RailwayDeployFunctionTest {

    /** A short bound and quick polls keep the waits short; one Railway call gives up after 2.5 s. */
    public static class Fast implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("firebreak.railway.deploy-wait", "3s", "firebreak.railway.poll-every", "100ms",
                    "firebreak.providers.timeout", "2500ms");
        }

        @Override
        public void stop() {
        }
    }

    @TestDatabases.Inject
    TestDatabases db;

    /** Every answer the tests saw: none may carry the Railway token. */
    final List<String> answers = new ArrayList<>();

    RailwayState railway;
    Instant now;

    @BeforeEach
    void history() {
        FakeRailway.reset();
        railway = FakeRailway.state();
        now = Instant.now();
        railway.deployed(FakeRailway.API, "d-old", now.minusSeconds(5 * 3600), "REMOVED", "aaa111");
        railway.deployed(FakeRailway.API, "d-good", now.minusSeconds(3 * 3600), "REMOVED", "bbb222");
        railway.deployed(FakeRailway.API, "d-failed", now.minusSeconds(150 * 60), "FAILED", "ccc333");
        railway.deployed(FakeRailway.API, "d-crashed", now.minusSeconds(120 * 60), "CRASHED", "ddd444");
        railway.deployed(FakeRailway.API, "d-after", now.minusSeconds(80 * 60), "REMOVED", "eee555");
        railway.deployed(FakeRailway.API, "d-live", now.minusSeconds(30 * 60), "SUCCESS", "fff666");
        answers.clear();
        if (!warm) {
            // The first call of a fresh process (the client, the fake's GraphQL engine) can take longer than one call's timeout.
            ApprovedPlans.post(Tokens.RESPONDER, "railway-deploy", "{\"service\":\"api\",\"action\":\"restart\"}");
            warm = true;
        }
    }

    static boolean warm;

    @AfterEach
    void tokenNeverShown() {
        for (String a : answers) {
            assertFalse(a.contains(FakeRailway.TOKEN), "an answer carried the Railway token: " + a);
        }
        assertEquals(0, Sql.count(db.ops(), "SELECT count(*) FROM audit_records a WHERE a::text LIKE '%" + FakeRailway.TOKEN
                + "%'"), "an audit record holds the Railway token");
        assertEquals(0, Sql.count(db.ops(), "SELECT count(*) FROM plans p WHERE p::text LIKE '%" + FakeRailway.TOKEN + "%'"),
                "a plan holds the Railway token");
    }

    Response call(String function, String body) {
        Response r = ApprovedPlans.post(Tokens.RESPONDER, function, body);
        answers.add(r.asString());
        return r;
    }

    Response plan(String body) {
        Response r = call("railway-deploy", body);
        assertEquals(200, r.statusCode(), r.asString());
        return r;
    }

    Response apply(String body, Response plan, String reason) {
        return call("railway-deploy", SampleCalls.applying(body, plan.path("planId"), reason));
    }

    Response undo(long auditId) {
        String body = "{\"auditId\":" + auditId + "}";
        Response p = call("undo", body);
        if (p.statusCode() != 200) {
            return p;
        }
        return call("undo", SampleCalls.applying(body, p.path("planId"), "put it back"));
    }

    /** The newest deployment of the api service that is live now. */
    RailwayState.Deployment liveNow() {
        return railway.deploymentsOf(FakeRailway.API).stream().filter(d -> d.status().equals("SUCCESS")).findFirst().orElseThrow();
    }

    /** The records railway-deploy wrote after afterId, as action:outcome (the outcome's first word). */
    List<String> records(long afterId) {
        return Sql.rows(db.ops(), "SELECT action || ':' || split_part(outcome, ':', 1) AS r FROM audit_records WHERE "
                + "function = 'railway-deploy' AND id > " + afterId + " ORDER BY id").stream().map(r -> r.get("r").toString())
                .toList();
    }

    long lastAuditId() {
        return Sql.count(db.ops(), "SELECT coalesce(max(id), 0) FROM audit_records");
    }

    @Test
    void aRestartRestartsTheLiveDeploymentItsSettledStatusGoesOnTheTimelineAndUndoSaysItPutsNothingBack() {
        String incident = Lifecycle.declare("API errors after deploy", "P2", null);
        String body = "{\"service\":\"api\",\"action\":\"restart\",\"incidentId\":\"" + incident + "\"}";
        Response plan = plan(body);
        assertEquals("d-live", plan.path("changes.live.id"));
        assertEquals("fff666", plan.path("changes.live.commit"));
        assertEquals("commit fff666", plan.path("changes.live.commitMessage"));
        assertEquals(List.of(), railway.mutations(), "a dry run changes nothing");
        Response applied = apply(body, plan, "API 5xx after deploy: seed 004 step 1");
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals("d-live", applied.path("deployment.id"));
        assertEquals("SUCCESS", applied.path("deployment.status"));
        assertEquals(true, applied.path("deployment.settled"));
        assertEquals("applied", applied.path("outcome"));
        assertEquals(List.of("deploymentRestart d-live"), railway.mutations());
        Response timeline = call("get-incident", "{\"id\":\"" + incident + "\"}");
        List<Map<String, Object>> events = timeline.jsonPath().getList("timeline");
        assertTrue(events.stream().anyMatch(e -> "railway".equals(e.get("kind")) && e.get("summary").toString().contains("SUCCESS")),
                timeline.asString());
        assertTrue(events.stream().anyMatch(e -> e.get("summary").toString().contains("railway-deploy")), timeline.asString());
        List<Map<String, Object>> outcome = Sql.rows(db.ops(), "SELECT external_ids::text AS ids, outcome FROM audit_records "
                + "WHERE id = " + (int) applied.path("auditId"));
        assertTrue(outcome.get(0).get("ids").toString().contains("railway:deployment:d-live"), outcome.toString());
        Response undo = undo(((Number) applied.path("auditId")).longValue());
        assertEquals(409, undo.statusCode(), undo.asString());
        assertEquals("not_undoable", undo.path("error.code"));
        assertTrue(undo.path("error.message").toString().contains("nothing to put back"), undo.asString());
    }

    @Test
    void aRedeployBuildsANewDeploymentAndUndoRollsBackToTheOneLiveBefore() {
        String body = "{\"service\":\"api\",\"action\":\"redeploy\"}";
        Response plan = plan(body);
        assertEquals("d-live", plan.path("changes.live.id"));
        Response applied = apply(body, plan, "railway up");
        assertEquals(200, applied.statusCode(), applied.asString());
        String made = applied.path("deployment.id");
        assertNotEquals("d-live", made);
        assertEquals("SUCCESS", applied.path("deployment.status"));
        assertEquals(made, liveNow().id);
        assertEquals(List.of("deploymentRedeploy d-live -> " + made), railway.mutations());
        Response undone = undo(((Number) applied.path("auditId")).longValue());
        assertEquals(200, undone.statusCode(), undone.asString());
        assertEquals("d-live", undone.path("rolledBackTo"));
        assertEquals("SUCCESS", undone.path("deployment.status"));
        assertEquals(2, railway.mutations().size());
        assertTrue(railway.mutations().get(1).startsWith("deploymentRollback d-live -> "), railway.mutations().toString());
        assertEquals("fff666", liveNow().meta.get("commitHash"), "the old live build runs again");
    }

    @Test
    void aRollbackGoesToTheLastGoodDeploymentBeforeTheIncidentSkippingFailedOnesAndThoseAfterItStarted() {
        String incident = Lifecycle.declare("Checkout failing", "P1", null);
        Sql.exec(db.ops(), "UPDATE incidents SET opened_at = now() - interval '100 minutes' WHERE id = '" + incident + "'");
        // A cut-off before every good deployment finds none, and says what it looked at.
        Response none = call("railway-deploy", "{\"service\":\"api\",\"action\":\"rollback\",\"before\":\""
                + now.minusSeconds(6 * 3600) + "\"}");
        assertEquals(409, none.statusCode(), none.asString());
        assertEquals("no_rollback_target", none.path("error.code"));
        assertTrue(none.path("error.message").toString().contains("precede the live one"), none.asString());
        // Without the incident, the last good one before the live one is d-after.
        Response plain = plan("{\"service\":\"api\",\"action\":\"rollback\"}");
        assertEquals("d-after", plain.path("changes.target.id"));
        String body = "{\"service\":\"api\",\"action\":\"rollback\",\"incidentId\":\"" + incident + "\"}";
        Response plan = plan(body);
        assertEquals("d-good", plan.path("changes.target.id"), "d-crashed and d-failed never ran, d-after came after the start");
        assertEquals("bbb222", plan.path("changes.target.commit"));
        assertEquals("d-live", plan.path("changes.live.id"));
        assertEquals(incident, plan.path("changes.cutOff.incidentId"));
        Response applied = apply(body, plan, "roll back to before the incident");
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals("d-good", applied.path("actedOn"));
        String made = applied.path("deployment.id");
        assertEquals(made, liveNow().id);
        assertEquals("bbb222", liveNow().meta.get("commitHash"));
        assertEquals("REMOVED", railway.deploymentsOf(FakeRailway.API).stream().filter(d -> d.id.equals("d-live")).findFirst()
                .orElseThrow().status());
        // The undo puts the old live back.
        Response undone = undo(((Number) applied.path("auditId")).longValue());
        assertEquals(200, undone.statusCode(), undone.asString());
        assertEquals("fff666", liveNow().meta.get("commitHash"));
        assertEquals(List.of("deploymentRollback d-good -> " + made, "deploymentRollback d-live -> " + undone.path("deployment.id")),
                railway.mutations());
    }

    @Test
    void anExplicitDeploymentIdIsTheTargetWhenItCanBeRolledBackTo() {
        String body = "{\"service\":\"api\",\"action\":\"rollback\",\"deploymentId\":\"d-old\"}";
        Response plan = plan(body);
        assertEquals("d-old", plan.path("changes.target.id"));
        for (String[] bad : new String[][] { { "d-failed", "never ran" }, { "d-live", "live deployment" },
                { "d-nowhere", "not among" } }) {
            Response r = call("railway-deploy", "{\"service\":\"api\",\"action\":\"rollback\",\"deploymentId\":\"" + bad[0] + "\"}");
            assertEquals(409, r.statusCode(), r.asString());
            assertEquals("not_rollbackable", r.path("error.code"));
            assertTrue(r.path("error.message").toString().contains(bad[1]), r.asString());
        }
        Response applied = apply(body, plan, "back to the known good build");
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals("aaa111", liveNow().meta.get("commitHash"));
        assertTrue(railway.mutations().get(0).startsWith("deploymentRollback d-old -> "));
        Response wrongAction = call("railway-deploy", "{\"service\":\"api\",\"action\":\"restart\",\"deploymentId\":\"d-old\"}");
        assertEquals(400, wrongAction.statusCode());
        assertEquals("deploymentId", wrongAction.path("error.field"));
        Response badAction = call("railway-deploy", "{\"service\":\"api\",\"action\":\"up\"}");
        assertEquals(400, badAction.statusCode());
        assertEquals("invalid_value", badAction.path("error.code"));
        Response unknown = call("railway-deploy", "{\"service\":\"billing\",\"action\":\"restart\"}");
        assertEquals(400, unknown.statusCode());
        assertEquals("unknown_service", unknown.path("error.code"));
    }

    @Test
    void undoAfterSomeoneDeployedSinceIsRefusedAsSuperseded() {
        String body = "{\"service\":\"api\",\"action\":\"rollback\"}";
        Response applied = apply(body, plan(body), "roll back");
        assertEquals(200, applied.statusCode(), applied.asString());
        railway.deployed(FakeRailway.API, "d-hotfix", Instant.now(), "SUCCESS", "abc999");
        Response undo = undo(((Number) applied.path("auditId")).longValue());
        assertEquals(409, undo.statusCode(), undo.asString());
        assertEquals("superseded", undo.path("error.code"));
        assertTrue(undo.path("error.message").toString().contains("d-hotfix"), undo.asString());
        assertEquals(1, railway.mutations().size(), "nothing was rolled back over the hotfix");
    }

    @Test
    void aPlanWhoseLiveDeploymentChangedIsStaleAndChangesNothing() {
        String body = "{\"service\":\"api\",\"action\":\"restart\"}";
        Response plan = plan(body);
        railway.deployed(FakeRailway.API, "d-newer", Instant.now(), "SUCCESS", "abc999");
        Response stale = apply(body, plan, "restart");
        assertEquals(409, stale.statusCode(), stale.asString());
        assertEquals("stale_plan", stale.path("error.code"));
        assertEquals(List.of(), railway.mutations());
    }

    @Test
    void racingAppliesOfOnePlanSendExactlyOneMutation() throws Exception {
        String body = "{\"service\":\"api\",\"action\":\"rollback\"}";
        Response plan = plan(body);
        String apply = SampleCalls.applying(body, plan.path("planId"), "race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(() -> ApprovedPlans.post(Tokens.RESPONDER, "railway-deploy", apply));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                Response r = f.get();
                answers.add(r.asString());
                statuses.add(r.statusCode());
                assertTrue(r.statusCode() == 200 || r.statusCode() == 409, r.asString());
            }
            assertTrue(statuses.contains(200), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, railway.mutations().size(), railway.mutations().toString());
    }

    @Test
    void aRefusalArrivingWithHttp200Answers502AndChangesNothingAndThePlanStillApplies() {
        String body = "{\"service\":\"api\",\"action\":\"rollback\"}";
        Response plan = plan(body);
        long before = lastAuditId();
        railway.refuseNext("deploymentRollback", "Cannot rollback: deployment is being removed");
        Response refused = apply(body, plan, "roll back");
        assertEquals(502, refused.statusCode(), refused.asString());
        assertEquals("railway_refused", refused.path("error.code"));
        assertTrue(refused.path("error.message").toString().contains("Cannot rollback"), refused.asString());
        assertEquals(List.of(), railway.mutations());
        assertEquals(List.of("apply-started:started", "apply:failed"), records(before));
        Response again = apply(body, plan, "roll back");
        assertEquals(200, again.statusCode(), again.asString());
        assertEquals(1, railway.mutations().size());
    }

    @Test
    void aLostAnswerIsAnApplyFailedWithTheRollbackInDoubt() {
        String body = "{\"service\":\"api\",\"action\":\"rollback\"}";
        Response plan = plan(body);
        railway.loseAnswerOf("deploymentRollback");
        Response lost = apply(body, plan, "roll back");
        assertEquals(503, lost.statusCode(), lost.asString());
        assertEquals("apply_failed", lost.path("error.code"));
        assertEquals(1, (int) lost.path("error.details.inDoubt"), lost.asString());
        long auditId = ((Number) lost.path("error.details.auditId")).longValue();
        List<Map<String, Object>> record = Sql.rows(db.ops(), "SELECT outcome, result::text AS result, external_ids::text AS ids "
                + "FROM audit_records WHERE id = " + auditId);
        assertTrue(record.get(0).get("outcome").toString().startsWith("failed"), record.toString());
        assertTrue(record.get(0).get("result").toString().contains("rollback:api"), record.toString());
        assertTrue(record.get(0).get("ids").toString().contains("railway:deployment:d-after"), record.toString());
        assertEquals(1, railway.mutations().size(), "Railway did act");
    }

    @Test
    void aHangingRailwayIsInDoubtWithinTheBound() {
        String body = "{\"service\":\"api\",\"action\":\"restart\"}";
        Response plan = plan(body);
        railway.delay("deploymentRestart", 6000);
        long start = System.nanoTime();
        Response hung = apply(body, plan, "restart");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(503, hung.statusCode(), hung.asString());
        assertEquals("apply_failed", hung.path("error.code"));
        assertEquals(1, (int) hung.path("error.details.inDoubt"), hung.asString());
        assertTrue(ms < 6000, "answered in " + ms + " ms: one call's timeout bounds it");
    }

    @Test
    void aDeploymentThatNeverSettlesIsAnsweredWithinTheBoundUnsettled() {
        railway.newDeploymentStatuses("BUILDING");
        String body = "{\"service\":\"api\",\"action\":\"redeploy\"}";
        Response plan = plan(body);
        long start = System.nanoTime();
        Response applied = apply(body, plan, "railway up");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals(false, applied.path("deployment.settled"));
        assertEquals("BUILDING", applied.path("deployment.status"));
        assertTrue(applied.path("outcome").toString().contains("still BUILDING after"), applied.asString());
        assertTrue((int) applied.path("deployment.waitedMs") <= 3100, applied.asString());
        assertTrue(ms < 10000, "answered in " + ms + " ms");
        // The build in progress refuses the next redeploy, and a restart's plan shows it, newer than the live one.
        Response next = call("railway-deploy", body);
        assertEquals(409, next.statusCode(), next.asString());
        assertEquals("deployment_in_progress", next.path("error.code"));
        Response restart = plan("{\"service\":\"api\",\"action\":\"restart\"}");
        assertEquals(applied.path("deployment.id").toString(), restart.path("changes.inProgress[0].id"));
        assertEquals("BUILDING", restart.path("changes.inProgress[0].status"));
    }

    @Test
    void aTokenRailwayRefusesIsRailwayNotConfigured() {
        FakeRailway.server().stubFor(WireMock.post(WireMock.urlPathEqualTo("/graphql/v2")).atPriority(1)
                .willReturn(WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"data\":null,\"errors\":[{\"message\":\"Not Authorized\"}]}")));
        Response r = call("railway-deploy", "{\"service\":\"api\",\"action\":\"restart\"}");
        assertEquals(409, r.statusCode(), r.asString());
        assertEquals("railway_not_configured", r.path("error.code"));
        assertTrue(r.path("error.message").toString().contains("RAILWAY_TOKEN"), r.asString());
    }

    @Test
    void aCrashedServiceIsRestartedAndTheRestartIsObservedByItsStatusUpdatedAt() {
        FakeRailway.reset();
        railway.deployed(FakeRailway.API, "d-crashed", Instant.now().minusSeconds(60), "CRASHED", "ddd444");
        String body = "{\"service\":\"api\",\"action\":\"restart\"}";
        Response plan = plan(body);
        assertEquals("d-crashed", plan.path("changes.restarts.id"), plan.asString());
        assertEquals("CRASHED", plan.path("changes.restarts.status"));
        Response applied = apply(body, plan, "complete outage: the api crashed");
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals("d-crashed", applied.path("actedOn"));
        assertEquals("SUCCESS", applied.path("deployment.status"));
        assertEquals(true, applied.path("deployment.settled"));
        assertEquals(List.of("deploymentRestart d-crashed"), railway.mutations());
        FakeRailway.reset();
        railway.deployed(FakeRailway.API, "d-failed", Instant.now().minusSeconds(60), "FAILED", "ddd444");
        Response none = call("railway-deploy", body);
        assertEquals(409, none.statusCode(), none.asString());
        assertEquals("no_live_deployment", none.path("error.code"));
    }

    @Test
    void aRestartRailwayDoesNotShowIsAnsweredNotObserved() {
        String body = "{\"service\":\"api\",\"action\":\"restart\"}";
        Response plan = plan(body);
        // Railway takes the restart but the deployment's status never moves.
        FakeRailway.server().stubFor(WireMock.post(WireMock.urlPathEqualTo("/graphql/v2")).atPriority(1)
                .withRequestBody(WireMock.containing("deploymentRestart"))
                .willReturn(WireMock.okJson("{\"data\":{\"deploymentRestart\":true}}")));
        Response applied = apply(body, plan, "restart");
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals(false, applied.path("deployment.settled"), applied.asString());
        assertTrue(applied.path("outcome").toString().contains("restart not observed"), applied.asString());
    }

    @Test
    void aRollbackRunAgainAfterItWorkedIsAlreadyRolledBackAndALiveOneOlderThanTheIncidentIsNoTarget() {
        String incident = Lifecycle.declare("Checkout failing", "P1", null);
        Sql.exec(db.ops(), "UPDATE incidents SET opened_at = now() - interval '100 minutes' WHERE id = '" + incident + "'");
        String body = "{\"service\":\"api\",\"action\":\"rollback\",\"incidentId\":\"" + incident + "\"}";
        Response applied = apply(body, plan(body), "roll back to before the incident");
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals("bbb222", liveNow().meta.get("commitHash"));
        // Run again: the live one is d-good's build; d-live (bad, REMOVED, can be rolled back to) is never the target.
        Response again = call("railway-deploy", body);
        assertEquals(409, again.statusCode(), again.asString());
        assertEquals("already_rolled_back", again.path("error.code"));
        assertTrue(again.path("error.message").toString().contains("d-good"), again.asString());
        assertEquals(1, railway.mutations().size());
        // An incident opened after the live deployment: the last good one before it is the live one.
        String later = Lifecycle.declare("Checkout slow", "P2", null);
        Response predates = call("railway-deploy", "{\"service\":\"api\",\"action\":\"rollback\",\"incidentId\":\""
                + later + "\"}");
        assertEquals(409, predates.statusCode(), predates.asString());
        assertEquals("no_rollback_target", predates.path("error.code"));
        assertTrue(predates.path("error.message").toString().contains("predates"), predates.asString());
        Response explicit = call("railway-deploy", "{\"service\":\"api\",\"action\":\"rollback\",\"deploymentId\":\"d-old\"}");
        assertEquals(200, explicit.statusCode(), explicit.asString());
    }

    @Test
    void aRedeployRebuildsTheLiveDeploymentNotANewerFailedOne() {
        railway.deployed(FakeRailway.API, "d-broken", Instant.now().minusSeconds(60), "FAILED", "bad000");
        String body = "{\"service\":\"api\",\"action\":\"redeploy\"}";
        Response plan = plan(body);
        assertEquals("d-live", plan.path("changes.redeploys.id"));
        Response applied = apply(body, plan, "railway up");
        assertEquals(200, applied.statusCode(), applied.asString());
        String made = applied.path("deployment.id");
        assertEquals(List.of("deploymentRedeploy d-live -> " + made), railway.mutations());
        assertEquals("fff666", liveNow().meta.get("commitHash"), "the live build, not the failed one");
    }

    @Test
    void someoneElsesDeploymentDuringTheWaitIsNeverTakenForOursNorUndone() throws Exception {
        String body = "{\"service\":\"api\",\"action\":\"rollback\"}";
        Response plan = plan(body);
        // Railway says yes to the rollback but its deployment never shows; a colleague's hotfix does, during the wait.
        FakeRailway.server().stubFor(WireMock.post(WireMock.urlPathEqualTo("/graphql/v2")).atPriority(1)
                .withRequestBody(WireMock.containing("deploymentRollback"))
                .willReturn(WireMock.okJson("{\"data\":{\"deploymentRollback\":true}}")));
        Thread hotfix = new Thread(() -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                return;
            }
            railway.deployed(FakeRailway.API, "d-hotfix", Instant.now(), "SUCCESS", "abc999");
        });
        hotfix.start();
        Response applied = apply(body, plan, "roll back");
        hotfix.join();
        assertEquals(200, applied.statusCode(), applied.asString());
        assertEquals(null, (Object) applied.path("deployment.id"), applied.asString());
        assertEquals(false, applied.path("deployment.settled"));
        assertTrue(applied.path("outcome").toString().contains("could not tell which deployment is ours"), applied.asString());
        Response undo = undo(((Number) applied.path("auditId")).longValue());
        assertEquals(409, undo.statusCode(), undo.asString());
        assertEquals("not_undoable", undo.path("error.code"));
        assertTrue(railway.deploymentsOf(FakeRailway.API).stream().anyMatch(d -> d.id.equals("d-hotfix")
                && d.status().equals("SUCCESS")), "the hotfix is still live");
    }

    @Test
    void aDeploymentInProgressRefusesAnotherRedeployOrRollback() {
        railway.newDeploymentStatuses("BUILDING");
        railway.deployed(FakeRailway.API, "d-building", Instant.now(), "BUILDING", "ggg777");
        for (String action : List.of("redeploy", "rollback")) {
            Response r = call("railway-deploy", "{\"service\":\"api\",\"action\":\"" + action + "\"}");
            assertEquals(409, r.statusCode(), r.asString());
            assertEquals("deployment_in_progress", r.path("error.code"));
            assertTrue(r.path("error.message").toString().contains("d-building"), r.asString());
        }
        Response restart = call("railway-deploy", "{\"service\":\"api\",\"action\":\"restart\"}");
        assertEquals(200, restart.statusCode(), restart.asString());
        assertEquals(List.of(), railway.mutations());
    }

    @Test
    void twoPlansOfOneServiceAppliedAtOnceSendOneMutation() throws Exception {
        String body = "{\"service\":\"api\",\"action\":\"redeploy\"}";
        List<String> applies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            applies.add(SampleCalls.applying(body, plan(body).path("planId"), "two responders"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (String a : applies) {
                calls.add(() -> ApprovedPlans.post(Tokens.RESPONDER, "railway-deploy", a));
            }
            List<String> codes = new ArrayList<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                Response r = f.get();
                answers.add(r.asString());
                codes.add(r.statusCode() == 200 ? "ok" : r.path("error.code"));
            }
            assertEquals(1, codes.stream().filter("ok"::equals).count(), codes.toString());
            assertTrue(codes.stream().allMatch(c -> List.of("ok", "change_in_progress", "deployment_in_progress", "stale_plan").contains(c)), codes.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, railway.mutations().size(), railway.mutations().toString());
    }
}
