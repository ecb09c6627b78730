package io.firebreak.functions.clearretryqueue;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import io.firebreak.platform.ApiTokens;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** Seed 000's ERP sync storm runbook under the safety model, on the real target and ops databases. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class ClearRetryQueueFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    TargetData target;
    OpsRecords ops;
    String storm;

    @BeforeEach
    void storm() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(3);
        storm = target.integration("Xero (storm)", true);
        target.syncLogs(storm, "retrying", 250, 5);
        target.syncLogs(storm, "dead_letter", 40, 30);
        target.syncLogs(storm, "success", 100, 60);
        String quiet = target.integration("Sage", true);
        target.syncLogs(quiet, "retrying", 7, 5);
        target.syncLogs(quiet, "dead_letter", 2, 60 * 30);
    }

    static Response call(String body) {
        return given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON).body(body)
                .post("/clear-retry-queue");
    }

    String planId() {
        return call("{\"integrationId\":\"" + storm + "\"}").then().statusCode(200).extract().path("planId");
    }

    ValidatableResponse apply(String planId, String reason) {
        return call("{\"integrationId\":\"" + storm + "\",\"apply\":true,\"planId\":\"" + planId + "\",\"reason\":\""
                + reason + "\"}").then();
    }

    long retrying(String integration) {
        return target.count("SELECT count(*) FROM erp_sync_logs WHERE integration_id = '" + integration
                + "' AND sync_status = 'retrying'");
    }

    boolean active(String integration) {
        return target.count("SELECT count(*) FROM erp_integrations WHERE id = '" + integration + "' AND is_active") == 1;
    }

    @Test
    void withoutAnIntegrationItIsTheSeedsDeadLetterReport() {
        call("{}").then().statusCode(200)
                .body("integrations", hasSize(1))
                .body("integrations[0].integrationId", is(storm))
                .body("integrations[0].name", is("Xero (storm)"))
                .body("integrations[0].deadLetters", is(40))
                .body("integrations[0].active", is(true));
    }

    @Test
    void theDryRunShowsExactlyWhatWouldChangeAndChangesNothing() {
        long audits = ops.count("audit_records");
        call("{\"integrationId\":\"" + storm + "\"}").then().statusCode(200)
                .body("dryRun", is(true))
                .body("planId", notNullValue())
                .body("rows", is(251))
                .body("changes.integration.isActive.before", is(true))
                .body("changes.integration.isActive.after", is(false))
                .body("changes.syncLogs.syncStatus.before", is("retrying"))
                .body("changes.syncLogs.syncStatus.after", is("dismissed"))
                .body("changes.syncLogs.count", is(250))
                .body("changes.syncLogs.batches", is(3))
                .body("changes.syncLogs.ids", hasSize(250));
        assertEquals(250, retrying(storm));
        assertTrue(active(storm));
        assertEquals(audits, ops.count("audit_records"), "a dry run leaves no audit record");
    }

    @Test
    void applyChangesThePlannedRowsAndAuditsWhoWhatWhyAndHowMany() {
        String planId = planId();
        List<Long> planned = call("{\"integrationId\":\"" + storm + "\"}").then().extract().jsonPath()
                .getList("changes.syncLogs.ids", Long.class);
        long auditsBefore = ops.count("audit_records");
        long auditId = ((Number) apply(planId, "ERP storm INC-1: Xero down").statusCode(200)
                .body("applied", is(true))
                .body("integrationsDeactivated", is(1))
                .body("rowsDismissed", is(250))
                .extract().path("auditId")).longValue();

        assertEquals(0, retrying(storm));
        assertEquals(7, retrying(sage()), "the other integration is untouched");
        assertTrue(!active(storm));
        assertEquals(250, target.count("SELECT count(*) FROM erp_sync_logs WHERE integration_id = '" + storm
                + "' AND sync_status = 'dismissed' AND id = ANY('{" + join(planned) + "}'::bigint[])"));

        Map<String, Object> record = ops.query("SELECT * FROM audit_records WHERE id = " + auditId).get(0);
        assertEquals(ApiTokens.sha256Hex(Tokens.RESPONDER).substring(0, 12), record.get("token_id"));
        assertEquals("responder", record.get("role"));
        assertEquals("clear-retry-queue", record.get("function"));
        assertEquals("ERP storm INC-1: Xero down", record.get("reason"));
        assertEquals(251, record.get("rows_affected"));
        assertEquals("applied", record.get("outcome"));
        assertTrue(record.get("plan").toString().contains(storm));
        assertEquals(auditsBefore + 2, ops.count("audit_records"), "apply-started, then apply");
    }

    String sage() {
        return io.firebreak.testing.Sql.rows(db.target(), "SELECT id::text AS id FROM erp_integrations WHERE name = 'Sage'")
                .get(0).get("id").toString();
    }

    static String join(List<Long> ids) {
        return String.join(",", ids.stream().map(String::valueOf).toList());
    }

    @Test
    void badApplyInputIs400OrAnUnknownPlanAndChangesNothing() {
        long audits = ops.count("audit_records");
        call("{\"integrationId\":\"" + storm + "\",\"apply\":true,\"reason\":\"x\"}").then().statusCode(400)
                .body("error.field", is("planId"));
        String planId = planId();
        call("{\"integrationId\":\"" + storm + "\",\"apply\":true,\"planId\":\"" + planId + "\"}").then()
                .statusCode(400).body("error.code", is("missing_field")).body("error.field", is("reason"));
        call("{\"integrationId\":\"not-a-uuid\"}").then().statusCode(400).body("error.field", is("integrationId"));
        call("{\"integrationId\":\"" + storm + "\",\"apply\":true,\"planId\":\"0b4f7a3e-2d0f-4c38-9a7e-1d2c3b4a5f60\","
                + "\"reason\":\"x\"}").then().statusCode(404).body("error.code", is("unknown_plan"));
        call("{\"integrationId\":\"" + storm + "\",\"actor\":{\"tokenId\":\"boss\",\"role\":\"admin\"}}").then()
                .statusCode(400).body("error.code", is("reserved_field"));
        call("{\"integrationId\":\"" + java.util.UUID.randomUUID() + "\"}").then().statusCode(404)
                .body("error.code", is("unknown_integration"));
        assertEquals(250, retrying(storm));
        assertTrue(active(storm));
        assertEquals(audits, ops.count("audit_records"));
    }

    @Test
    void aStalePlanIsRefusedAndNothingChanges() {
        String planId = planId();
        target.syncLogs(storm, "retrying", 1, 0);
        apply(planId, "storm").statusCode(409).body("error.code", is("stale_plan"));
        assertEquals(251, retrying(storm));
        assertTrue(active(storm));
    }

    @Test
    void overTheBoundNothingIsPlannedOrChanged() {
        target.syncLogs(storm, "retrying", 400, 1);
        call("{\"integrationId\":\"" + storm + "\"}").then().statusCode(409).body("error.code", is("over_bound"));
        assertEquals(0, ops.count("plans WHERE scope = '" + storm + "'"));
        assertEquals(650, retrying(storm));
    }

    @Test
    void twentyConcurrentAppliesWithOneKeyHaveOneSideEffect() throws Exception {
        String planId = planId();
        String body = "{\"integrationId\":\"" + storm + "\",\"apply\":true,\"planId\":\"" + planId
                + "\",\"reason\":\"storm\"}";
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                return given().header("Authorization", Tokens.bearer(Tokens.RESPONDER))
                        .header("Idempotency-Key", "storm-" + planId).contentType(ContentType.JSON).body(body)
                        .post("/clear-retry-queue");
            }));
        }
        go.countDown();
        Set<Object> auditIds = new HashSet<>();
        for (Future<Response> call : calls) {
            Response r = call.get(60, TimeUnit.SECONDS);
            r.then().statusCode(200).body("rowsDismissed", is(250));
            auditIds.add(r.path("auditId"));
        }
        pool.shutdown();
        assertEquals(1, auditIds.size(), "every caller got the first result");
        assertEquals(1, ops.count("audit_records WHERE action = 'apply' AND plan->'syncLogs'->>'count' = '250'"
                + " AND input->>'planId' = '" + planId + "'"), "one side effect");
        assertEquals(0, retrying(storm));
    }

    @Test
    void undoRestoresExactlyTheBeforeStateOnce() {
        List<Map<String, Object>> before = io.firebreak.testing.Sql.rows(db.target(),
                "SELECT id, sync_status FROM erp_sync_logs WHERE integration_id = '" + storm + "' ORDER BY id");
        long auditId = ((Number) apply(planId(), "storm").statusCode(200).extract().path("auditId")).longValue();

        String undoPlan = given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"auditId\":" + auditId + "}").post("/undo").then().statusCode(200)
                .body("changes.syncLogs.count", is(250))
                .body("changes.integration.isActive.after", is(true))
                .extract().path("planId");
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"auditId\":" + auditId + ",\"apply\":true,\"planId\":\"" + undoPlan + "\",\"reason\":\"Xero back\"}")
                .post("/undo").then().statusCode(200)
                .body("rowsRestored", is(250)).body("integrationsReactivated", is(1)).body("undoOf", is((int) auditId));

        assertEquals(before, io.firebreak.testing.Sql.rows(db.target(),
                "SELECT id, sync_status FROM erp_sync_logs WHERE integration_id = '" + storm + "' ORDER BY id"));
        assertTrue(active(storm));
        assertEquals(1, ops.count("audit_records WHERE action = 'undo' AND undo_of = " + auditId));
        assertEquals(1, ops.count("audit_records WHERE action = 'undo-started' AND undo_of = " + auditId),
                "the undo's started record committed before it changed anything");
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"auditId\":" + auditId + "}").post("/undo").then().statusCode(409)
                .body("error.code", is("already_undone"));
    }
}
