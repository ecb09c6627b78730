package io.firebreak.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.firebreak.testing.Lifecycle.call;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Operability end to end: a probe, an incident declared, attached and resolved, an audited apply and
 * Slack calls through its fake move the meters /q/metrics shows without a token, and the JSON log
 * lines of those calls name their function, request, incident and audit record after the database
 * round trips that produced them.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSlack.class)
class OperabilityTest {

    static final Path LOG = Path.of("target/quarkus-test.log");

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
        FakeApp.answer(200, 0);
    }

    @AfterEach
    void slackBack() {
        FakeSlack.answerNormally();
    }

    @Test
    void metricsArePublicAndPrometheusShaped() {
        String text = given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/plain")).extract().asString();
        assertTrue(text.contains("# TYPE firebreak_outbox_depth gauge"), "outbox gauges are registered from the start");
        assertTrue(text.contains("firebreak_approvals_pending"), "approvals gauge is registered");
        for (String outbox : List.of("notifications", "team_messages", "status_deliveries", "event_webhook_deliveries",
                "ticket_actions")) {
            assertTrue(text.contains("firebreak_outbox_depth{channel=") && text.contains("outbox=\"" + outbox + "\""),
                    outbox + " has its gauge");
        }
        // No token, tenant or incident id ever becomes a tag.
        assertFalse(text.contains(Tokens.MONITOR) || text.contains("INC-") || text.contains("tenant_id"), "low-cardinality tags only");
    }

    @Test
    void probesIncidentsAppliesAndProviderCallsMoveTheirMeters() throws Exception {
        Metrics before = Metrics.scrape();

        // A probe over HTTP: its verdict and trigger, and each check's status and latency.
        target.tenants(5);
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON).body("{}")
                .post("/confirm-outage").then().statusCode(200);
        Metrics probed = Metrics.scrape();
        assertEquals(1, probed.sum("firebreak_probes_total", Map.of("trigger", "http"))
                - before.sum("firebreak_probes_total", Map.of("trigger", "http")));
        assertEquals(1, probed.sum("firebreak_probe_checks_total", Map.of("check", "database", "status", "ok"))
                - before.sum("firebreak_probe_checks_total", Map.of("check", "database", "status", "ok")));
        assertEquals(1, probed.sum("firebreak_probe_check_duration_seconds_count", Map.of("check", "database"))
                - before.sum("firebreak_probe_check_duration_seconds_count", Map.of("check", "database")));
        assertTrue(probed.sum("firebreak_probe_check_duration_seconds_bucket", Map.of("check", "database", "le", "+Inf")) >= 1,
                "the check latency has histogram buckets");

        // Slack throttles: the declaration's messages wait in the outbox, and the 429s are counted as such.
        FakeSlack.server().stubFor(post(urlEqualTo("/chat.postMessage")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "600").withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":false,\"error\":\"ratelimited\"}")));
        String requestId = "op-test-" + System.nanoTime();
        String id = given().header("Authorization", Tokens.bearer(Tokens.ADA)).header("X-Request-Id", requestId)
                .contentType(ContentType.JSON)
                .body("{\"title\":\"Checkout slow\",\"severity\":\"P2\",\"impact\":\"Payments take a minute\",\"commander\":\"ada\"}")
                .post("/declare-incident").then().statusCode(200).header("X-Request-Id", requestId)
                .extract().path("incidentId");
        call("declare-incident", Tokens.BOLA, "{\"title\":\"checkout SLOW\",\"severity\":\"P2\",\"impact\":\"x\"}")
                .statusCode(200).body("declared", is(false));
        Metrics declared = Metrics.scrape();
        assertEquals(1, declared.sum("firebreak_incidents_declared_total", Map.of("severity", "P2"))
                - before.sum("firebreak_incidents_declared_total", Map.of("severity", "P2")));
        assertEquals(1, declared.sum("firebreak_incidents_attached_total", Map.of())
                - before.sum("firebreak_incidents_attached_total", Map.of()));
        Metrics throttled = Metrics.await("a Slack 429 is timed and the team messages wait in the outbox", m ->
                m.sum("firebreak_provider_calls_seconds_count", Map.of("provider", "slack", "outcome", "429"))
                        > before.sum("firebreak_provider_calls_seconds_count", Map.of("provider", "slack", "outcome", "429"))
                        && m.sum("firebreak_outbox_depth", Map.of("outbox", "team_messages", "channel", "slack")) >= 1);
        assertTrue(throttled.sum("firebreak_outbox_oldest_age_seconds", Map.of("outbox", "team_messages", "channel", "slack")) >= 0);
        assertTrue(throttled.sum("firebreak_provider_calls_seconds_count", Map.of("provider", "slack", "outcome", "2xx"))
                > before.sum("firebreak_provider_calls_seconds_count", Map.of("provider", "slack", "outcome", "2xx")),
                "conversations.create answered 200");

        // Resolved by its commander, forced.
        FakeSlack.answerNormally();
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Cache warmed\",\"force\":true,"
                + "\"reason\":\"no probe history in this test\"}").statusCode(200).body("forced", is(true));

        // An audited apply: its plan and its change.
        target.tenants(1);
        String integration = target.integration("Xero", true);
        target.syncLogs(integration, "retrying", 12, 5);
        String planId = call("clear-retry-queue", Tokens.ADA, "{\"integrationId\":\"" + integration + "\"}")
                .statusCode(200).extract().path("planId");
        call("clear-retry-queue", Tokens.ADA, "{\"integrationId\":\"" + integration + "\",\"apply\":true,\"planId\":\""
                + planId + "\",\"reason\":\"retry storm\"}").statusCode(200);
        // The same plan again with another key is refused (409): counted as refused, nothing changed.
        given().header("Authorization", Tokens.bearer(Tokens.ADA)).header("Idempotency-Key", "op-again")
                .contentType(ContentType.JSON).body("{\"integrationId\":\"" + integration + "\",\"apply\":true,\"planId\":\""
                        + planId + "\",\"reason\":\"retry storm\"}")
                .post("/clear-retry-queue").then().statusCode(409);

        Metrics after = Metrics.scrape();
        assertEquals(1, after.sum("firebreak_incidents_resolved_total", Map.of("forced", "true"))
                - before.sum("firebreak_incidents_resolved_total", Map.of("forced", "true")));
        assertEquals(1, after.sum("firebreak_plans_total", Map.of("function", "clear-retry-queue"))
                - before.sum("firebreak_plans_total", Map.of("function", "clear-retry-queue")));
        Map<String, String> applied = Map.of("function", "clear-retry-queue", "action", "apply", "outcome", "applied");
        assertEquals(1, after.sum("firebreak_changes_total", applied) - before.sum("firebreak_changes_total", applied));
        Map<String, String> refused = Map.of("function", "clear-retry-queue", "action", "apply", "outcome", "refused");
        assertEquals(1, after.sum("firebreak_changes_total", refused) - before.sum("firebreak_changes_total", refused));
        assertTrue(after.sum("firebreak_approvals_pending", Map.of()) >= 0, "approvals pending read from the ops database");

        // The JSON log: the declaration's line, written after its commit, names the call that made it.
        // Matched by its request id too: another class's ops database in this JVM may have declared the same id.
        JsonNode declaredLine = awaitLine(l -> l.path("message").asText().equals("incident " + id + " declared")
                && requestId.equals(l.path("mdc").path("requestId").asText()));
        assertEquals("declare-incident", declaredLine.path("mdc").path("functionId").asText(), declaredLine.toString());
        assertEquals(requestId, declaredLine.path("mdc").path("requestId").asText(), declaredLine.toString());
        assertEquals(id, declaredLine.path("mdc").path("incidentId").asText(), declaredLine.toString());
        JsonNode appliedLine = awaitLine(l -> l.path("message").asText().startsWith("clear-retry-queue apply: applied"));
        assertEquals("clear-retry-queue", appliedLine.path("mdc").path("functionId").asText(), appliedLine.toString());
        assertTrue(appliedLine.path("mdc").path("auditId").asText().matches("\\d+"), appliedLine.toString());
        assertTrue(appliedLine.path("message").asText().endsWith("(audit record " + appliedLine.path("mdc").path("auditId").asText()
                + ")"), "the auditId field is the record the line names: " + appliedLine);
    }

    /** A JSON line of this run's log matching the test, waiting a little for the file handler to flush. */
    static JsonNode awaitLine(java.util.function.Predicate<JsonNode> wanted) throws IOException, InterruptedException {
        ObjectMapper mapper = new ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            for (String line : Files.readAllLines(LOG)) {
                if (line.startsWith("{")) {
                    JsonNode json = mapper.readTree(line);
                    if (wanted.test(json)) {
                        return json;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such line in " + LOG);
            }
            Thread.sleep(100);
        }
    }

    /** One scrape of /q/metrics, parsed: series name, labels, value. */
    record Metrics(List<Sample> samples) {

        record Sample(String name, Map<String, String> labels, double value) {
        }

        static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)$");
        static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        static Metrics scrape() {
            // Prometheus' own text format (a scraper asking for OpenMetrics gets that; both name the samples alike).
            String text = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                Matcher m = LINE.matcher(line.strip());
                if (line.startsWith("#") || !m.matches()) {
                    continue;
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
            }
            return new Metrics(samples);
        }

        static Metrics await(String what, java.util.function.Predicate<Metrics> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            Metrics m = scrape();
            while (!wanted.test(m)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(what + ": not seen in /q/metrics within 15 s; firebreak's samples: "
                            + m.samples().stream().filter(x -> x.name().startsWith("firebreak_") && !x.name().contains("bucket"))
                                    .map(Sample::toString).toList());
                }
                Thread.sleep(200);
                m = scrape();
            }
            return m;
        }

        /** The sum over the series of that name whose labels include these (0 when there is none; NaN counts as 0). */
        double sum(String name, Map<String, String> labels) {
            DoublePredicate real = v -> !Double.isNaN(v);
            return samples.stream().filter(s -> s.name().equals(name))
                    .filter(s -> labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
                    .mapToDouble(Sample::value).filter(real).sum();
        }
    }
}
