package io.firebreak.seeds;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.TestSessions;
import io.firebreak.testing.Tokens;

/** Seed 004 (Sentia, on Railway): its "Useful Queries" and database runbook through firebreak, on a database shaped like its app. */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "seed-004"))
class Seed004CoverageTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Test
    void recentErrorsWithTheSeedsColumns() {
        // SELECT * FROM error_logs WHERE created_at > now() - interval '1 hour' ORDER BY created_at DESC LIMIT 50
        JsonPath top = call("top-errors", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertEquals(31, top.getInt("errors"));
        assertEquals(List.of("XeroApiError", "ShopifyWebhookError", "DatabaseTimeout"),
                top.getList("top.type").stream().distinct().toList());
    }

    @Test
    void tableSizesActiveConnectionsAndThePoolerPort() {
        JsonPath h = call("db-health", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        // The seed's table-size query (with relname: pg_stat_user_tables has no tablename), largest first
        assertEquals(List.of("orders", "products", "error_logs", "xero_sync_jobs"), h.getList("sizes.tables.table"));
        // SELECT count(*) FROM pg_stat_activity
        assertTrue(h.getInt("connections.total") >= 1);
        // "Verify Edge Functions are using the pooler URL (port 6543) not direct connection (port 5432)"
        assertEquals("direct", h.getString("connectionPath.verdict"));
        assertEquals(5432, h.getInt("connectionPath.application.port"));
        assertTrue(h.getList("warnings").stream().anyMatch(w -> w.toString().contains("not through the pooler on 6543")));
        assertFalse(h.prettify().contains("secret"), "the URL's password never appears");
    }

    @Test
    void killLongRunningQueries() {
        try (TestSessions sessions = new TestSessions(db.target())) {
            int slow = sessions.running("sentia-api", 60);
            int quick = sessions.idle("sentia-api", false);
            TestSessions.pause(1200);
            // WHERE state = 'active' AND query_start < now() - interval '5 minutes' (1 s here)
            String body = "{\"runningFor\":\"1s\",\"application\":\"sentia-api\"}";
            JsonPath plan = call("terminate-sessions", Tokens.RESPONDER, body).statusCode(200).extract().jsonPath();
            assertEquals(List.of(slow), plan.getList("changes.terminate.pid", Integer.class));
            call("terminate-sessions", Tokens.RESPONDER, body.replace("}", ",\"apply\":true,\"planId\":\""
                    + plan.getString("planId") + "\",\"reason\":\"seed 004 database issues\"}")).statusCode(200)
                    .body("terminated", is(List.of(slow)));
            assertFalse(sessions.alive(slow));
            assertTrue(sessions.alive(quick), "idle sessions are not long-running queries");
        }
    }
}
