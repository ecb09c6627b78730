package io.firebreak.functions.confirmoutage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
class ConfirmOutageFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;



    TargetData target;
    OpsRecords ops;

    @BeforeEach
    void quiet() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(50);
        FakeApp.answer(200, 0);
        if (!warm) {
            // The JVM's first probe loads and compiles its whole path (~1 s on a busy 2-core machine): the
            // timing tests below measure the checks, not that.
            confirm("{}").statusCode(200);
            warm = true;
        }
        ops.quiet();
    }

    static boolean warm;

    static ValidatableResponse confirm(String body) {
        return given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON).body(body)
                .post("/confirm-outage").then().log().ifValidationFails();
    }

    @Test
    void healthyWhenEveryCheckPassesAndRecordsTheConfirmation() {
        // Normal traffic: a steady 2 logins a minute for a day.
        target.audit("login", 2 * 1440, 50, 1440, 0.5);
        long before = ops.count("confirmations");

        confirm("{}").statusCode(200)
                .body("verdict", is("healthy"))
                .body("severity", nullValue())
                .body("incidentId", nullValue())
                .body("recorded", is(true))
                .body("checks.name", is(List.of("database", "app-health", "connections", "audit-spike", "edge-functions",
                        "sentry")))
                .body("checks.findAll { it.name != 'edge-functions' && it.name != 'sentry' }.status", everyItem(is("ok")))
                .body("checks.findAll { it.name != 'edge-functions' && it.name != 'sentry' }.latencyMs", everyItem(greaterThan(0f)))
                // The optional platform checks, with no Supabase or Sentry configured, say so and cost nothing.
                .body("checks.find { it.name == 'edge-functions' }.status", is("skipped"))
                .body("checks.find { it.name == 'edge-functions' }.summary",
                        is("SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF are not both set"))
                .body("checks.find { it.name == 'sentry' }.status", is("skipped"))
                .body("checks.find { it.name == 'sentry' }.summary", is("SENTRY_TOKEN, SENTRY_ORG and SENTRY_PROJECT are not all set"))
                .body("checks.find { it.name == 'database' }.detail.tenants", is(50))
                .body("checks.find { it.name == 'connections' }.detail.maxConnections", greaterThan(0))
                .body("tookMs", greaterThan(0f));

        assertEquals(before + 1, ops.count("confirmations"));
        assertEquals("healthy", ops.query("SELECT verdict FROM confirmations ORDER BY id DESC LIMIT 1").get(0).get("verdict"));
        assertTrue(ops.openIncidents().isEmpty());
    }

    @Test
    void getWithTheWindowInTheQueryString() {
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).queryParam("windowMinutes", 5)
                .get("/confirm-outage").then().statusCode(200)
                .body("verdict", is("healthy"))
                .body("checks.find { it.name == 'audit-spike' }.detail.windowMinutes", is(5));
    }

    @Test
    void auditSpikeOfThreeTimesTheBaselineIsAWarningThatDeclaresNothing() {
        // Baseline: 720 exports over the previous 24 h = 5 per 10-minute window; now 25 (5x).
        target.audit("export_report", 720, 50, 1450, 11);
        target.audit("export_report", 25, 10, 9, 0.5);

        confirm("{\"windowMinutes\":10}").statusCode(200)
                .body("verdict", is("degraded"))
                .body("severity", is("P2"))
                .body("incidentId", nullValue())
                .body("checks.find { it.name == 'audit-spike' }.status", is("warn"))
                .body("checks.find { it.name == 'audit-spike' }.detail.spikes[0].actionType", is("export_report"))
                .body("checks.find { it.name == 'audit-spike' }.detail.spikes[0].events", is(25));
        assertTrue(ops.openIncidents().isEmpty());
    }

    @Test
    void auditSpikeAcrossManyTenantsDeclaresP1AndTheNextConfirmationAttaches() {
        // 144 failed logins a day (1 per window), then 400 in ten minutes across 40 tenants.
        target.audit("login_failed", 144, 50, 1450, 11);
        target.audit("login_failed", 400, 40, 9.5, 0.2);

        String id = confirm("{}").statusCode(200)
                .body("verdict", is("degraded"))
                .body("severity", is("P1"))
                .body("incidentAction", is("declared"))
                .body("incidentId", matchesPattern("INC-\\d{4}-\\d{2}-\\d{2}-\\d{3}"))
                .body("title", startsWith("Degraded: audit-spike login_failed"))
                .body("checks.find { it.name == 'audit-spike' }.status", is("fail"))
                .body("checks.find { it.name == 'audit-spike' }.detail.spikes[0].tenants", is(40))
                .extract().path("incidentId");

        confirm("{}").statusCode(200).body("incidentId", is(id)).body("incidentAction", is("attached"));

        List<Map<String, Object>> open = ops.openIncidents();
        assertEquals(1, open.size());
        assertEquals("P1", open.get(0).get("severity"));
        assertEquals("target/audit-spike", open.get(0).get("fingerprint"));
        assertEquals("investigating", open.get(0).get("status"));
        assertNotNull(open.get(0).get("opened_at"));
        List<Map<String, Object>> timeline = ops.timeline(id);
        assertEquals(List.of("declared", "confirmation", "confirmation"), timeline.stream().map(e -> e.get("kind")).toList());
        assertEquals("function:confirm-outage", timeline.get(1).get("source"));
        assertEquals(2, ops.query("SELECT 1 FROM confirmations WHERE incident_id = '" + id + "'").size());
    }

    @Test
    void healthUrlFailingIsAnOutageP0() {
        FakeApp.answer(503, 0);
        confirm("{}").statusCode(200)
                .body("verdict", is("outage"))
                .body("severity", is("P0"))
                .body("incidentAction", is("declared"))
                .body("checks.find { it.name == 'app-health' }.status", is("fail"))
                .body("checks.find { it.name == 'app-health' }.detail.httpStatus", is(503))
                .body("checks.find { it.name == 'database' }.status", is("ok"));
        assertEquals("target/app-health", ops.openIncidents().get(0).get("fingerprint"));
    }

    @Test
    void aQueryTheTargetRefusesFailsOnlyItsOwnCheck() {
        // The three target reads go in one message; when the target refuses one of them (here its table is
        // gone), each check asks on its own, so the others still answer and the failure names its cause.
        io.firebreak.testing.Sql.exec(db.target(), "ALTER TABLE public.audit_logs RENAME TO audit_logs_away");
        try {
            confirm("{\"windowMinutes\":7}").statusCode(200)
                    .body("checks.find { it.name == 'database' }.status", is("ok"))
                    .body("checks.find { it.name == 'connections' }.status", is("ok"))
                    .body("checks.find { it.name == 'audit-spike' }.status", is("fail"))
                    .body("checks.find { it.name == 'audit-spike' }.summary",
                            org.hamcrest.Matchers.containsString("audit_logs"));
        } finally {
            io.firebreak.testing.Sql.exec(db.target(), "ALTER TABLE public.audit_logs_away RENAME TO audit_logs");
        }
    }

    @Test
    void slowHealthUrlIsAWarning() {
        FakeApp.answer(200, 900);
        confirm("{}").statusCode(200)
                .body("verdict", is("degraded"))
                .body("severity", is("P2"))
                .body("checks.find { it.name == 'app-health' }.status", is("warn"))
                .body("checks.find { it.name == 'app-health' }.latencyMs", greaterThan(600f));
    }

    @Test
    void hungHealthUrlFailsAtTheCheckTimeoutAndTheAnswerStillComesInTime() {
        FakeApp.answer(200, 10_000);
        long start = System.nanoTime();
        confirm("{}").statusCode(200)
                .body("verdict", is("outage"))
                .body("checks.find { it.name == 'app-health' }.status", is("fail"))
                .body("checks.find { it.name == 'app-health' }.summary", startsWith("unreachable"));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 3000, "answered within 3 s");
    }

    @Test
    void lesserFindingsJoinAnOpenIncidentOfTheSameCauseWithoutDeclaring() {
        target.audit("login_failed", 144, 50, 1450, 11);
        target.audit("login_failed", 400, 40, 9.5, 0.2);
        String id = confirm("{}").statusCode(200).extract().path("incidentId");
        assertNotNull(id);

        target.reset();
        target.tenants(50);
        target.audit("login_failed", 720, 50, 1450, 11);
        target.audit("login_failed", 25, 10, 9, 0.5);
        confirm("{}").statusCode(200).body("severity", is("P2")).body("incidentId", is(id))
                .body("incidentAction", is("attached"));
        assertEquals(1, ops.openIncidents().size());
        assertEquals(3, ops.timeline(id).size(), "declared, then two confirmations");
    }
}
