package io.firebreak.functions.dbhealth;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.TestSessions;
import io.firebreak.testing.Tokens;

/** db-health against real sessions on the target: idle, long-running, a lock wait, bloat, sizes and pg_stat_statements. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class DbHealthFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    TestSessions sessions;

    @BeforeEach
    void sessions() {
        sessions = new TestSessions(db.target());
    }

    @AfterEach
    void close() {
        sessions.close();
    }

    JsonPath health(String body) {
        return call("db-health", Tokens.RESPONDER, body).statusCode(200).extract().jsonPath();
    }

    @Test
    void connectionsAreCountedByStateAndByApplicationAndUser() {
        sessions.idle("invoice-worker", false);
        sessions.idle("invoice-worker", false);
        JsonPath h = health("{}");
        Map<String, Object> byState = h.getMap("connections.byState");
        assertTrue(((Number) byState.get("idle")).intValue() >= 2, byState.toString());
        assertEquals(h.getInt("connections.maxConnections") - Sql.count(db.target(),
                "SELECT current_setting('superuser_reserved_connections')::int"), h.getInt("connections.usable"));
        List<Map<String, Object>> clients = h.getList("connections.byClient");
        Map<String, Object> worker = clients.stream().filter(c -> "invoice-worker".equals(c.get("application"))).findFirst()
                .orElseThrow();
        assertEquals(TestSessions.APP_ROLE, worker.get("user"));
        assertEquals(2, worker.get("sessions"));
        assertEquals(2, worker.get("idle"));
        assertTrue(clients.stream().anyMatch(c -> "firebreak".equals(c.get("application"))),
                "firebreak's own pool shows under its name");
    }

    @Test
    void longRunningQueriesAndLockWaitsNameTheirSessions() {
        int sleeper = sessions.running("report-export", 30);
        Sql.exec(db.target(), "INSERT INTO public.tenants (id, name) VALUES ('00000000-0000-0000-0000-00000000beef', 'Locked')"
                + " ON CONFLICT DO NOTHING");
        int[] lock = sessions.lockWait("public.tenants", "id = '00000000-0000-0000-0000-00000000beef'");
        TestSessions.pause(1100);
        JsonPath h = health("{\"longRunningSeconds\":1}");
        assertEquals(1, h.getInt("longRunning.thresholdSeconds"));
        assertTrue(h.getList("longRunning.queries.pid").contains(sleeper), h.getString("longRunning"));
        Map<String, Object> q = h.getList("longRunning.queries", Map.class).stream()
                .filter(m -> ((Number) m.get("pid")).intValue() == sleeper).findFirst().orElseThrow();
        assertTrue(q.get("query").toString().contains("pg_sleep"));
        assertTrue(((Number) q.get("seconds")).doubleValue() >= 1.0);
        Map<String, Object> wait = h.getList("lockWaits", Map.class).stream()
                .filter(m -> ((Number) m.get("blockedPid")).intValue() == lock[1]).findFirst().orElseThrow();
        assertEquals(lock[0], ((Number) wait.get("blockingPid")).intValue());
        assertEquals("idle in transaction", wait.get("blockingState"));
        assertEquals(true, wait.get("rootBlocker"));
        assertTrue(wait.get("waitingFor").toString().contains("transactionid") || wait.get("waitingFor").toString()
                .contains("tenants"), wait.toString());
        assertEquals("warn", h.getString("status"));
        assertTrue(h.getList("warnings").stream().anyMatch(w -> w.toString().contains("lock waits; root blockers: [" + lock[0])),
                h.getList("warnings").toString());
        assertTrue(h.getList("warnings").stream().anyMatch(w -> w.toString().contains("idle in transaction")));
        // A threshold longer than anything has run finds nothing.
        assertTrue(health("{\"longRunningSeconds\":3600}").getList("longRunning.queries").isEmpty());
    }

    @Test
    void bloatAndSizesComeFromTheStatistics() {
        Sql.exec(db.target(), """
                DROP TABLE IF EXISTS public.churn;
                CREATE TABLE public.churn (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false);
                INSERT INTO public.churn SELECT g, repeat('x', 200) FROM generate_series(1, 6000) g;
                DELETE FROM public.churn WHERE id % 3 <> 0;
                SELECT pg_stat_force_next_flush();""");
        JsonPath h = health("{\"deadTuples\":1000,\"tables\":5}");
        Map<String, Object> churn = h.getList("bloat.tables", Map.class).stream()
                .filter(t -> "churn".equals(t.get("table"))).findFirst().orElseThrow(() -> new AssertionError(h.prettify()));
        assertEquals(4000, ((Number) churn.get("deadTuples")).intValue());
        assertEquals(2000, ((Number) churn.get("liveTuples")).intValue());
        assertEquals(66.7, ((Number) churn.get("deadPercent")).doubleValue(), 0.01);
        assertEquals(5, h.getList("sizes.tables").size());
        assertEquals(Sql.count(db.target(), "SELECT pg_database_size(current_database())"), h.getLong("sizes.databaseBytes"),
                1_000_000);
        List<Long> sizes = h.getList("sizes.tables.totalBytes", Long.class);
        for (int i = 1; i < sizes.size(); i++) {
            assertTrue(sizes.get(i - 1) >= sizes.get(i), "largest first: " + sizes);
        }
        assertTrue(health("{\"deadTuples\":100000}").getList("bloat.tables").isEmpty());
    }

    @Test
    void slowStatementsAreSkippedWithTheReasonWhenTheExtensionCannotAnswer() {
        Sql.exec(db.target(), "DROP EXTENSION IF EXISTS pg_stat_statements");
        call("db-health", Tokens.RESPONDER, "{}").statusCode(200).body("slowStatements.statements", is(List.of()))
                .body("slowStatements.skipped", containsString("pg_stat_statements is not installed"));
        // Installed but not in shared_preload_libraries (this server): the view refuses to be read.
        Sql.exec(db.target(), "CREATE EXTENSION pg_stat_statements");
        try {
            String loaded = Sql.rows(db.target(), "SHOW shared_preload_libraries").get(0).values().iterator().next().toString();
            if (!loaded.contains("pg_stat_statements")) {
                call("db-health", Tokens.RESPONDER, "{}").statusCode(200)
                        .body("slowStatements.skipped", containsString("pg_stat_statements cannot be read"))
                        .body("connections.total", greaterThanOrEqualTo(1));
            } else {
                call("db-health", Tokens.RESPONDER, "{}").statusCode(200).body("slowStatements.skipped", nullValue());
            }
        } finally {
            Sql.exec(db.target(), "DROP EXTENSION IF EXISTS pg_stat_statements");
        }
    }

    @Test
    void theConnectionPathSaysWhatItKnows() {
        JsonPath h = health("{}");
        assertEquals(5432, h.getInt("connectionPath.firebreak.port"));
        assertEquals("direct", h.getString("connectionPath.firebreak.path"));
        assertEquals("unknown", h.getString("connectionPath.verdict"));
        assertTrue(h.getString("connectionPath.hint").contains("FIREBREAK_APP_DATABASE_URL"));
        assertTrue(!h.prettify().contains("password"), "no credentials in the answer");
        assertEquals(ConnectionPath.endpoint("postgresql://u:pw@aws-0.pooler.supabase.com:6543/postgres").orElseThrow(),
                Map.of("host", "aws-0.pooler.supabase.com", "port", 6543, "path", "pooler"));
    }

    @Test
    void badInputIsAClearError() {
        record Bad(String body, String field) {
        }
        for (Bad bad : List.of(new Bad("{\"longRunningSeconds\":-1}", "longRunningSeconds"),
                new Bad("{\"longRunningSeconds\":100000}", "longRunningSeconds"), new Bad("{\"deadTuples\":-5}", "deadTuples"),
                new Bad("{\"tables\":0}", "tables"), new Bad("{\"tables\":\"many\"}", "tables"))) {
            call("db-health", Tokens.RESPONDER, bad.body()).statusCode(400).body("error.field", is(bad.field()));
        }
        call("db-health", Tokens.MONITOR, "{}").statusCode(403);
        io.restassured.RestAssured.given().header("Authorization", Tokens.bearer(Tokens.RESPONDER))
                .get("/db-health?longRunningSeconds=2&tables=3").then().statusCode(200)
                .body("longRunning.thresholdSeconds", is(2)).body("sizes.tables.size()", is(3))
                .body("connections.byState.keySet()", hasItem("active"));
    }
}
