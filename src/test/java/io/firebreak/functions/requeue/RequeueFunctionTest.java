package io.firebreak.functions.requeue;

import static io.firebreak.testing.SampleCalls.applying;
import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Seed 002's email retry as a declared requeue, under the safety model, on a database shaped like
 * seed 002's app. Every test leaves email_log as the fixture had it (other seed-002 tests count it).
 */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "seed-002"))
class RequeueFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    OpsRecords ops;

    @BeforeEach
    void ops() {
        ops = new OpsRecords(db.ops());
    }

    JsonPath dryRun(String body) {
        return call("requeue", Tokens.RESPONDER, body).statusCode(200).body("dryRun", is(true)).extract().jsonPath();
    }

    List<Map<String, Object>> failed() {
        return Sql.rows(db.target(), "SELECT id::text, retry_count, next_retry_at FROM email_log WHERE status = 'failed' ORDER BY id");
    }

    @Test
    void theDeclaredRequeuesAreListed() {
        call("requeue", Tokens.RESPONDER, "{}").statusCode(200).body("requeues.name", hasItems("email-retry", "ocr-retry"))
                .body("requeues.find { it.name == 'email-retry' }.status", is("status: failed -> pending"));
    }

    @Test
    void failedEmailsGoBackToPendingWithTheirCountersResetAndUndoPutsBackWhatTheAppHasNotSent() {
        List<Map<String, Object>> fixture = failed();
        assertEquals(12, fixture.size());
        long audits = ops.count("audit_records");
        JsonPath plan = dryRun("{\"name\":\"email-retry\"}");
        assertEquals(12, plan.getInt("rows"));
        assertEquals("public.email_log", plan.getString("changes.table"));
        assertEquals(Map.of("before", "failed", "after", "pending"), plan.getMap("changes.status"));
        assertEquals(fixture.get(0).get("id"), plan.getString("changes.rows[0].id"));
        assertEquals(Map.of("status", "failed", "retry_count", fixture.get(0).get("retry_count"), "next_retry_at", "null"),
                Map.of("status", plan.getString("changes.rows[0].before.status"), "retry_count",
                        plan.getInt("changes.rows[0].before.retry_count"), "next_retry_at",
                        String.valueOf(plan.getString("changes.rows[0].before.next_retry_at"))));
        assertEquals(fixture, failed(), "a dry run changes nothing");
        assertEquals(audits, ops.count("audit_records"));

        String body = "{\"name\":\"email-retry\"}";
        JsonPath done = call("requeue", Tokens.RESPONDER, applying(body, plan.getString("planId"), "Resend domain re-verified"))
                .statusCode(200).extract().jsonPath();
        assertEquals(12, done.getInt("rowsRequeued"));
        assertEquals(0, failed().size());
        assertEquals(12, Sql.count(db.target(), "SELECT count(*) FROM email_log WHERE status = 'pending' AND retry_count = 0 "
                + "AND next_retry_at BETWEEN now() - interval '1 minute' AND now()"));
        Map<String, Object> audit = ops.query("SELECT function, reason, rows_affected, outcome FROM audit_records WHERE id = "
                + done.getLong("auditId")).get(0);
        assertEquals(Map.of("function", "requeue", "reason", "Resend domain re-verified", "rows_affected", 12, "outcome",
                "applied"), audit);
        // A repeat of the apply answers the first result and changes nothing more.
        call("requeue", Tokens.RESPONDER, applying(body, plan.getString("planId"), "Resend domain re-verified")).statusCode(200)
                .body("auditId", is(done.getInt("auditId")));

        // The application's retry worker sends two of them before anyone undoes.
        List<String> sent = List.of((String) fixture.get(0).get("id"), (String) fixture.get(1).get("id"));
        Sql.exec(db.target(), "UPDATE email_log SET status = 'sent' WHERE id IN ('" + String.join("','", sent) + "')");
        try {
            JsonPath undo = call("undo", Tokens.RESPONDER, "{\"auditId\":" + done.getLong("auditId") + "}").statusCode(200)
                    .extract().jsonPath();
            assertEquals(10, undo.getInt("rows"));
            assertEquals(2, undo.getInt("changes.notRestored"));
            call("undo", Tokens.RESPONDER, "{\"auditId\":" + done.getLong("auditId") + ",\"apply\":true,\"planId\":\""
                    + undo.getString("planId") + "\",\"reason\":\"requeued too early\"}").statusCode(200)
                    .body("rowsRestored", is(10));
            assertEquals(fixture.subList(2, 12), failed(), "the before-state is back, retry counts included");
        } finally {
            for (Map<String, Object> row : fixture.subList(0, 2)) {
                Sql.exec(db.target(), "UPDATE email_log SET status = 'failed', next_retry_at = NULL, retry_count = "
                        + row.get("retry_count") + " WHERE id = '" + row.get("id") + "'");
            }
        }
        assertEquals(fixture, failed());
    }

    @Test
    void namedIdsNarrowThePlanAndARowThatMovedMakesItStale() {
        List<Map<String, Object>> fixture = failed();
        String one = (String) fixture.get(3).get("id");
        String sentId = Sql.rows(db.target(), "SELECT id::text FROM email_log WHERE status = 'sent' LIMIT 1").get(0).get("id")
                .toString();
        String body = "{\"name\":\"email-retry\",\"ids\":[\"" + one + "\",\"" + sentId + "\"]}";
        JsonPath plan = dryRun(body);
        assertEquals(1, plan.getInt("rows"));
        assertEquals(List.of(sentId), plan.getList("changes.notInStatus"));
        Sql.exec(db.target(), "UPDATE email_log SET status = 'pending' WHERE id = '" + one + "'");
        try {
            call("requeue", Tokens.RESPONDER, applying(body, plan.getString("planId"), "x")).statusCode(409)
                    .body("error.code", is("stale_plan"));
            assertEquals(0, Sql.count(db.target(), "SELECT count(*) FROM email_log WHERE id = '" + one + "' AND retry_count = 0"));
        } finally {
            Sql.exec(db.target(), "UPDATE email_log SET status = 'failed' WHERE id = '" + one + "'");
        }
        assertEquals(fixture, failed());
    }

    @Test
    void aListLongerThanAPageAnswersItsFirstPageAndTheRestPagesByCursor() {
        Sql.exec(db.target(), "INSERT INTO email_log (recipient, subject, status) SELECT 'bulk' || g || '@x.example', 'bulk', "
                + "'failed' FROM generate_series(1, 150) g");
        try {
            JsonPath plan = dryRun("{\"name\":\"email-retry\"}");
            assertEquals(162, plan.getInt("rows"));
            assertEquals(100, plan.getList("changes.rows").size(), "a page of the plan's 162 rows");
            assertEquals(162, plan.getInt("changes.rowsCount"));
            JsonPath page = call("requeue", Tokens.RESPONDER, "{\"planId\":\"" + plan.getString("planId") + "\",\"cursor\":\""
                    + plan.getString("changes.rowsNextCursor") + "\"}").statusCode(200).extract().jsonPath();
            assertEquals(100, page.getInt("offset"));
            assertEquals(62, page.getList("items").size());
            assertEquals(null, page.getString("nextCursor"));
            List<String> planned = Sql.rows(db.target(), "SELECT id::text FROM email_log WHERE status = 'failed' ORDER BY id")
                    .stream().map(r -> r.get("id").toString()).toList();
            assertEquals(planned.subList(100, 162), page.getList("items.id"));
            assertEquals(1, ops.count("plans WHERE id = '" + plan.getString("planId") + "' AND jsonb_array_length(content->'rows') = 162"),
                    "the stored plan keeps every row");
        } finally {
            Sql.exec(db.target(), "DELETE FROM email_log WHERE subject = 'bulk'");
        }
    }

    @Test
    void moreRowsThanTheDeclaredBoundAreRefused() {
        Sql.exec(db.target(), "INSERT INTO email_log (recipient, subject, status) SELECT 'bulk' || g || '@x.example', 'bulk', "
                + "'failed' FROM generate_series(1, 500) g");
        try {
            call("requeue", Tokens.RESPONDER, "{\"name\":\"email-retry\"}").statusCode(409).body("error.code", is("over_bound"))
                    .body("error.field", is("ids"));
        } finally {
            Sql.exec(db.target(), "DELETE FROM email_log WHERE subject = 'bulk'");
        }
    }

    @Test
    void ocrRetryResetsItsColumnsAndADeclarationTheTableNoLongerMatchesIsRefused() {
        JsonPath plan = dryRun("{\"name\":\"ocr-retry\"}");
        assertEquals(8, plan.getInt("rows"));
        assertEquals("Vision API 429: quota exceeded", plan.getList("changes.rows.before.ocr_error").stream()
                .filter(e -> e != null && e.toString().startsWith("Vision")).findFirst().orElseThrow());
        Sql.exec(db.target(), "ALTER TABLE count_rolls RENAME COLUMN ocr_attempts TO attempts");
        try {
            call("requeue", Tokens.RESPONDER, "{\"name\":\"ocr-retry\"}").statusCode(409)
                    .body("error.code", is("declaration_mismatch"))
                    .body("error.message", is("requeue ocr-retry does not match the target: public.count_rolls has no column "
                            + "ocr_attempts (fix functions.yaml)"));
        } finally {
            Sql.exec(db.target(), "ALTER TABLE count_rolls RENAME COLUMN attempts TO ocr_attempts");
        }
    }

    @Test
    void badInputIsAClearErrorAndChangesNothing() {
        List<Map<String, Object>> fixture = failed();
        String emailPlan = dryRun("{\"name\":\"email-retry\"}").getString("planId");
        record Bad(String body, int status, String code, String field) {
        }
        for (Bad bad : List.of(new Bad("{\"name\":\"sms-retry\"}", 404, "unknown_requeue", "name"),
                new Bad("{\"apply\":true}", 400, "missing_field", "name"),
                new Bad("{\"name\":\"email-retry\",\"ids\":[\"\"]}", 400, "invalid_value", "ids"),
                // email_log.id is a uuid: an id of another type is the caller's mistake, not a database error.
                new Bad("{\"name\":\"email-retry\",\"ids\":[\"0b4f7a3e-2d0f-4c38-9a7e-1d2c3b4a5f60\",\"12\"]}", 400,
                        "invalid_value", "ids[1]"),
                new Bad("{\"name\":\"email-retry\",\"ids\":[12]}", 400, "invalid_value", "ids[0]"),
                new Bad("{\"name\":\"email-retry\",\"apply\":true}", 400, "missing_field", "planId"),
                new Bad("{\"name\":\"email-retry\",\"apply\":true,\"planId\":\"" + emailPlan + "\"}", 400, "missing_field",
                        "reason"),
                new Bad("{\"name\":\"ocr-retry\",\"apply\":true,\"planId\":\"" + emailPlan + "\",\"reason\":\"x\"}", 409,
                        "plan_mismatch", "planId"))) {
            call("requeue", Tokens.RESPONDER, bad.body()).statusCode(bad.status()).body("error.code", is(bad.code()))
                    .body("error.field", is(bad.field()));
        }
        call("requeue", Tokens.MONITOR, "{\"name\":\"email-retry\"}").statusCode(403);
        assertEquals(fixture, failed());
        assertTrue(ops.count("audit_records WHERE function = 'requeue' AND reason = 'x'") == 0);
    }
}
