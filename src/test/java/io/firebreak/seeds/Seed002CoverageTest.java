package io.firebreak.seeds;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.Fixes;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.TestSessions;
import io.firebreak.testing.Tokens;

/**
 * Seed 002 (LotAstro WMS): the runbook's SQL, sections 1 to 10 and "Useful Queries", through
 * firebreak on a database shaped like its app (checks run as dry runs: this test declares nothing).
 */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "seed-002"))
class Seed002CoverageTest {

    @TestDatabases.Inject
    TestDatabases db;

    JsonPath check(String name) {
        return call("run-check", Tokens.MONITOR, "{\"name\":\"" + name + "\",\"dryRun\":true}").statusCode(200).extract()
                .jsonPath();
    }

    @Test
    void section1LongRunningQueriesAndKillingIdleConnections() {
        try (TestSessions sessions = new TestSessions(db.target())) {
            int leaked = sessions.idle("lotastro-web", false);
            int slow = sessions.running("lotastro-report", 30);
            TestSessions.pause(1200);
            // SELECT pid, now() - query_start AS duration, query FROM pg_stat_activity WHERE state != 'idle' ...
            JsonPath h = call("db-health", Tokens.RESPONDER, "{\"longRunningSeconds\":1}").statusCode(200).extract().jsonPath();
            assertTrue(h.getList("longRunning.queries.pid", Integer.class).contains(slow));
            // SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = 'idle' AND query_start < now() - ...
            JsonPath plan = call("terminate-sessions", Tokens.RESPONDER, "{\"idleFor\":\"1s\",\"application\":\"lotastro-web\"}")
                    .statusCode(200).extract().jsonPath();
            assertEquals(List.of(leaked), plan.getList("changes.terminate.pid", Integer.class));
            call("terminate-sessions", Tokens.RESPONDER, "{\"idleFor\":\"1s\",\"application\":\"lotastro-web\",\"apply\":true,"
                    + "\"planId\":\"" + plan.getString("planId") + "\",\"reason\":\"pool exhausted\"}").statusCode(200)
                    .body("terminated", is(List.of(leaked)));
            assertTrue(!sessions.alive(leaked) && sessions.alive(slow));
        }
    }

    @Test
    void sections2And4To6And10AreDeclaredChecks() {
        // §2 login_attempts per email in the last hour
        assertEquals("mallory@example.com", check("login-attempt-burst").getString("sample[0].email"));
        // §4 email_log failures (and the retry is the email-retry requeue, see RequeueFunctionTest)
        assertEquals(12, check("email-failures").getInt("rows"));
        // §5 OCR queue by status
        JsonPath ocr = check("ocr-queue");
        assertEquals(3, ocr.getInt("rows"));
        assertEquals("ok", ocr.getString("status"));
        assertEquals(8.0, check("ocr-failures").getDouble("value"));
        // §6 reservation integrity and orphaned reservation lines
        assertEquals(2, check("reservation-integrity").getInt("rows"));
        assertEquals(1, check("orphaned-reservation-lines").getInt("rows"));
        // §10 API requests per key in the last minute (the fixture's minute is brought to now)
        Sql.exec(db.target(), "UPDATE api_request_logs SET created_at = created_at + "
                + "(now() - (SELECT max(created_at) FROM api_request_logs))");
        assertEquals(150.0, check("api-requests-per-key").getDouble("value"));
        // The email retry and the OCR retry plan what the seed's UPDATE would change.
        call("requeue", Tokens.RESPONDER, "{\"name\":\"email-retry\"}").statusCode(200).body("rows", is(12));
        call("requeue", Tokens.RESPONDER, "{\"name\":\"ocr-retry\"}").statusCode(200).body("rows", is(8));
    }

    @Test
    void section7PerformanceStatementsStatisticsBloatAndVacuum() {
        JsonPath h = call("db-health", Tokens.RESPONDER, "{\"deadTuples\":1000}").statusCode(200).extract().jsonPath();
        // SELECT query, calls, mean_time, total_time FROM pg_stat_statements: not on this server, said so
        assertTrue(h.getString("slowStatements.skipped").startsWith("pg_stat_statements"), h.getString("slowStatements"));
        // SELECT relname, n_dead_tup, n_live_tup FROM pg_stat_user_tables WHERE n_dead_tup > 1000
        Map<String, Object> stale = h.getList("bloat.tables", Map.class).stream().filter(t -> "stale_rows".equals(t.get("table")))
                .findFirst().orElseThrow(() -> new AssertionError(h.getString("bloat")));
        assertEquals(10000, ((Number) stale.get("deadTuples")).intValue());
        // ANALYZE lots; ANALYZE rolls; ANALYZE orders; then VACUUM ANALYZE of the bloated table
        call("vacuum-analyze", Tokens.RESPONDER, "{\"tables\":[\"lots\",\"rolls\",\"orders\"],\"analyzeOnly\":true}")
                .statusCode(200).body("changes.tables.statement", is(List.of("ANALYZE \"public\".\"lots\"",
                        "ANALYZE \"public\".\"rolls\"", "ANALYZE \"public\".\"orders\"")));
        String planId = call("vacuum-analyze", Tokens.RESPONDER, "{\"tables\":[\"stale_rows\"]}").statusCode(200).extract()
                .path("planId");
        call("vacuum-analyze", Tokens.RESPONDER, "{\"tables\":[\"stale_rows\"],\"apply\":true,\"planId\":\"" + planId
                + "\",\"reason\":\"seed 002 section 7\"}").statusCode(200).body("results[0].deadTuplesAfter", is(0));
    }

    @Test
    void usefulQueriesTableSizesActiveConnectionsAndLocks() {
        try (TestSessions sessions = new TestSessions(db.target())) {
            String lot = Sql.rows(db.target(), "SELECT id::text FROM lots LIMIT 1").get(0).get("id").toString();
            int[] lock = sessions.lockWait("public.lots", "id = '" + lot + "'");
            JsonPath h = call("db-health", Tokens.RESPONDER, "{\"tables\":50}").statusCode(200).extract().jsonPath();
            // SELECT * FROM pg_locks WHERE NOT granted, as blocker -> blocked
            assertTrue(h.getList("lockWaits.blockedPid", Integer.class).contains(lock[1]));
            // SELECT relname, pg_size_pretty(pg_total_relation_size(relid)) FROM pg_stat_user_tables ORDER BY ... DESC
            assertEquals(Sql.count(db.target(), "SELECT count(*) FROM pg_stat_user_tables"), h.getList("sizes.tables").size());
            // SELECT count(*) FROM pg_stat_activity WHERE state = 'active'
            assertTrue(h.getInt("connections.byState.active") >= 2, "db-health and the blocked waiter");
        }
        call("run-check", Tokens.MONITOR, "{\"name\":\"no-auth-logs\"}").statusCode(404)
                .body("error.message", containsString("email-failures"));
    }

    @Test
    void theSeedsDataFixesAreDeclaredPlannedAppliedAndUndone() {
        // §2 "clear rate limit if legitimate user": DELETE FROM login_attempts WHERE email = '...' (a delete: approved first)
        String mallory = "{\"email\":\"mallory@example.com\"}";
        long failed = Sql.count(db.target(), "SELECT count(*) FROM login_attempts WHERE email = 'mallory@example.com' AND NOT success");
        JsonPath clear = Fixes.plan("clear-login-attempts", mallory);
        assertEquals(failed, clear.getInt("changes.count"));
        assertEquals("mallory@example.com", clear.getString("changes.rows[0].before.email"));
        assertEquals(true, clear.getBoolean("approval.required"));
        JsonPath cleared = Fixes.apply("clear-login-attempts", mallory, clear);
        assertEquals(failed, cleared.getInt("rows"));
        assertEquals(0, Sql.count(db.target(), "SELECT count(*) FROM login_attempts WHERE email = 'mallory@example.com' AND NOT success"));
        assertEquals(failed, Fixes.undo(cleared.getLong("auditId")).getInt("rowsRestored"));
        assertEquals(failed, Sql.count(db.target(), "SELECT count(*) FROM login_attempts WHERE email = 'mallory@example.com' AND NOT success"));
        // §10 "If abuse, revoke the key" and "increase rate limit": one row each, no approval needed.
        String erp = "{\"name\":\"erp-connector\"}";
        JsonPath revoke = Fixes.plan("revoke-api-key", erp);
        assertEquals(false, revoke.getBoolean("approval.required"));
        assertEquals(true, revoke.getBoolean("changes.rows[0].before.is_active"));
        assertEquals(false, revoke.getBoolean("changes.rows[0].after.is_active"));
        long revoked = Fixes.apply("revoke-api-key", erp, revoke).getLong("auditId");
        assertEquals(0, Sql.count(db.target(), "SELECT count(*) FROM api_keys WHERE name = 'erp-connector' AND is_active"));
        Fixes.undo(revoked);
        assertEquals(1, Sql.count(db.target(), "SELECT count(*) FROM api_keys WHERE name = 'erp-connector' AND is_active"));
        call("run-fix", Tokens.RESPONDER, "{\"name\":\"raise-rate-limit\",\"params\":{\"name\":\"erp-connector\",\"perMinute\":0}}")
                .statusCode(400).body("error.field", is("params.perMinute"));
        call("run-fix", Tokens.RESPONDER, "{\"name\":\"raise-rate-limit\",\"params\":{\"name\":\"erp-connector\",\"perMinute\":120,"
                + "\"limit\":1}}").statusCode(400).body("error.code", is("unknown_field"));
        String raise = "{\"name\":\"erp-connector\",\"perMinute\":120}";
        Fixes.apply("raise-rate-limit", raise, Fixes.plan("raise-rate-limit", raise));
        assertEquals(120, Sql.count(db.target(), "SELECT rate_limit_per_minute FROM api_keys WHERE name = 'erp-connector'"));
        // §6 "Fix mismatched reserved_meters": L-0003 reserves 35, its lines sum to 20.
        String lot = "{\"lot\":\"L-0003\"}";
        JsonPath meters = Fixes.plan("fix-reserved-meters", lot);
        assertEquals(35.0, meters.getDouble("changes.rows[0].before.reserved_meters"));
        assertEquals(20.0, meters.getDouble("changes.rows[0].after.reserved_meters"));
        long fixed = Fixes.apply("fix-reserved-meters", lot, meters).getLong("auditId");
        assertEquals(20, Sql.count(db.target(), "SELECT reserved_meters::int FROM lots WHERE lot_number = 'L-0003'"));
        Fixes.undo(fixed);
        assertEquals(35, Sql.count(db.target(), "SELECT reserved_meters::int FROM lots WHERE lot_number = 'L-0003'"));
        // A fix whose table this app does not have says so, before anything runs.
        call("run-fix", Tokens.RESPONDER, "{\"name\":\"flag-empty-readings\",\"params\":{\"userId\":\""
                + java.util.UUID.randomUUID() + "\"}}").statusCode(409).body("error.code", is("declaration_mismatch"));
    }
}
