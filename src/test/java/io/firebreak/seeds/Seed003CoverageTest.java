package io.firebreak.seeds;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.Fixes;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.TestSessions;
import io.firebreak.testing.Tokens;

/** Seed 003 (Vyberology): its investigation and scenario SQL through firebreak, on a database shaped like its app. */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "seed-003"))
class Seed003CoverageTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Test
    void investigationErrorLogsWithTheSeedsOwnColumns() {
        // SELECT * FROM error_logs WHERE ts > now() - interval '1 hour': code / message / ts are found in the catalog
        JsonPath all = call("top-errors", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertEquals(45, all.getInt("errors"));
        assertEquals("OPENAI_QUOTA", all.getString("top[0].type"));
        assertEquals(24, all.getInt("top[0].count"));
        // No request log in this app: the rate is not invented.
        assertNull(all.get("errorRate.rate"));
        assertNull(all.get("errorRate.requestsFrom"));
        // Scenario 1: WHERE service LIKE 'edge:%' AND ts > now() - interval '1 hour' -> 39 rows
        JsonPath edge = call("top-errors", Tokens.RESPONDER, "{\"service\":\"edge:\"}").statusCode(200).extract().jsonPath();
        assertEquals(39, edge.getList("top.count", Integer.class).stream().mapToInt(Integer::intValue).sum());
        assertFalse(edge.getList("top.type").contains("CHUNK_LOAD_FAILED"), "web errors are filtered out");
    }

    @Test
    void scenario2SlowQueriesLocksConnectionsAndKillingTheProblemPid() {
        try (TestSessions sessions = new TestSessions(db.target())) {
            int slow = sessions.running("vyberology-edge", 60);
            TestSessions.pause(1200);
            // state = 'active' AND now() - query_start > interval '5 seconds' (1 s here, not to wait 5)
            JsonPath h = call("db-health", Tokens.RESPONDER, "{\"longRunningSeconds\":1}").statusCode(200).extract().jsonPath();
            assertTrue(h.getList("longRunning.queries.pid", Integer.class).contains(slow));
            assertTrue(h.getList("lockWaits").isEmpty(), "SELECT * FROM pg_locks WHERE NOT granted: none");
            assertTrue(h.getInt("connections.total") >= 2, "SELECT count(*) FROM pg_stat_activity");
            // SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = <problem-pid>
            String planId = call("terminate-sessions", Tokens.RESPONDER, "{\"pids\":[" + slow + "]}").statusCode(200)
                    .extract().path("planId");
            call("terminate-sessions", Tokens.RESPONDER, "{\"pids\":[" + slow + "],\"apply\":true,\"planId\":\"" + planId
                    + "\",\"reason\":\"seed 003 scenario 2\"}").statusCode(200).body("terminated", is(List.of(slow)));
            assertFalse(sessions.alive(slow));
        }
    }

    @Test
    void anEmergencyDataFixIsDocumentedInTheAppsOwnLog() {
        // "Emergency data fix (document ALL changes)" then "INSERT INTO error_logs ... 'EMERGENCY_FIX'", in one transaction.
        String user = io.firebreak.testing.Sql.rows(db.target(), "SELECT md5('user-8')::uuid::text AS u").get(0).get("u").toString();
        String params = "{\"userId\":\"" + user + "\"}";
        io.restassured.path.json.JsonPath plan = Fixes.plan("flag-empty-readings", params);
        assertEquals(1, plan.getInt("changes.count"));
        assertEquals("public.error_logs", plan.getString("changes.log"));
        io.restassured.path.json.JsonPath applied = Fixes.apply("flag-empty-readings", params, plan);
        assertTrue(applied.getBoolean("logged"));
        assertEquals(1, io.firebreak.testing.Sql.count(db.target(), "SELECT count(*) FROM readings WHERE model = 'regenerate'"));
        var log = io.firebreak.testing.Sql.rows(db.target(), "SELECT service, level, details->>'fix' AS fix, "
                + "(details->>'rows_affected')::int AS rows FROM error_logs WHERE code = 'EMERGENCY_FIX'");
        assertEquals(1, log.size());
        assertEquals("manual-intervention", log.get(0).get("service"));
        assertEquals("flag-empty-readings", log.get(0).get("fix"));
        assertEquals(1, ((Number) log.get(0).get("rows")).intValue());
        // The other tests read this fixture's error_logs as the seed wrote them: put it back.
        Fixes.undo(applied.getLong("auditId"));
        io.firebreak.testing.Sql.exec(db.target(), "DELETE FROM error_logs WHERE code = 'EMERGENCY_FIX'");
        assertEquals(0, io.firebreak.testing.Sql.count(db.target(), "SELECT count(*) FROM readings WHERE model = 'regenerate'"));
    }
}
