package io.firebreak.functions.resolveincident;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** Resolution on seed 001's evidence: refused with the unmet criteria, accepted when they hold, forced only by the commander. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSlack.class)
class ResolveIncidentFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    OpsRecords ops;
    TargetData target;

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        target = new TargetData(db.target());
        target.reset();
        Sql.exec(db.target(), "TRUNCATE public.error_logs");
        Sql.exec(db.ops(), "DELETE FROM confirmations");
        ops.quiet();
        FakeSlack.answerNormally();
    }

    String status(String id) {
        return (String) ops.query("SELECT status FROM incidents WHERE id = '" + id + "'").get(0).get("status");
    }

    @Test
    void refusedWhileProbesAreUnhealthyOrErrorsHighThenAcceptedOnEvidence() {
        String id = Lifecycle.declare("Checkout errors", "P1", "\"commander\":\"ada\"");
        Lifecycle.healthyProbes(db.ops(), 32);
        Sql.exec(db.ops(), "INSERT INTO confirmations (at, trigger, verdict, severity, took_ms, checks) "
                + "VALUES (now() - interval '12 minutes', 'schedule', 'outage', 'P0', 1800, '[]')");
        target.tenants(1);
        Sql.exec(db.target(), "INSERT INTO public.audit_logs (tenant_id, action_type, created_at) SELECT (SELECT id FROM "
                + "public.tenants LIMIT 1), 'login', now() - interval '5 minutes' FROM generate_series(1, 95)");
        Sql.exec(db.target(), "INSERT INTO public.error_logs (error_type, error_message) SELECT 'PaymentError', 'timeout' "
                + "FROM generate_series(1, 5)");

        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back\"}").statusCode(409)
                .body("error.code", is("resolution_criteria_unmet"))
                .body("error.message", containsString("confirm-outage results in the last 30 min were not healthy"))
                .body("error.message", containsString("error rate 5.00 % over the last 30 min (5 errors / 100 requests"));
        assertEquals("investigating", status(id));
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back\",\"dryRun\":true}")
                .statusCode(200).body("wouldResolve", is(false)).body("criteria[0].met", is(false))
                .body("criteria[1].measured.errors", is(5));

        Sql.exec(db.ops(), "DELETE FROM confirmations WHERE verdict <> 'healthy'");
        Sql.exec(db.target(), "DELETE FROM public.error_logs WHERE id IN (SELECT id FROM public.error_logs LIMIT 5)");
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back\"}").statusCode(200)
                .body("forced", is(false));
        assertEquals("resolved", status(id));
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"again\"}").statusCode(409)
                .body("error.code", is("incident_resolved"));
    }

    @Test
    void aGapInTheProbesIsNotHealthyThroughout() {
        String id = Lifecycle.declare("Search slow", "P2", null);
        Sql.exec(db.ops(), "INSERT INTO confirmations (at, trigger, verdict, took_ms, checks) "
                + "SELECT now() - make_interval(mins => m), 'schedule', 'healthy', 10, '[]' FROM generate_series(0, 12, 2) m");
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Index added\"}").statusCode(409)
                .body("error.message", containsString("confirm-outage was silent for 1"));
    }

    @Test
    void onlyTheCommanderOrAnAdminForcesAndTheReasonIsRecorded() {
        String id = Lifecycle.declare("Webhooks delayed", "P1", "\"commander\":\"ada\"");
        call("resolve-incident", Tokens.BOLA, "{\"id\":\"" + id + "\",\"resolution\":\"Queue drained\",\"force\":true,"
                + "\"reason\":\"probes are broken\"}").statusCode(403).body("error.code", is("not_commander"));
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Queue drained\",\"force\":true}")
                .statusCode(400).body("error.field", is("reason"));
        assertEquals("investigating", status(id));
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Queue drained\",\"force\":true,"
                + "\"reason\":\"the probe schedule was off during the incident\"}").statusCode(200).body("forced", is(true));
        List<java.util.Map<String, Object>> resolved = ops.query("SELECT summary, detail->>'forced' AS forced, "
                + "detail->>'forceReason' AS why, source FROM timeline_events WHERE incident_id = '" + id + "' AND kind = 'resolved'");
        assertEquals("true", resolved.get(0).get("forced"));
        assertEquals("the probe schedule was off during the incident", resolved.get(0).get("why"));
        assertEquals("person:ada", resolved.get(0).get("source"));
        assertTrue(ops.count("audit_records WHERE function = 'resolve-incident'") >= 1);
    }
}
