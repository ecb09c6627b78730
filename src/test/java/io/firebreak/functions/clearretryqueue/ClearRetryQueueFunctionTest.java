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
                .body("changes.syncLogs.sample", hasSize(10))
                .body("changes.syncLogs.ids", hasSize(100))
                .body("changes.syncLogs.nextCursor", notNullValue())
                .body("changes.syncLogs.set.count", is(250))
                .body("changes.syncLogs.set.chunks", is(3));
        assertEquals(250, retrying(storm));
        assertTrue(active(storm));
        assertEquals(audits, ops.count("audit_records"), "a dry run leaves no audit record");
    }

    @Test
    void applyChangesThePlannedRowsAndAuditsWhoWhatWhyAndHowMany() {
        io.restassured.path.json.JsonPath dry = call("{\"integrationId\":\"" + storm + "\"}").then().statusCode(200)
                .extract().jsonPath();
        String planId = dry.getString("planId");
        List<Long> planned = allIds(dry);
        assertEquals(250, planned.size());
        long auditsBefore = ops.count("audit_records");
        long auditId = ((Number) apply(planId, "ERP storm INC-1: Xero down").statusCode(200)
                .body("applied", is(true))
                .body("integrationsDeactivated", is(1))
                .body("rowsDismissed", is(250))
                .body("skipped", is(0))
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
        assertTrue(record.get("plan").toString().length() < 2000, "the audit record names the stored set, not its ids");
        assertTrue(record.get("result").toString().contains("\"committedThrough\": 2"), record.get("result").toString());
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

    /** Every id of a dry run's stored set, following its cursors page by page. */
    static List<Long> allIds(io.restassured.path.json.JsonPath dry) {
        List<Long> ids = new ArrayList<>(dry.getList("changes.syncLogs.ids", Long.class));
        String cursor = dry.getString("changes.syncLogs.nextCursor");
        String planId = dry.getString("planId");
        int pages = 1;
        while (cursor != null) {
            io.restassured.path.json.JsonPath page = call("{\"planId\":\"" + planId + "\",\"cursor\":\"" + cursor + "\"}")
                    .then().statusCode(200).body("dryRun", is(true)).body("offset", is(ids.size())).extract().jsonPath();
            ids.addAll(page.getList("ids", Long.class));
            cursor = page.getString("nextCursor");
            assertTrue(++pages < 1000, "the cursors end");
        }
        return ids;
    }

    @Test
    void theStoredSetPagesByCursorExactlyAsPlannedAndPagingChangesNothing() {
        io.restassured.path.json.JsonPath dry = call("{\"integrationId\":\"" + storm + "\"}").then().statusCode(200)
                .extract().jsonPath();
        long audits = ops.count("audit_records");
        List<Long> ids = allIds(dry);
        List<Long> expected = io.firebreak.testing.Sql.rows(db.target(), "SELECT id FROM erp_sync_logs WHERE integration_id = '"
                + storm + "' AND sync_status = 'retrying' ORDER BY id").stream()
                .map(r -> ((Number) r.get("id")).longValue()).toList();
        assertEquals(expected, ids, "three pages of 100, 100 and 50, in id order");
        assertEquals(expected.subList(0, 10), dry.getList("changes.syncLogs.sample", Long.class));
        String last = call("{\"planId\":\"" + dry.getString("planId") + "\",\"cursor\":\""
                + dry.getString("changes.syncLogs.nextCursor") + "\"}").then().statusCode(200).body("ids", hasSize(100))
                .body("count", is(250)).body("kind", is("erp_sync_logs")).extract().path("nextCursor");
        call("{\"planId\":\"" + dry.getString("planId") + "\",\"cursor\":\"" + last + "\"}").then().statusCode(200)
                .body("ids", hasSize(50)).body("nextCursor", org.hamcrest.Matchers.nullValue());
        assertEquals(250, retrying(storm));
        assertEquals(audits, ops.count("audit_records"), "paging leaves no audit record");
        // And the plan still applies, as paged.
        apply(dry.getString("planId"), "storm after reading the plan").statusCode(200).body("rowsDismissed", is(250));
    }

    @Test
    void aBadCursorOrPlanIsAClearErrorNever500() {
        String planId = planId();
        String cursor = call("{\"integrationId\":\"" + storm + "\"}").then().extract().path("changes.syncLogs.nextCursor");
        call("{\"planId\":\"" + planId + "\",\"cursor\":\"%%%not-base64\"}").then().statusCode(400)
                .body("error.code", is("invalid_value")).body("error.field", is("cursor"));
        String otherKind = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("payments:0".getBytes());
        call("{\"planId\":\"" + planId + "\",\"cursor\":\"" + otherKind + "\"}").then().statusCode(400)
                .body("error.code", is("invalid_value")).body("error.field", is("cursor"));
        String pastEnd = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("erp_sync_logs:999".getBytes());
        call("{\"planId\":\"" + planId + "\",\"cursor\":\"" + pastEnd + "\"}").then().statusCode(400)
                .body("error.code", is("invalid_value")).body("error.field", is("cursor"));
        call("{\"cursor\":\"" + cursor + "\"}").then().statusCode(400)
                .body("error.code", is("missing_field")).body("error.field", is("planId"));
        call("{\"planId\":\"nope\",\"cursor\":\"" + cursor + "\"}").then().statusCode(400)
                .body("error.code", is("invalid_value")).body("error.field", is("planId"));
        call("{\"planId\":\"" + java.util.UUID.randomUUID() + "\",\"cursor\":\"" + cursor + "\"}").then().statusCode(404)
                .body("error.code", is("unknown_plan"));
        // Another function's plan is not paged here.
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"planId\":\"" + planId + "\",\"cursor\":\"" + cursor + "\"}").post("/undo").then()
                .statusCode(409).body("error.code", is("plan_mismatch"));
        io.firebreak.testing.Sql.exec(db.ops(), "UPDATE plans SET expires_at = now() - interval '1 minute' WHERE id = '" + planId + "'");
        call("{\"planId\":\"" + planId + "\",\"cursor\":\"" + cursor + "\"}").then().statusCode(409)
                .body("error.code", is("expired_plan"));
    }

    @Test
    void aChangedIntegrationMakesThePlanStaleAndNothingChanges() {
        String planId = planId();
        io.firebreak.testing.Sql.exec(db.target(), "UPDATE erp_integrations SET is_active = false WHERE id = '" + storm + "'");
        apply(planId, "storm").statusCode(409).body("error.code", is("stale_plan"));
        assertEquals(250, retrying(storm));
    }

    @Test
    void theApplyChangesOnlyPlannedRowsStillRetryingAndCountsTheRest() {
        String planId = planId();
        // Meanwhile the application retried 30 planned rows successfully, and a new row started retrying.
        io.firebreak.testing.Sql.exec(db.target(), "UPDATE erp_sync_logs SET sync_status = 'success' WHERE id IN (SELECT id FROM erp_sync_logs "
                + "WHERE integration_id = '" + storm + "' AND sync_status = 'retrying' ORDER BY id LIMIT 30 OFFSET 90)");
        target.syncLogs(storm, "retrying", 1, 0);
        long auditId = ((Number) apply(planId, "storm").statusCode(200).body("rowsDismissed", is(220))
                .body("skipped", is(30)).extract().path("auditId")).longValue();
        assertEquals(1, retrying(storm), "the row that was not planned is left alone");
        assertEquals(130, target.count("SELECT count(*) FROM erp_sync_logs WHERE integration_id = '" + storm
                + "' AND sync_status = 'success'"));
        assertEquals(1, ops.count("audit_records WHERE id = " + auditId + " AND rows_affected = 221"
                + " AND jsonb_array_length(result->'sets'->'erp_sync_logs'->'notChanged') = 30"),
                "the record counts what changed and lists the 30 planned rows it did not change");

        // Undo restores the 220 it dismissed, never the 30 it skipped.
        String undoPlan = given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"auditId\":" + auditId + "}").post("/undo").then().statusCode(200)
                .body("changes.syncLogs.count", is(220)).body("changes.syncLogs.ids", hasSize(100))
                .extract().path("planId");
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"auditId\":" + auditId + ",\"apply\":true,\"planId\":\"" + undoPlan + "\",\"reason\":\"back\"}")
                .post("/undo").then().statusCode(200).body("rowsRestored", is(220));
        assertEquals(221, retrying(storm));
        assertEquals(130, target.count("SELECT count(*) FROM erp_sync_logs WHERE integration_id = '" + storm
                + "' AND sync_status = 'success'"));
    }

    @Test
    void overTheBoundNothingIsPlannedOrChanged() {
        target.syncLogs(storm, "retrying", 400, 1);
        call("{\"integrationId\":\"" + storm + "\"}").then().statusCode(409).body("error.code", is("over_bound"));
        assertEquals(0, ops.count("plans WHERE scope = '" + storm + "'"));
        assertEquals(0, ops.count("plan_items p WHERE NOT EXISTS (SELECT FROM plans WHERE id = p.plan_id)"),
                "the refused dry run left no stored set behind");
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
