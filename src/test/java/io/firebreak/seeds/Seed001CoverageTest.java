package io.firebreak.seeds;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.Fixes;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** Seed 001 (ACE Engage, SMS on Supabase): its diagnostic SQL, run through firebreak on a database shaped like its app. */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "seed-001"))
class Seed001CoverageTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Test
    void phase2ErrorLogsAndTheHighErrorRateRunbook() {
        // SELECT error_type, error_message, COUNT(*) FROM error_logs WHERE occurred_at > NOW() - INTERVAL '1 hour' ...
        JsonPath top = call("top-errors", Tokens.RESPONDER, "{\"window\":\"1h\"}").statusCode(200).extract().jsonPath();
        assertEquals(List.of(30, 20, 10), top.getList("top.count"));
        assertEquals("EdgeFunctionTimeout", top.getString("top[0].type"));
        assertEquals(Sql.rows(db.target(), """
                SELECT error_type, error_message, COUNT(*) as count FROM error_logs
                WHERE occurred_at > NOW() - INTERVAL '1 hour'
                GROUP BY error_type, error_message ORDER BY count DESC LIMIT 10""").stream().map(r -> r.get("error_type")).toList(),
                top.getList("top.type"), "the same answer as the seed's query pasted by hand");
        // "When to declare resolved: error rate < 1%": 60 errors / (300 audited actions + 60).
        assertEquals(16.67, top.getDouble("errorRate.percent"), 0.01);
        assertEquals(false, top.getBoolean("errorRate.belowResolutionBound"));
    }

    @Test
    void phase2DatabaseHealthAndTheDatabaseSize() {
        JsonPath h = call("db-health", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        // SELECT COUNT(*) as active_connections, SUM(CASE WHEN state = 'active' ...) FROM pg_stat_activity
        assertTrue(h.getInt("connections.total") >= 1);
        assertTrue(h.getInt("connections.byState.active") >= 1, "db-health's own query is active");
        // SELECT pg_size_pretty(pg_database_size(current_database()))
        assertEquals(Sql.count(db.target(), "SELECT pg_database_size(current_database())"), h.getLong("sizes.databaseBytes"),
                1_000_000);
        assertTrue(h.getList("sizes.tables.table").containsAll(List.of("sms_delivery_log", "error_logs", "audit_logs")));
    }

    @Test
    void theSmsDeliveryFailuresRunbookIsADeclaredCheck() {
        new OpsRecords(db.ops()).quiet();
        call("run-check", Tokens.MONITOR, "{\"name\":\"sms-delivery-failures\"}").statusCode(200)
                .body("status", is("breached")).body("rows", is(2)).body("sample[0].phone_number", is("+15555550101"))
                .body("sample[0].count", is(9)).body("incident.declared", is(true));
    }

    @Test
    void disableFeatureIsTheDeclaredPauseCampaignFix() {
        // "Disable feature": UPDATE campaigns SET status = 'paused' WHERE id = '...'
        String id = Sql.rows(db.target(), "SELECT id::text FROM campaigns WHERE name = 'Spring Service Reminder'").get(0)
                .get("id").toString();
        String params = "{\"campaignId\":\"" + id + "\"}";
        io.restassured.path.json.JsonPath plan = Fixes.plan("pause-campaign", params);
        assertEquals("active", plan.getString("changes.rows[0].before.status"));
        assertEquals("paused", plan.getString("changes.rows[0].after.status"));
        long auditId = Fixes.apply("pause-campaign", params, plan).getLong("auditId");
        assertEquals(1, Sql.count(db.target(), "SELECT count(*) FROM campaigns WHERE id = '" + id + "' AND status = 'paused'"));
        // updated_at was set to now(): it is restored too, but not what decides whether the row is restorable.
        assertEquals(1, Fixes.undo(auditId).getInt("rowsRestored"));
        assertEquals(1, Sql.count(db.target(), "SELECT count(*) FROM campaigns WHERE id = '" + id + "' AND status = 'active'"));
    }
}
