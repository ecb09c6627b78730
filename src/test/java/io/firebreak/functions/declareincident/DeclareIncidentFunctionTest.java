package io.firebreak.functions.declareincident;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.firebreak.testing.TestClock;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** A whole incident, declaration to post-mortem, against fake Slack and email servers and the real Postgres. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSlack.class)
class DeclareIncidentFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    OpsRecords ops;
    TargetData target;

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        target = new TargetData(db.target());
        target.reset();
        ops.quiet();
        FakeSlack.answerNormally();
        FakeMessaging.acceptEmail();
    }

    @AfterEach
    void realTime() {
        TestClock.reset();
    }

    @Test
    void aWholeIncidentFromDeclarationToPostmortem() {
        target.tenants(2);
        String tenant = target.admin("Ada Obi", "ada@tenant.example", null);
        String integration = target.integration("Xero", true);
        target.syncLogs(integration, "retrying", 30, 5);

        // Declare: recorded, acknowledged by the declarer, channel created, seed 001's declaration posted.
        var declared = call("declare-incident", Tokens.ADA, """
                {"title":"Checkout failing for every tenant","severity":"P1","impact":"No tenant can take payments",
                 "commander":"ada","tenants":["%s"]}""".formatted(tenant)).statusCode(200)
                .body("declared", is(true)).body("severity", is("P1")).body("messagesQueued", is(2));
        String id = declared.extract().path("incidentId");
        // No PAGERDUTY_ROUTING_KEY here: level 1 is "on" by default, yet nothing is queued for PagerDuty.
        assertEquals(0L, ops.count("team_messages WHERE incident_id = '" + id + "' AND channel = 'pagerduty'"));
        FakeSlack.server().verify(WireMock.postRequestedFor(WireMock.urlEqualTo("/conversations.create"))
                .withRequestBody(WireMock.matchingJsonPath("$.name", WireMock.matching("incident-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}")))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + FakeSlack.TOKEN)));
        // The page to on-call carries the same declaration; the two deliveries may arrive in either order.
        List<JsonNode> declarations = FakeSlack.postsContaining("P1 INCIDENT DECLARED");
        assertEquals(1, declarations.stream().filter(p -> p.path("channel").asText().equals(FakeSlack.CHANNEL_ID)).count(),
                "posted in the incident's own channel: " + declarations);
        JsonNode announcement = declarations.stream().filter(p -> p.path("channel").asText().equals(FakeSlack.CHANNEL_ID))
                .findFirst().orElseThrow();
        String text = announcement.path("text").asText();
        for (String line : List.of("Incident: " + id + " Checkout failing for every tenant", "Severity: P1 - High",
                "Impact: No tenant can take payments", "Incident Lead: ada", "Current Status: Investigating",
                "Incident Channel: #incident-")) {
            assertTrue(text.contains(line), "declaration has '" + line + "':\n" + text);
        }
        assertEquals(1, FakeSlack.posts().stream().filter(p -> p.path("channel").asText().equals("#oncall")).count(),
                "level 1 (on-call) paged");
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200)
                .body("roles.commander", is("ada")).body("acknowledgedBy", is("ada")).body("escalationLevel", is(1))
                .body("channel", matchesPattern("#incident-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}"))
                .body("nextUpdateDue", notNullValue()).body("tenants", hasItem(tenant));

        // Roles, a note, an update in seed 003's template, an audited remediation on the incident.
        call("assign-role", Tokens.ADA, "{\"id\":\"" + id + "\",\"role\":\"scribe\",\"person\":\"bola\"}").statusCode(200);
        call("add-note", Tokens.BOLA, "{\"id\":\"" + id + "\",\"text\":\"Paystack webhooks answer 500 since 13:02\"}")
                .statusCode(200);
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id
                + "\",\"status\":\"mitigating\",\"text\":\"Rolled back deploy 4411\"}").statusCode(200)
                .body("nextUpdateDue", notNullValue());
        String update = FakeSlack.postsContaining("UPDATE").get(0).path("text").asText();
        assertTrue(update.contains("Status: Mitigating") && update.contains("Progress: Rolled back deploy 4411"), update);
        String planId = call("clear-retry-queue", Tokens.ADA, "{\"integrationId\":\"" + integration + "\"}")
                .statusCode(200).extract().path("planId");
        call("clear-retry-queue", Tokens.ADA, "{\"integrationId\":\"" + integration + "\",\"apply\":true,\"planId\":\""
                + planId + "\",\"reason\":\"retry storm behind the outage\",\"incidentId\":\"" + id + "\"}").statusCode(200);

        // Resolution is refused without evidence, then accepted once probes were healthy for 30 minutes.
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back deploy 4411\"}")
                .statusCode(409).body("error.code", is("resolution_criteria_unmet"))
                .body("error.message", containsString("healthy-probes"));
        assertEquals("mitigating", ops.query("SELECT status FROM incidents WHERE id = '" + id + "'").get(0).get("status"));
        Lifecycle.healthyProbes(db.ops(), 32);
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back deploy 4411\"}")
                .statusCode(200).body("forced", is(false)).body("criteria[0].met", is(true)).body("criteria[1].met", is(true));
        assertTrue(FakeSlack.postsContaining("INCIDENT RESOLVED").get(0).path("text").asText()
                .contains("Resolution: Rolled back deploy 4411"));

        // The timeline holds every step with its source; the post-mortem is drafted from it, then marked written.
        List<Map<String, Object>> timeline = ops.timeline(id);
        List<String> kinds = timeline.stream().map(e -> (String) e.get("kind")).toList();
        for (String kind : List.of("declared", "role-assigned", "escalated", "channel-created", "note", "status-changed",
                "status-update", "action", "resolved", "message-sent")) {
            assertTrue(kinds.contains(kind), kind + " is on the timeline: " + kinds);
        }
        assertTrue(timeline.stream().anyMatch(e -> e.get("kind").equals("note") && e.get("source").equals("person:bola")));
        String markdown = call("postmortem", Tokens.ADA, "{\"id\":\"" + id + "\"}").statusCode(200)
                .body("template", is("seed-001")).extract().path("markdown");
        assertTrue(markdown.startsWith("# Incident Report: Checkout failing for every tenant\n"), markdown);
        assertTrue(markdown.contains("- **Tenants affected**: 1 (" + tenant + ")"), markdown);
        assertTrue(markdown.contains(" clear-retry-queue: 31 rows affected (audit #"), markdown);
        call("postmortem", Tokens.ADA, "{\"id\":\"" + id + "\",\"written\":true,\"link\":\"https://wiki.example/pm/" + id
                + "\"}").statusCode(200);
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200)
                .body("status", is("resolved")).body("postmortem.writtenAt", notNullValue())
                .body("postmortem.link", is("https://wiki.example/pm/" + id));
    }

    @Test
    void aDryRunShowsTheDeclarationAndRecordsNothing() {
        List<Long> before = ops.snapshot();
        call("declare-incident", Tokens.ADA, "{\"title\":\"Login broken\",\"severity\":\"P0\",\"impact\":\"Nobody can sign in\","
                + "\"dryRun\":true}").statusCode(200)
                .body("dryRun", is(true)).body("incidentId", nullValue())
                .body("messages[0].text", containsString("P0 INCIDENT DECLARED"));
        assertEquals(before, ops.snapshot());
        assertTrue(FakeSlack.posts().isEmpty());
    }

    @Test
    void theSameTitleWhileOpenJoinsTheOpenIncident() {
        String first = Lifecycle.declare("Email not sending", "P2", null);
        call("declare-incident", Tokens.BOLA, "{\"title\":\"email NOT sending\",\"severity\":\"P2\",\"impact\":\"x\"}")
                .statusCode(200).body("declared", is(false)).body("incidentId", is(first));
        assertEquals(1, ops.openIncidents().size());
    }

    @Test
    void anIdempotencyKeyMakesARepeatAnswerTheSame() {
        String body = "{\"title\":\"Reports slow\",\"severity\":\"P3\",\"impact\":\"Reports take a minute\"}";
        String a = io.restassured.RestAssured.given().header("Authorization", Tokens.bearer(Tokens.ADA))
                .header("Idempotency-Key", "decl-7").contentType("application/json").body(body).post("/declare-incident")
                .then().statusCode(200).extract().path("incidentId");
        long events = ops.count("timeline_events");
        String b = io.restassured.RestAssured.given().header("Authorization", Tokens.bearer(Tokens.ADA))
                .header("Idempotency-Key", "decl-7").contentType("application/json").body(body).post("/declare-incident")
                .then().statusCode(200).extract().path("incidentId");
        assertEquals(a, b);
        assertEquals(events, ops.count("timeline_events"));
    }

    @Test
    void badInputIsAClearErrorAndChangesNothing() {
        List<Long> before = ops.snapshot();
        record Bad(String body, int status, String code, String field) {
        }
        for (Bad bad : List.of(
                new Bad("{}", 400, "missing_field", "title"),
                new Bad("{\"title\":\"x\",\"impact\":\"y\"}", 400, "missing_field", "severity"),
                new Bad("{\"title\":\"x\",\"severity\":\"SEV1\",\"impact\":\"y\"}", 400, "invalid_value", "severity"),
                new Bad("{\"title\":\"x\",\"severity\":\"P1\"}", 400, "missing_field", "impact"),
                new Bad("{\"title\":\"" + "x".repeat(201) + "\",\"severity\":\"P1\",\"impact\":\"y\"}", 400, "invalid_value", "title"),
                new Bad("{\"title\":\"x\",\"severity\":\"P1\",\"impact\":\"y\",\"commander\":\"<script>\"}", 400, "invalid_value", "commander"),
                new Bad("{\"title\":\"x\",\"severity\":\"P1\",\"impact\":\"y\",\"tenants\":[\"acme\"]}", 400, "invalid_value", "tenants"),
                new Bad("{\"title\":\"x\",\"severity\":\"P1\",\"impact\":\"y\",\"id\":\"INC-2026-01-01-001\"}", 400, "invalid_value", "id"),
                new Bad("{\"title\":\"x\",\"severity\":\"P1\",\"impact\":\"y\",\"colour\":\"red\"}", 400, "unknown_field", "colour"),
                new Bad("{\"title\":\"x\",\"severity\":\"P1\",\"impact\":\"y\",\"actor\":{\"name\":\"ceo\"}}", 400, "reserved_field", "actor"))) {
            call("declare-incident", Tokens.ADA, bad.body()).statusCode(bad.status()).body("error.code", is(bad.code()))
                    .body("error.field", is(bad.field()));
        }
        assertEquals(before, ops.snapshot());
        assertFalse(FakeSlack.posts().stream().findAny().isPresent());
    }

    @Test
    void aTitleReachesSlackAsWrittenNeverAsAMentionOrALink() {
        FakeSlack.server().resetRequests();
        io.firebreak.testing.Lifecycle.declare("<!channel> pay at <https://evil.example|log in>", "P2", null);
        String text = FakeSlack.postsContaining("INCIDENT DECLARED").get(0).path("text").asText();
        assertTrue(text.contains("&lt;!channel&gt; pay at &lt;https://evil.example|log in&gt;"), text);
        assertTrue(!text.contains("<!channel>") && !text.contains("<https://"), text);
    }

    @Test
    void slacksThrottlingAtHttp200IsRetriedNotDeadLettered() {
        // Slack answers rate_limited (and fatal_error) with HTTP 200 and ok:false: both are worth another try.
        FakeSlack.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/chat.postMessage"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"rate_limited\"}")));
        String id = io.firebreak.testing.Lifecycle.declare("Search slow", "P2", null);
        assertEquals(0, ops.count("team_messages WHERE state = 'dead' AND incident_id = '" + id + "'"));
        assertTrue(ops.count("team_messages WHERE state = 'pending' AND incident_id = '" + id + "'") > 0);
        assertEquals(List.of(), FakeSlack.contract().refusals(), "firebreak sent Slack nothing its contract refuses");
    }
}
