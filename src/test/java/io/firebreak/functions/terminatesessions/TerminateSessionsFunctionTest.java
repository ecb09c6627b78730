package io.firebreak.functions.terminatesessions;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.TestSessions;
import io.firebreak.testing.Tokens;

/** Seed 002's "kill idle connections" and seed 003/004's "kill long-running queries", on real sessions. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class TerminateSessionsFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    TestSessions sessions;
    OpsRecords ops;

    @BeforeEach
    void sessions() {
        sessions = new TestSessions(db.target());
        ops = new OpsRecords(db.ops());
    }

    @AfterEach
    void close() {
        sessions.close();
    }

    JsonPath dryRun(String body) {
        return call("terminate-sessions", Tokens.RESPONDER, body).statusCode(200).body("dryRun", is(true)).extract().jsonPath();
    }

    JsonPath apply(String body, String planId) {
        return call("terminate-sessions", Tokens.RESPONDER, body.replaceFirst("\\}$", ",\"apply\":true,\"planId\":\"" + planId
                + "\",\"reason\":\"pool exhausted\"}")).statusCode(200).extract().jsonPath();
    }

    static List<Integer> pids(JsonPath plan, String list) {
        return plan.getList("changes." + list + ".pid", Integer.class);
    }

    @Test
    void idleSessionsAreEndedAfterTheirPlanAndTheSuperuserOnesAreOnlyListed() {
        int a = sessions.idle("pool-leak", false);
        int b = sessions.idle("pool-leak", false);
        int root = sessions.idle("pool-leak", true);
        int other = sessions.idle("reporting", false);
        TestSessions.pause(1200);
        String body = "{\"idleFor\":\"1s\",\"application\":\"pool-leak\"}";
        long audits = ops.count("audit_records");
        JsonPath plan = dryRun(body);
        assertEquals(List.of(a, b).stream().sorted().toList(), pids(plan, "terminate").stream().sorted().toList());
        assertEquals(List.of(root), pids(plan, "protected"));
        assertEquals("superuser session", plan.getString("changes.protected[0].protectedBecause"));
        assertEquals(TestSessions.APP_ROLE, plan.getString("changes.terminate[0].user"));
        assertEquals(2, plan.getInt("rows"));
        assertTrue(sessions.alive(a) && sessions.alive(b), "a dry run ends nothing");
        assertEquals(audits, ops.count("audit_records"), "a dry run audits nothing");

        JsonPath done = apply(body, plan.getString("planId"));
        assertEquals(List.of(a, b).stream().sorted().toList(), done.getList("terminated", Integer.class).stream().sorted().toList());
        assertTrue(done.getList("stillConnected").isEmpty());
        assertFalse(sessions.alive(a) || sessions.alive(b));
        assertTrue(sessions.alive(root) && sessions.alive(other), "protected and unselected sessions are left alone");
        Map<String, Object> audit = ops.query("SELECT function, action, reason, rows_affected, outcome, role FROM audit_records "
                + "WHERE id = " + done.getLong("auditId")).get(0);
        assertEquals(Map.of("function", "terminate-sessions", "action", "apply", "reason", "pool exhausted", "rows_affected", 2,
                "outcome", "applied", "role", "responder"), audit);
        // The same plan again (its idempotency key): the first answer, and nothing else ends.
        assertEquals(done.getLong("auditId"), apply(body, plan.getString("planId")).getLong("auditId"));
        call("undo", Tokens.RESPONDER, "{\"auditId\":" + done.getLong("auditId") + "}").statusCode(409)
                .body("error.code", is("not_undoable"));
    }

    @Test
    void aPlannedSessionThatChangedMakesThePlanStaleAndNothingEnds() {
        int a = sessions.idle("stale-check", false);
        int b = sessions.idle("stale-check", false);
        TestSessions.pause(1200);
        String body = "{\"idleFor\":\"1s\",\"application\":\"stale-check\"}";
        JsonPath plan = dryRun(body);
        assertEquals(2, plan.getInt("rows"));
        Sql.exec(db.target(), "SELECT pg_terminate_backend(" + b + ")");
        call("terminate-sessions", Tokens.RESPONDER, body.replaceFirst("\\}$", ",\"apply\":true,\"planId\":\""
                + plan.getString("planId") + "\",\"reason\":\"x\"}")).statusCode(409).body("error.code", is("stale_plan"));
        assertTrue(sessions.alive(a), "nothing ended on a stale plan");
    }

    @Test
    void namedPidsEndALongQueryButNeverFirebreaksOwnOrAServerProcess() {
        int sleeper = sessions.running("report-export", 60);
        int firebreak = Sql.rows(db.target(), "SELECT pid FROM pg_stat_activity WHERE application_name = 'firebreak' AND datname = current_database() LIMIT 1")
                .stream().map(r -> ((Number) r.get("pid")).intValue()).findFirst().orElse(-1);
        int checkpointer = ((Number) Sql.rows(db.target(), "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
                .get(0).get("pid")).intValue();
        String body = "{\"pids\":[" + sleeper + "," + checkpointer + (firebreak > 0 ? "," + firebreak : "") + ",999999]}";
        JsonPath plan = dryRun(body);
        assertEquals(List.of(sleeper), pids(plan, "terminate"));
        assertTrue(pids(plan, "protected").contains(checkpointer));
        assertTrue(plan.getList("changes.protected.protectedBecause", String.class).stream()
                .anyMatch(r -> r.startsWith("checkpointer")));
        if (firebreak > 0) {
            assertTrue(pids(plan, "protected").contains(firebreak), "firebreak's own pool is protected");
        }
        assertEquals(List.of(999999), plan.getList("changes.notFound", Integer.class));
        JsonPath done = apply(body, plan.getString("planId"));
        assertEquals(List.of(sleeper), done.getList("terminated", Integer.class));
        assertFalse(sessions.alive(sleeper));
    }

    @Test
    void runningForFindsQueriesOlderThanTheThreshold() {
        int sleeper = sessions.running("slow-report", 60);
        TestSessions.pause(1200);
        JsonPath plan = dryRun("{\"runningFor\":\"1s\",\"application\":\"slow-report\"}");
        assertEquals(List.of(sleeper), pids(plan, "terminate"));
        assertTrue(plan.getString("changes.terminate[0].query").contains("pg_sleep"));
        assertTrue(dryRun("{\"runningFor\":\"1h\",\"application\":\"slow-report\"}").getList("changes.terminate").isEmpty());
    }

    @Test
    void badInputIsAClearErrorAndEndsNothing() {
        int idle = sessions.idle("bystander", false);
        record Bad(String body, String code, String field) {
        }
        for (Bad bad : List.of(new Bad("{}", "missing_field", "idleFor"),
                new Bad("{\"idleFor\":\"10m\",\"pids\":[1]}", "invalid_value", "idleFor"),
                new Bad("{\"idleFor\":\"ten minutes\"}", "invalid_value", "idleFor"),
                new Bad("{\"idleFor\":\"0s\"}", "invalid_value", "idleFor"),
                new Bad("{\"runningFor\":\"30d\"}", "invalid_value", "runningFor"),
                new Bad("{\"pids\":[-4]}", "invalid_value", "pids"),
                new Bad("{\"pids\":[1],\"application\":\"x\"}", "invalid_value", "application"),
                new Bad("{\"idleFor\":\"10m\",\"maxSessions\":0}", "invalid_value", "maxSessions"),
                new Bad("{\"idleFor\":\"10m\",\"maxSessions\":5000}", "invalid_value", "maxSessions"),
                new Bad("{\"idleFor\":\"10m\",\"apply\":true}", "missing_field", "planId"),
                new Bad("{\"idleFor\":\"10m\",\"apply\":true,\"planId\":\"nope\",\"reason\":\"x\"}", "invalid_value", "planId"))) {
            call("terminate-sessions", Tokens.RESPONDER, bad.body()).statusCode(400).body("error.code", is(bad.code()))
                    .body("error.field", is(bad.field()));
        }
        call("terminate-sessions", Tokens.MONITOR, "{\"idleFor\":\"1s\"}").statusCode(403);
        assertTrue(sessions.alive(idle));
    }

    @Test
    void sessionsOfOtherDatabasesAreNeverEndedAndAnApplicationCannotClaimToBeFirebreak() {
        int elsewhere = sessions.runningElsewhere("postgres", "report-export", 60);
        int impostor = sessions.running("firebreak", 60);
        TestSessions.pause(1200);
        // Listing by age: only the target's sessions; the one claiming firebreak's name is an app session like any.
        JsonPath byAge = dryRun("{\"runningFor\":\"1s\"}");
        assertFalse(pids(byAge, "terminate").contains(elsewhere), "another database's session is not listed");
        assertTrue(pids(byAge, "terminate").contains(impostor), "an application name does not make a session firebreak's");
        // Named by pid, the other database's session is shown as protected, with why.
        JsonPath named = dryRun("{\"pids\":[" + elsewhere + "]}");
        assertTrue(pids(named, "terminate").isEmpty());
        assertTrue(named.getList("changes.protected.protectedBecause", String.class).get(0).startsWith("a session of another database"));
        JsonPath done = apply("{\"pids\":[" + impostor + "]}", dryRun("{\"pids\":[" + impostor + "]}").getString("planId"));
        assertEquals(List.of(impostor), done.getList("terminated", Integer.class));
        assertTrue(sessions.alive(elsewhere), "the other database's session lives");
    }
}
