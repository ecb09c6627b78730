package io.firebreak.integrity;

import static io.firebreak.testing.SampleCalls.applying;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
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
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import io.firebreak.testing.FakeProviders;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * The safety model under faults, on the real Postgres: connections killed mid-apply, a row lock
 * held past lock_timeout, 20 racing applies of one plan, two racing undos of one change. Nothing
 * changes without its started record; a failed apply's record lists exactly what committed, and
 * undo restores that; a plan applies once; a retry never waits for a lease.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeProviders.class)
class ApplyUnderFaultsTest {

    @TestDatabases.Inject
    TestDatabases db;

    TargetData target;
    OpsRecords ops;

    @BeforeEach
    void fresh() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(1);
        FakeProviders.paystack().resetAll();
    }

    static Response post(String function, String body, String key) {
        var request = given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body(body);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/" + function);
    }

    static String plan(String function, String body) {
        Response r = post(function, body, null);
        assertEquals(200, r.statusCode(), r.asString());
        return r.path("planId");
    }

    /** The keys an audit record's result lists as committed or in doubt, of one kind. */
    Set<String> changed(long auditId, String kind) {
        Set<String> keys = new HashSet<>();
        for (String part : List.of("committed", "inDoubt")) {
            ops.query("SELECT jsonb_array_elements_text(result->'" + part + "'->'" + kind + "') AS k FROM audit_records "
                    + "WHERE id = " + auditId).forEach(r -> keys.add(r.get("k").toString()));
        }
        return keys;
    }

    Set<String> committed(long auditId, String kind) {
        Set<String> keys = new HashSet<>();
        ops.query("SELECT jsonb_array_elements_text(result->'committed'->'" + kind + "') AS k FROM audit_records WHERE id = "
                + auditId).forEach(r -> keys.add(r.get("k").toString()));
        return keys;
    }

    @Test
    void aSweepWhoseWritesAreKilledRecordsExactlyWhatItSettledAndARetryAnswersAtOnce() throws Exception {
        target.stuckPayments("KILL-", 300, 500000);
        FakeProviders.paystack().stubFor(get(urlPathMatching("/transaction/verify/KILL-.*")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(FakeProviders.paystackBody("KILL", "success", 500000, "NGN"))));
        String planId = plan("verify-payment", "{\"sweep\":true}");
        String body = applying("{\"sweep\":true}", planId, "provider outage over");

        // Kill firebreak's target backends while they are inside a settlement (never during COMMIT:
        // those would be in doubt, which the next test's held lock covers as a clean failure instead).
        java.util.concurrent.atomic.AtomicInteger killed = new java.util.concurrent.atomic.AtomicInteger();
        Thread killer = new Thread(() -> {
            try (Connection k = Sql.connect(db.target()); Statement ks = k.createStatement()) {
                while (!Thread.currentThread().isInterrupted()) {
                    try (var rs = ks.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM "
                            + "pg_stat_activity WHERE application_name = 'firebreak' AND datname = current_database() "
                            + "AND query LIKE 'UPDATE public.payment_transactions%' "
                            + "AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()")) {
                        rs.next();
                        killed.addAndGet(rs.getInt(1));
                    }
                    Thread.sleep(1);
                }
            } catch (Exception stopped) {
                // the test is over
            }
        });
        killer.setDaemon(true);
        killer.start();
        Response answer = post("verify-payment", body, "sweep-under-kills");
        killer.interrupt();
        killer.join(5000);
        assertTrue(answer.statusCode() == 200 || answer.statusCode() == 503, answer.asString());
        Set<String> settled = new HashSet<>();
        Sql.rows(db.target(), "SELECT transaction_reference AS r FROM payment_transactions WHERE status = 'success'")
                .forEach(r -> settled.add(r.get("r").toString()));
        System.out.printf("sweep under kills: %d backends killed, %d of 300 settled, answer %d %s%n", killed.get(),
                settled.size(), answer.statusCode(), answer.statusCode() == 200 ? "" : answer.path("error.message"));

        List<Map<String, Object>> records = ops.query("SELECT id, action, outcome, rows_affected FROM audit_records "
                + "WHERE function = 'verify-payment' AND input->>'planId' = '" + planId + "' ORDER BY id");
        assertEquals(List.of("apply-started", "apply"), records.stream().map(r -> r.get("action")).toList(),
                "the started record, then the outcome: " + records);
        long outcome = ((Number) records.get(1).get("id")).longValue();
        Set<String> recorded = changed(outcome, "payment_transactions");
        assertTrue(recorded.containsAll(settled), "every settled payment is in the audit record (" + settled.size()
                + " settled, " + recorded.size() + " recorded)");
        assertEquals(committed(outcome, "payment_transactions").size(), ((Number) records.get(1).get("rows_affected")).intValue());
        if (answer.statusCode() == 503) {
            assertEquals("apply_failed", answer.path("error.code"));
            assertEquals(outcome, ((Number) answer.path("error.details.auditId")).longValue());
            assertTrue(records.get(1).get("outcome").toString().startsWith("failed: "));
        }

        // A retry with the same key answers at once, with the same answer.
        long start = System.nanoTime();
        Response again = post("verify-payment", body, "sweep-under-kills");
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "the retry did not wait for a lease");
        assertEquals(answer.statusCode(), again.statusCode());
        // Another key cannot apply the plan again.
        Response other = post("verify-payment", body, "sweep-other-key");
        assertEquals(409, other.statusCode(), other.asString());
        assertEquals("plan_already_applied", other.path("error.code"));
        assertEquals(((Number) records.get(0).get("id")).longValue(), ((Number) other.path("error.details.auditId")).longValue());

        // Undo restores exactly what the apply committed.
        String undoPlan = plan("undo", "{\"auditId\":" + outcome + "}");
        Response undone = post("undo", applying("{\"auditId\":" + outcome + "}", undoPlan, "test"), null);
        assertEquals(200, undone.statusCode(), undone.asString());
        assertEquals(settled.size(), (int) undone.path("paymentsReopened"));
        assertEquals(0, target.count("SELECT count(*) FROM payment_transactions WHERE status = 'success'"));
        assertTrue(killed.get() > 0, "the kill loop ended some of firebreak's settlements");
    }

    @Test
    void aBatchStoppedByAHeldRowLockIsRecordedWithTheRowsThatCommittedAndUndoRestoresThem() throws Exception {
        String storm = target.integration("Xero (storm)", true);
        target.syncLogs(storm, "retrying", 250, 5);
        String body = "{\"integrationId\":\"" + storm + "\"}";
        JsonPath dry = post("clear-retry-queue", body, null).then().statusCode(200).extract().jsonPath();
        long blocked = ((Number) Sql.rows(db.target(), "SELECT id FROM erp_sync_logs WHERE sync_status = 'retrying' "
                + "ORDER BY id OFFSET 150 LIMIT 1").get(0).get("id")).longValue(); // in the second batch of 100

        Response answer;
        try (Connection holder = Sql.connect(db.target())) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT 1 FROM erp_sync_logs WHERE id = " + blocked + " FOR UPDATE");
                answer = post("clear-retry-queue", applying(body, dry.getString("planId"), "storm"), null);
            }
            holder.rollback();
        }
        assertEquals(503, answer.statusCode(), answer.asString());
        assertEquals("apply_failed", answer.path("error.code"));
        long auditId = ((Number) answer.path("error.details.auditId")).longValue();
        Set<String> dismissed = new HashSet<>();
        Sql.rows(db.target(), "SELECT id FROM erp_sync_logs WHERE sync_status = 'dismissed'")
                .forEach(r -> dismissed.add(r.get("id").toString()));
        assertEquals(100, dismissed.size(), "the first batch committed, the second waited for the lock and gave up");
        // The record names the stored set's chunks that committed (through seq 0: the first 100), not every id.
        Map<String, Object> set = ops.query("SELECT result->'sets'->'erp_sync_logs'->>'committedThrough' AS through, "
                + "result->'sets'->'erp_sync_logs'->>'changed' AS changed, result->'sets'->'erp_sync_logs'->>'planId' AS plan "
                + "FROM audit_records WHERE id = " + auditId).get(0);
        assertEquals("0", set.get("through"), set.toString());
        assertEquals("100", set.get("changed"), set.toString());
        Set<String> chunk0 = new HashSet<>();
        ops.query("SELECT unnest(keys) AS k FROM plan_items WHERE plan_id = '" + set.get("plan") + "' AND seq = 0")
                .forEach(r -> chunk0.add(r.get("k").toString()));
        assertEquals(dismissed, chunk0, "chunk 0 of the stored set is exactly the rows that committed");
        assertEquals(Set.of(storm), committed(auditId, "erp_integrations"));
        Map<String, Object> record = ops.query("SELECT rows_affected, outcome FROM audit_records WHERE id = " + auditId).get(0);
        assertEquals(101, ((Number) record.get("rows_affected")).intValue(), "the true count: 100 rows and the integration");
        assertTrue(record.get("outcome").toString().startsWith("failed: "), record.toString());

        JsonPath undo = post("undo", "{\"auditId\":" + auditId + "}", null).then().statusCode(200).extract().jsonPath();
        assertEquals(100, undo.getInt("changes.syncLogs.count"));
        post("undo", applying("{\"auditId\":" + auditId + "}", undo.getString("planId"), "partial storm fix"), null)
                .then().statusCode(200);
        assertEquals(250, target.count("SELECT count(*) FROM erp_sync_logs WHERE sync_status = 'retrying'"));
        assertEquals(1, target.count("SELECT count(*) FROM erp_integrations WHERE is_active AND id = '" + storm + "'"));
    }

    @Test
    void twentyRacingAppliesOfOnePlanWithDifferentKeysApplyItOnce() throws Exception {
        String storm = target.integration("Xero (storm)", true);
        target.syncLogs(storm, "retrying", 120, 5);
        String body = "{\"integrationId\":\"" + storm + "\"}";
        String planId = plan("clear-retry-queue", body);
        String applyBody = applying(body, planId, "race");
        List<Response> answers = race(20, i -> post("clear-retry-queue", applyBody, "racer-" + i));
        long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
        assertEquals(1, ok, "exactly one apply: " + answers.stream().map(Response::statusCode).toList());
        long started = ((Number) ops.query("SELECT id FROM audit_records WHERE action = 'apply-started' AND "
                + "input->>'planId' = '" + planId + "'").get(0).get("id")).longValue();
        for (Response r : answers) {
            if (r.statusCode() != 200) {
                assertEquals(409, r.statusCode(), r.asString());
                assertEquals("plan_already_applied", r.path("error.code"));
                assertEquals(started, ((Number) r.path("error.details.auditId")).longValue());
            }
        }
        assertEquals(1, ops.count("audit_records WHERE action = 'apply' AND input->>'planId' = '" + planId + "'"));
    }

    @Test
    void twoUndoPlansOfOneChangeNeverBothApply() throws Exception {
        String storm = target.integration("Xero (storm)", true);
        target.syncLogs(storm, "retrying", 50, 5);
        String body = "{\"integrationId\":\"" + storm + "\"}";
        long auditId = ((Number) post("clear-retry-queue", applying(body, plan("clear-retry-queue", body), "storm"), null)
                .then().statusCode(200).extract().path("auditId")).longValue();
        String undo = "{\"auditId\":" + auditId + "}";
        String first = plan("undo", undo);
        String second = plan("undo", undo);
        List<Response> answers = race(2, i -> post("undo", applying(undo, i == 0 ? first : second, "undo " + i), null));
        assertEquals(1, answers.stream().filter(r -> r.statusCode() == 200).count(),
                answers.stream().map(Response::asString).toList().toString());
        Response refused = answers.stream().filter(r -> r.statusCode() != 200).findFirst().orElseThrow();
        assertEquals(409, refused.statusCode(), refused.asString());
        assertEquals("already_undone", refused.path("error.code"));
        assertEquals(1, ops.count("audit_records WHERE action = 'undo' AND undo_of = " + auditId));
        assertEquals(50, target.count("SELECT count(*) FROM erp_sync_logs WHERE sync_status = 'retrying'"));
    }

    @Test
    void anApplyThatFailsBeforeChangingAnythingGivesItsKeyAndPlanBack() {
        target.payment("REFUSED-1", "paystack", 500000, "NGN", "pending", 90);
        FakeProviders.paystack().stubFor(get(urlPathMatching("/transaction/verify/REFUSED-1")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(FakeProviders.paystackBody("REFUSED-1", "success", 500000, "NGN"))));
        String body = "{\"reference\":\"REFUSED-1\"}";
        String planId = plan("verify-payment", body);
        // The application's own trigger refuses the update: a failure of the database, not of firebreak.
        Sql.exec(db.target(), """
                CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the app'; END $$;
                CREATE TRIGGER refuse BEFORE UPDATE ON payment_transactions FOR EACH ROW EXECUTE FUNCTION refuse()""");
        try {
            Response failed = post("verify-payment", applying(body, planId, "customer paid"), "pay-1");
            assertEquals(503, failed.statusCode(), failed.asString());
            assertEquals("apply_failed", failed.path("error.code"));
            assertEquals(0, (int) failed.path("error.details.committed"));
        } finally {
            Sql.exec(db.target(), "DROP TRIGGER refuse ON payment_transactions; DROP FUNCTION refuse()");
        }
        assertEquals(List.of("apply-started", "apply"), ops.query("SELECT action FROM audit_records WHERE input->>'planId' = '"
                + planId + "' ORDER BY id").stream().map(r -> r.get("action")).toList());
        // The same key and plan run again at once: nothing had changed, so nothing was kept.
        post("verify-payment", applying(body, planId, "customer paid"), "pay-1").then().statusCode(200);
        assertEquals("success", target.status("REFUSED-1"));
    }

    static List<Response> race(int n, java.util.function.IntFunction<Response> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.add(pool.submit(() -> {
                go.await();
                return call.apply(index);
            }));
        }
        go.countDown();
        List<Response> answers = new ArrayList<>();
        for (Future<Response> f : futures) {
            answers.add(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return answers;
    }
}
