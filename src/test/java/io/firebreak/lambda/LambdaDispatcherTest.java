package io.firebreak.lambda;

import static io.firebreak.lambda.LambdaEvents.event;
import static io.firebreak.lambda.LambdaEvents.invoke;
import static io.firebreak.lambda.LambdaEvents.invokeFailing;
import static io.firebreak.lambda.LambdaEvents.invokeHttp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * The Lambda build, driven with real API Gateway (payload 2.0) and EventBridge Scheduler events:
 * the same answers, status codes and error shape as the HTTP service gives for the same calls.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
class LambdaDispatcherTest {

    @TestDatabases.Inject
    TestDatabases db;



    OpsRecords ops;

    static Map<String, String> as(String token) {
        return Map.of("TOKEN", token);
    }

    private static boolean warm;

    @BeforeEach
    void migratedAndQuiet() {
        // The Lambda build never migrates on a cold start: migrate is the deploy step.
        var migrate = invokeHttp(event("migrate.json", as(Tokens.ADMIN)));
        assertEquals(200, migrate.status(), migrate.body().prettify());
        if (!warm) {
            // The first probe of a cold runtime pays its HTTP client's start (over a second on a loaded machine),
            // which the slow-answer threshold would report: these tests are about the event shapes, not that.
            invokeHttp(event("confirm-outage.json", as(Tokens.MONITOR)));
            warm = true;
        }
        ops = new OpsRecords(db.ops());
        ops.quiet();
        TargetData target = new TargetData(db.target());
        target.reset();
        target.tenants(20);
        FakeApp.answer(200, 0);
    }

    @Test
    void confirmOutageOverAnHttpApiEvent() {
        var answer = invokeHttp(event("confirm-outage.json", as(Tokens.MONITOR)));
        assertEquals(200, answer.status());
        assertEquals("application/json", answer.contentType());
        assertEquals("healthy", answer.body().getString("verdict"));
        assertEquals(List.of("database", "app-health", "connections", "audit-spike", "edge-functions", "sentry"),
                answer.body().getList("checks.name"));
        assertEquals(List.of("ok", "ok", "ok", "ok", "skipped", "skipped"), answer.body().getList("checks.status"));
        assertEquals(20, answer.body().getInt("checks.find { it.name == 'database' }.detail.tenants"));
        assertEquals(10, answer.body().getInt("checks.find { it.name == 'audit-spike' }.detail.windowMinutes"));
        assertTrue(answer.body().getBoolean("recorded"));
        assertEquals("healthy", ops.query("SELECT verdict FROM confirmations ORDER BY id DESC LIMIT 1").get(0).get("verdict"));
    }

    @Test
    void refusalsHaveTheSameStatusAndShapeAsOverHttp() {
        List<Long> before = ops.snapshot();
        ObjectNode noToken = event("confirm-outage.json", as(Tokens.MONITOR));
        ((ObjectNode) noToken.get("headers")).remove("authorization");
        var unauthenticated = invokeHttp(noToken);
        assertEquals(401, unauthenticated.status());
        assertEquals("unauthenticated", unauthenticated.body().getString("error.code"));

        var forbidden = invokeHttp(event("get-incident.json", Map.of("TOKEN", Tokens.MONITOR, "INCIDENT_ID", "INC-2026-01-01-001")));
        assertEquals(403, forbidden.status());
        assertEquals("forbidden", forbidden.body().getString("error.code"));

        ObjectNode badWindow = event("confirm-outage.json", as(Tokens.MONITOR));
        badWindow.put("rawQueryString", "windowMinutes=abc");
        var bad = invokeHttp(badWindow);
        assertEquals(400, bad.status());
        assertEquals("invalid_type", bad.body().getString("error.code"));
        assertEquals("windowMinutes", bad.body().getString("error.field"));

        ObjectNode outOfRange = event("confirm-outage.json", as(Tokens.MONITOR));
        outOfRange.put("rawQueryString", "windowMinutes=0");
        assertEquals("invalid_window", invokeHttp(outOfRange).body().getString("error.code"));

        ObjectNode wrongMethod = event("monitor-alert.json", as(Tokens.MONITOR));
        // monitor-alert takes GET and POST (UptimeRobot sends either); nothing takes DELETE.
        ((ObjectNode) wrongMethod.get("requestContext").get("http")).put("method", "DELETE");
        var notAllowed = invokeHttp(wrongMethod);
        assertEquals(405, notAllowed.status());
        assertEquals("method_not_allowed", notAllowed.body().getString("error.code"));

        ObjectNode unknown = event("confirm-outage.json", as(Tokens.MONITOR));
        unknown.put("rawPath", "/no-such-function");
        var notFound = invokeHttp(unknown);
        assertEquals(404, notFound.status());
        assertEquals("unknown_function", notFound.body().getString("error.code"));

        assertEquals(before, ops.snapshot(), "nothing ran, nothing changed");
    }

    @Test
    void monitorAlertAsJsonFormAndQueryString() {
        FakeApp.answer(503, 0);
        var json = invokeHttp(event("monitor-alert.json", as(Tokens.MONITOR)));
        assertEquals(200, json.status(), json.body().prettify());
        assertEquals("declared", json.body().getString("action"));
        String id = json.body().getString("incidentId");

        ObjectNode form = LambdaEvents.withBody(event("monitor-alert.json", as(Tokens.MONITOR)),
                "application/x-www-form-urlencoded", "monitorID=793456&alertType=1&alertDetails=Connection+Timeout", true);
        var formAnswer = invokeHttp(form);
        assertEquals("attached", formAnswer.body().getString("action"));
        assertEquals(id, formAnswer.body().getString("incidentId"));

        ObjectNode query = event("monitor-alert.json", as("unused"));
        ((ObjectNode) query.get("headers")).remove("authorization");
        query.remove("body");
        query.put("rawQueryString", "token=" + Tokens.MONITOR + "&monitorID=793456&alertType=2&alertDetails=OK");
        var up = invokeHttp(query);
        assertEquals(200, up.status(), up.body().prettify());
        assertEquals("recorded", up.body().getString("action"));
        assertEquals(id, up.body().getString("incidentId"));
        assertEquals(3, ops.count("monitor_alerts"));
    }

    @Test
    void scheduleEventsRunTheInProcessJobWithItsFlapProtectionInsideTheInvocation() {
        // EventBridge's floor is a minute: the confirming re-probe runs inside the same invocation,
        // so one event declares an outage that is still there seconds later.
        FakeApp.answer(500, 0);
        JsonNode declared = invoke(event("confirm-outage-schedule.json", Map.of()));
        assertEquals("outage", declared.path("verdict").asText());
        assertEquals("declared", declared.path("incidentAction").asText(), declared.toString());
        String id = declared.path("incidentId").asText();
        assertEquals("schedule:confirm-outage", ops.timeline(id).get(0).get("source"));
        assertEquals(List.of("schedule", "schedule"), ops.query("SELECT trigger FROM confirmations ORDER BY id DESC LIMIT 2")
                .stream().map(r -> r.get("trigger")).toList(), "a probe and its confirming re-probe");

        // A blip that passed before the re-probe declares nothing.
        ops.quiet();
        long incidents = ops.count("incidents");
        FakeApp.answers(500, 200);
        JsonNode blip = invoke(event("confirm-outage-schedule.json", Map.of()));
        assertEquals("healthy", blip.path("verdict").asText(), blip.toString());
        assertTrue(blip.path("incidentId").isNull());
        assertEquals(incidents, ops.count("incidents"));
    }

    @Test
    void aScheduledJobThatFailsFailsTheInvocation() {
        // Unknown: the invocation fails (Lambda's retries, Errors metric and on-failure destination see it).
        JsonNode unknown = invokeFailing(LambdaEvents.JSON.createObjectNode().put("firebreak", "schedule").put("job", "nope"));
        assertEquals(LambdaDispatcher.ScheduledJobFailed.class.getName(), unknown.path("errorType").asText(), unknown.toString());
        assertTrue(unknown.path("errorMessage").asText().startsWith("scheduled job nope failed: unknown_job (404)"),
                unknown.toString());

        // A job that exists and fails: the target lost a table the sweep reads.
        long incidents = ops.count("incidents");
        Sql.exec(db.target(), "ALTER TABLE public.erp_sync_logs RENAME TO erp_sync_logs_away");
        try {
            JsonNode failed = invokeFailing(LambdaEvents.JSON.createObjectNode().put("firebreak", "schedule")
                    .put("job", "dead-letter-sweep"));
            assertEquals(LambdaDispatcher.ScheduledJobFailed.class.getName(), failed.path("errorType").asText(), failed.toString());
            assertTrue(failed.path("errorMessage").asText().startsWith("scheduled job dead-letter-sweep failed: "),
                    failed.toString());
        } finally {
            Sql.exec(db.target(), "ALTER TABLE public.erp_sync_logs_away RENAME TO erp_sync_logs");
        }
        assertEquals(incidents, ops.count("incidents"));

        // HTTP events keep answering their error status: a 4xx is an answer, not a failed invocation.
        ObjectNode noToken = event("confirm-outage.json", as(Tokens.MONITOR));
        ((ObjectNode) noToken.get("headers")).remove("authorization");
        assertEquals(401, invokeHttp(noToken).status());
    }

    @Test
    void everyScheduleOfTheManifestRunsThroughAnEventBridgeEvent() {
        TargetData target = new TargetData(db.target());
        String storm = target.integration("Xero", true);
        target.syncLogs(storm, "dead_letter", 50, 3);
        JsonNode sweep = invoke(LambdaEvents.JSON.createObjectNode().put("firebreak", "schedule").put("job", "dead-letter-sweep"));
        assertEquals(storm, sweep.path("spikes").path(0).path("integrationId").asText(), sweep.toString());
        assertEquals("P1", ops.openIncidents().get(0).get("severity"));
        // The sweep job answers too (nothing stuck here, so nothing to settle).
        JsonNode payments = invoke(LambdaEvents.JSON.createObjectNode().put("firebreak", "schedule")
                .put("job", "stuck-payment-sweep"));
        assertEquals(0, payments.path("settled").asInt(-1), payments.toString());
        // The declared checks: this target is the contract, not seed 002's app, so each answers its error and none declares.
        long incidents = ops.count("incidents");
        JsonNode checks = invoke(LambdaEvents.JSON.createObjectNode().put("firebreak", "schedule").put("job", "checks"));
        long scheduled = io.firebreak.functions.runcheck.DeclaredChecks.parse(io.firebreak.platform.FunctionManifest.load()).values().stream()
                .filter(io.firebreak.functions.runcheck.DeclaredCheck::scheduled).count();
        assertEquals(scheduled, checks.size(), checks.toString());
        assertTrue(checks.path(0).path("error").asText().contains("does not exist"), checks.toString());
        assertEquals(incidents, ops.count("incidents"));
    }

    @Test
    void theStatusPageIsServedWithoutATokenOverAnHttpApiEvent() {
        JsonNode answer = invoke(event("status-page.json", Map.of("DOCUMENT", "summary.json", "ETAG", "none")));
        assertEquals(200, answer.path("statusCode").asInt(), answer.toString());
        assertEquals("application/json", answer.path("headers").path("content-type").asText());
        assertEquals("*", answer.path("headers").path("access-control-allow-origin").asText());
        JsonPath summary = JsonPath.from(answer.path("body").asText());
        assertEquals("Example", summary.getString("page.name"));
        assertTrue(summary.getList("components.id").contains("api"));
        String etag = answer.path("headers").path("etag").asText();
        JsonNode again = invoke(event("status-page.json", Map.of("DOCUMENT", "summary.json", "ETAG", etag.replace("\"", "\\\""))));
        assertEquals(304, again.path("statusCode").asInt(), again.toString());
        // The same export the minute schedule runs in-process, through an EventBridge event.
        JsonNode export = invoke(LambdaEvents.JSON.createObjectNode().put("firebreak", "schedule").put("job", "status-export"));
        assertTrue(export.has("indicator"), export.toString());
    }

    @Test
    void aPublicPostIsInTheStaticCopyBeforeTheLambdaAnswers() throws Exception {
        String name = "Checkout errors " + System.nanoTime();
        ObjectNode declare = event("get-incident.json", Map.of("TOKEN", Tokens.RESPONDER, "INCIDENT_ID", "x"));
        declare.put("rawPath", "/declare-incident").put("rawQueryString", "").put("routeKey", "POST /declare-incident");
        ((ObjectNode) declare.path("requestContext").path("http")).put("method", "POST").put("path", "/declare-incident");
        declare.remove("queryStringParameters");
        LambdaEvents.withBody(declare, "application/json", "{\"title\":\"Pool exhausted\",\"severity\":\"P1\","
                + "\"impact\":\"checkout\",\"public\":{\"title\":\"" + name + "\",\"text\":\"Investigating.\"}}", false);
        var answer = invokeHttp(declare);
        assertEquals(200, answer.status(), answer.body().prettify());
        // Frozen once it answers: the copy was written before, not in the background.
        String index = java.nio.file.Files.readString(java.nio.file.Path.of("target/status-export/index.html"));
        assertTrue(index.contains(name), "the static copy shows the post as the Lambda answers");
    }

    @Test
    void getIncidentOverHttpApiEvent() {
        FakeApp.answer(503, 0);
        String id = invokeHttp(event("confirm-outage.json", as(Tokens.MONITOR))).body().getString("incidentId");
        var answer = invokeHttp(event("get-incident.json", Map.of("TOKEN", Tokens.RESPONDER, "INCIDENT_ID", id)));
        assertEquals(200, answer.status());
        assertEquals(id, answer.body().getString("id"));
        assertEquals(List.of("declared", "confirmation"), answer.body().getList("timeline.kind"));
    }

    @Test
    void anEventOfNoKnownShapeIsRefusedAsJson() {
        JsonNode answer = invoke(LambdaEvents.JSON.createObjectNode().put("hello", "world"));
        assertEquals("unknown_event", answer.path("error").path("code").asText());
        assertNull(answer.get("statusCode"));
    }
}
