package io.firebreak.functions.freezewrites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.SampleCalls;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.TestSessions;
import io.firebreak.testing.Tokens;

/**
 * Seed 003's "STOP writes immediately", observed by real sessions of an application role on the
 * target: before, it writes; frozen, a new session of it is read-only and its old session is gone;
 * firebreak keeps working; undone, a new session writes again.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class FreezeWritesFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    String appUrl;
    String database;

    @BeforeEach
    void table() {
        appUrl = db.target().replace("postgresql://postgres@", "postgresql://" + TestSessions.APP_ROLE + "@");
        database = db.target().substring(db.target().lastIndexOf('/') + 1);
        Sql.exec(db.target(), "CREATE TABLE IF NOT EXISTS public.app_writes (id serial PRIMARY KEY, note text);"
                + "GRANT INSERT ON public.app_writes TO " + TestSessions.APP_ROLE + ";"
                + "GRANT USAGE ON SEQUENCE public.app_writes_id_seq TO " + TestSessions.APP_ROLE);
    }

    @AfterEach
    void thaw() {
        Sql.exec(db.target(), "ALTER ROLE " + TestSessions.APP_ROLE + " IN DATABASE " + database
                + " RESET default_transaction_read_only");
    }

    /** The SQL state an insert by a new session of the app role gets (null: it wrote). */
    String appInsert() {
        try (Connection c = Sql.connect(appUrl); Statement s = c.createStatement()) {
            s.execute("INSERT INTO public.app_writes (note) VALUES ('order 1042')");
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    static Response call(String body) {
        return ApprovedPlans.post(Tokens.RESPONDER, "freeze-writes", body);
    }

    @Test
    void theAppsRoleIsFrozenItsSessionsEndAndUndoLetsItWriteAgain() throws Exception {
        assertNull(appInsert(), "the app writes before");
        try (TestSessions sessions = new TestSessions(db.target())) {
            int old = sessions.idle("app-pool", false);
            String body = "{\"roles\":[\"" + TestSessions.APP_ROLE + "\"]}";
            Response plan = call(body);
            assertEquals(200, plan.statusCode(), plan.asString());
            assertEquals(true, plan.path("approval.required"));
            assertEquals("on", plan.path("changes.roles[0].after"));
            assertTrue((int) plan.path("changes.roles[0].sessionsToEnd") >= 1, plan.asString());
            String planId = plan.path("planId");
            String apply = SampleCalls.applying(body, planId, "data loss: stop writes");
            Response refused = call(apply);
            assertEquals(202, refused.statusCode(), refused.asString());
            assertNull(appInsert(), "nothing frozen without approval");
            ApprovedPlans.approve(planId);
            Response frozen = call(apply);
            assertEquals(200, frozen.statusCode(), frozen.asString());
            assertEquals("on", frozen.path("verified." + TestSessions.APP_ROLE));
            assertFalse(sessions.alive(old), "the app's old session was ended, so its pool reconnects read-only");
            assertEquals("25006", appInsert(), "a new session of the app's role is read-only");
            // firebreak's own connections keep working.
            assertEquals(200, ApprovedPlans.post(Tokens.RESPONDER, "db-health", "{}").statusCode());
            String undo = "{\"auditId\":" + frozen.path("auditId") + "}";
            Response undoPlan = ApprovedPlans.post(Tokens.RESPONDER, "undo", undo);
            assertEquals(200, undoPlan.statusCode(), undoPlan.asString());
            Response thawed = ApprovedPlans.post(Tokens.RESPONDER, "undo",
                    SampleCalls.applying(undo, undoPlan.path("planId"), "restored from backup"));
            assertEquals(200, thawed.statusCode(), thawed.asString());
            assertNull(appInsert(), "writes resume after undo");
        }
    }

    @Test
    void firebreaksOwnRoleAndUnknownRolesAreRefused() {
        Response own = call("{\"roles\":[\"postgres\"]}");
        assertEquals(409, own.statusCode(), own.asString());
        assertEquals("role_not_freezable", own.path("error.code"));
        Response unknown = call("{\"roles\":[\"no_such_role\"]}");
        assertEquals(404, unknown.statusCode(), unknown.asString());
        assertEquals("unknown_role", unknown.path("error.code"));
        Response bad = call("{\"roles\":[\"x; DROP ROLE postgres\"]}");
        assertEquals(400, bad.statusCode(), bad.asString());
        assertEquals("roles[0]", bad.path("error.field"));
        assertEquals(400, call("{}").statusCode(), "no roles named and none configured");
    }

    /** As PostgREST writes: its login role begins READ WRITE (overriding the default) and switches to an API role. */
    String apiInsert() {
        try (Connection c = Sql.connect(appUrl); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET TRANSACTION READ WRITE");
            s.execute("SET LOCAL ROLE fb_api");
            s.execute("INSERT INTO public.app_writes (note) VALUES ('via the API')");
            c.commit();
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    @Test
    void theApiRolesLoseTheirWriteGrantsSoAReadWriteBeginIsHeldTooAndUndoGivesThemBack() {
        Sql.exec(db.target(), "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fb_api') THEN "
                + "CREATE ROLE fb_api NOLOGIN; END IF; END $$; GRANT fb_api TO " + TestSessions.APP_ROLE + ";"
                + "GRANT INSERT, UPDATE ON public.app_writes TO fb_api; GRANT USAGE ON SEQUENCE public.app_writes_id_seq TO fb_api");
        assertNull(apiInsert(), "the API writes before");
        String body = "{\"roles\":[\"" + TestSessions.APP_ROLE + "\"],\"apiRoles\":[\"fb_api\"]}";
        Response plan = call(body);
        assertEquals(200, plan.statusCode(), plan.asString());
        assertEquals(java.util.List.of("INSERT", "UPDATE"), plan.jsonPath().getList("changes.apiGrants.privilege", String.class));
        String planId = plan.path("planId");
        ApprovedPlans.approve(planId);
        Response frozen = call(SampleCalls.applying(body, planId, "stop writes through the API too"));
        assertEquals(200, frozen.statusCode(), frozen.asString());
        assertEquals(2, (int) frozen.path("grantsRevoked"));
        assertEquals("25006", appInsert(), "a plain session of the login role is read-only");
        assertEquals("42501", apiInsert(), "a READ WRITE transaction as the API role has no privilege left");
        String undo = "{\"auditId\":" + frozen.path("auditId") + "}";
        Response undoPlan = ApprovedPlans.post(Tokens.RESPONDER, "undo", undo);
        assertEquals(200, undoPlan.statusCode(), undoPlan.asString());
        Response thawed = ApprovedPlans.post(Tokens.RESPONDER, "undo", SampleCalls.applying(undo, undoPlan.path("planId"), "thaw"));
        assertEquals(200, thawed.statusCode(), thawed.asString());
        assertEquals(2, (int) thawed.path("grantsRestored"));
        assertNull(apiInsert(), "the API writes again");
        assertNull(appInsert());
        Sql.exec(db.target(), "REVOKE ALL ON public.app_writes FROM fb_api");
    }
}
