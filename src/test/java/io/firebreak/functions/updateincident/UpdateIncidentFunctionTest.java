package io.firebreak.functions.updateincident;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** update-incident, assign-role, add-note and list-incidents: changes on the timeline, tenants told, bad input refused. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSlack.class)
class UpdateIncidentFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    OpsRecords ops;
    TargetData target;
    String id;

    @BeforeEach
    void openIncident() {
        ops = new OpsRecords(db.ops());
        target = new TargetData(db.target());
        target.reset();
        ops.quiet();
        FakeSlack.answerNormally();
        FakeMessaging.acceptEmail();
        id = Lifecycle.declare("Invoices failing", "P2", null);
    }

    @Test
    void aRaisedSeverityIsRecordedWithItsReasonAndEscalatesAtOnce() {
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"severity\":\"P0\",\"reason\":\"all tenants now\"}")
                .statusCode(200);
        assertEquals("P0", ops.query("SELECT severity FROM incidents WHERE id = '" + id + "'").get(0).get("severity"));
        assertTrue(ops.timeline(id).stream().anyMatch(e -> e.get("kind").equals("severity-changed")
                && e.get("summary").equals("Severity P2 -> P0: all tenants now")));
        assertEquals(2, ops.query("SELECT escalation_level FROM incidents WHERE id = '" + id + "'").get(0).get("escalation_level"));
        // Delivered after the commit from the shared outbox (paced at Resend's 2/s behind whatever earlier tests left
        // due): the level is recorded at once, the email follows within seconds.
        var toLead = WireMock.postRequestedFor(WireMock.urlEqualTo("/emails"))
                .withRequestBody(WireMock.matchingJsonPath("$.to[0]", WireMock.equalTo("lead@team.example")));
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (FakeMessaging.resend().findAll(toLead).isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        FakeMessaging.resend().verify(1, toLead);
    }

    @Test
    void anUpdateCanTellTheAffectedTenantsThroughNotifyTenant() {
        target.tenants(1);
        String tenant = target.admin("Ada Obi", "ada@tenant.example", null);
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Fix rolling out\",\"notifyTenants\":[\""
                + tenant + "\"]}").statusCode(200).body("tenantsSkipped", org.hamcrest.Matchers.empty());
        assertEquals(1, ops.count("notifications WHERE incident_id = '" + id + "' AND phase = 'update'"));
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Still rolling\",\"notifyTenants\":[\""
                + tenant + "\"]}").statusCode(200).body("tenantsSkipped[0].code", is("already_notified"));
    }

    @Test
    void listIncidentsFiltersOpenSeverityAndSince() {
        String p0 = Lifecycle.declare("Database down", "P0", null);
        call("list-incidents", Tokens.RESPONDER, "{}").statusCode(200).body("incidents.id", hasItem(p0))
                .body("incidents.status", everyItem(org.hamcrest.Matchers.not("resolved")));
        call("list-incidents", Tokens.RESPONDER, "{\"severity\":\"P0\"}").statusCode(200)
                .body("incidents.severity", everyItem(is("P0"))).body("incidents.id", hasItem(p0));
        io.restassured.RestAssured.given().header("Authorization", Tokens.bearer(Tokens.RESPONDER))
                .get("/list-incidents?severity=P2&since=1h").then().statusCode(200).body("incidents.id", hasItem(id))
                .body("incidents.severity", everyItem(is("P2")));
    }

    @Test
    void badInputIsAClearErrorAndChangesNothing() {
        record Bad(String function, String body, int status, String code, String field) {
        }
        List<Long> before = ops.snapshot();
        String i = "\"id\":\"" + id + "\"";
        for (Bad bad : List.of(
                new Bad("update-incident", "{}", 400, "missing_field", "id"),
                new Bad("update-incident", "{\"id\":\"INC-1\"}", 400, "invalid_value", "id"),
                new Bad("update-incident", "{\"id\":\"INC-2020-01-01-999\",\"text\":\"x\"}", 404, "incident_not_found", "id"),
                new Bad("update-incident", "{" + i + "}", 400, "nothing_to_update", "text"),
                new Bad("update-incident", "{" + i + ",\"status\":\"fixed\"}", 400, "invalid_value", "status"),
                new Bad("update-incident", "{" + i + ",\"status\":\"resolved\"}", 409, "use_resolve_incident", "status"),
                new Bad("update-incident", "{" + i + ",\"severity\":\"P0\"}", 400, "missing_field", "reason"),
                new Bad("update-incident", "{" + i + ",\"severity\":\"SEV1\",\"reason\":\"x\"}", 400, "invalid_value", "severity"),
                new Bad("update-incident", "{" + i + ",\"text\":\"x\",\"notifyTenants\":[\"acme\"]}", 400, "invalid_value", "tenants"),
                new Bad("assign-role", "{" + i + ",\"role\":\"janitor\",\"person\":\"x\"}", 400, "invalid_value", "role"),
                new Bad("assign-role", "{" + i + ",\"role\":\"scribe\"}", 400, "missing_field", "person"),
                new Bad("add-note", "{" + i + "}", 400, "missing_field", "text"),
                new Bad("add-note", "{" + i + ",\"text\":\"" + "x".repeat(4001) + "\"}", 400, "invalid_value", "text"),
                new Bad("resolve-incident", "{" + i + "}", 400, "missing_field", "resolution"),
                new Bad("list-incidents", "{\"severity\":\"P9\"}", 400, "invalid_value", "severity"),
                new Bad("list-incidents", "{\"since\":\"yesterday\"}", 400, "invalid_value", "since"),
                new Bad("list-incidents", "{\"limit\":0}", 400, "invalid_value", "limit"),
                new Bad("watch-incidents", "{\"dryRun\":\"maybe\"}", 400, "invalid_type", "dryRun"))) {
            call(bad.function(), Tokens.ADA, bad.body()).statusCode(bad.status()).body("error.code", is(bad.code()))
                    .body("error.field", is(bad.field()));
        }
        assertEquals(before, ops.snapshot());
    }

    @Test
    void assignRoleAcceptsTheSeedsSpellingsAndReassigns() {
        call("assign-role", Tokens.ADA, "{\"id\":\"" + id + "\",\"role\":\"Incident Commander\",\"person\":\"ada\"}")
                .statusCode(200);
        call("assign-role", Tokens.ADA, "{\"id\":\"" + id + "\",\"role\":\"ic\",\"person\":\"bola\"}").statusCode(200);
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("roles.commander", is("bola"));
        assertTrue(ops.timeline(id).stream().anyMatch(e -> "bola is commander (was ada)".equals(e.get("summary"))));
    }

    @Test
    void eachChangeShowsItselfInADryRunAndLeavesAnAuditRecordWhenApplied() {
        record Change(String function, String body, String effect) {
        }
        String i = "\"id\":\"" + id + "\"";
        for (Change c : List.of(
                new Change("update-incident", "{" + i + ",\"status\":\"mitigating\",\"text\":\"Rolling back the bad deploy\"}",
                        "status-changed"),
                new Change("assign-role", "{" + i + ",\"role\":\"scribe\",\"person\":\"bola\"}", "role-assigned"),
                new Change("add-note", "{" + i + ",\"text\":\"Xero token expired at 02:10\"}", "note"))) {
            List<Long> before = ops.snapshot();
            long audits = ops.count("audit_records");
            long messages = ops.count("team_messages");
            String dry = c.body().replace("{" + i, "{" + i + ",\"dryRun\":true");
            List<String> wouldRecord = call(c.function(), Tokens.ADA, dry).statusCode(200).body("dryRun", is(true))
                    .body("events.kind", hasItem(c.effect())).extract().path("wouldRecord");
            assertTrue(!wouldRecord.isEmpty(), c.function() + " shows what it would record");
            assertEquals(before, ops.snapshot(), c.function() + " dry run records nothing");
            assertEquals(audits, ops.count("audit_records"), c.function() + " dry run audits nothing");
            assertEquals(messages, ops.count("team_messages"), c.function() + " dry run posts nothing");

            int auditId = call(c.function(), Tokens.ADA, c.body()).statusCode(200).body("recorded", is(wouldRecord))
                    .extract().path("auditId");
            var audit = ops.query("SELECT function, action, role, token_id, rows_affected, outcome, input->>'id' AS incident "
                    + "FROM audit_records WHERE id = " + auditId).get(0);
            assertEquals(c.function(), audit.get("function"));
            assertEquals("apply", audit.get("action"));
            assertEquals("responder", audit.get("role"));
            assertEquals(1, audit.get("rows_affected"));
            assertEquals("recorded", audit.get("outcome"));
            assertEquals(id, audit.get("incident"));
            assertTrue(ops.timeline(id).stream().anyMatch(e -> e.get("kind").equals(c.effect())
                    && e.get("detail").toString().contains("\"auditId\": " + auditId)), c.function() + " event names its audit record");
        }
    }
}
