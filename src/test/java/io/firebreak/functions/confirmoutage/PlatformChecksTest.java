package io.firebreak.functions.confirmoutage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import io.firebreak.testing.FakeSentry;
import io.firebreak.testing.FakeSupabase;
import io.firebreak.testing.FakeSupabaseLogs;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * confirm-outage's edge-functions and sentry checks against the faked Supabase log endpoint and
 * Sentry: the audit spike's rule (ratio to the 24 h baseline, a minimum of events), P2/P1, a
 * provider's own failure shown but never counted, and readings reused so probes do not spend the limits.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeSupabase.class)
@WithTestResource(FakeSentry.class)
class PlatformChecksTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    PlatformSignals signals;

    OpsRecords ops;

    @BeforeEach
    void quiet() {
        TargetData target = new TargetData(db.target());
        target.reset();
        target.tenants(20);
        ops = new OpsRecords(db.ops());
        ops.quiet();
        signals.clear();
        FakeSupabase.contract().reset();
        FakeSupabase.logs().reset();
        FakeSentry.reset();
    }

    static ValidatableResponse confirm() {
        return given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON)
                .body("{\"windowMinutes\":10}").post("/confirm-outage").then();
    }

    /** Edge 5xx: the window's count, and over the 24 h baseline (1430 minutes = 143 windows of 10). */
    static void edge(long window5xx, long windowResponses, long baseline5xx) {
        FakeSupabase.logs().answer(q -> {
            boolean baseline = q.range().compareTo(Duration.ofHours(1)) > 0;
            return FakeSupabaseLogs.Answer.rows("[{\"server_errors\":\"" + (baseline ? baseline5xx : window5xx)
                    + "\",\"responses\":\"" + (baseline ? baseline5xx * 20 : windowResponses) + "\"}]");
        });
    }

    static void sentry(long window, long baseline) {
        FakeSentry.answer(c -> c.endpoint().equals("events")
                ? FakeSentry.Answer.json(FakeSentry.count(java.time.Duration.between(
                        java.time.LocalDateTime.parse(c.query().path("start").asText()),
                        java.time.LocalDateTime.parse(c.query().path("end").asText())).toHours() > 1 ? baseline : window))
                : FakeSentry.quiet(c));
    }

    @Test
    void anEdgeFunction5xxSpikeIsP1AndDeclares() {
        edge(300, 1000, 1430); // 10 per window usually: 30×
        sentry(25, 2860);       // 20 per window usually: 1.25×
        confirm().statusCode(200)
                .body("verdict", is("degraded"))
                .body("severity", is("P1"))
                .body("incidentAction", is("declared"))
                .body("checks.name", is(List.of("database", "app-health", "connections", "audit-spike", "edge-functions",
                        "sentry")))
                .body("checks.find { it.name == 'edge-functions' }.status", is("fail"))
                .body("checks.find { it.name == 'edge-functions' }.detail.events", is(300))
                .body("checks.find { it.name == 'edge-functions' }.detail.baseline", is(10.0f))
                .body("checks.find { it.name == 'edge-functions' }.detail.ratio", is(30.0f))
                .body("checks.find { it.name == 'edge-functions' }.detail.serverErrorRatio", is(0.3f))
                .body("checks.find { it.name == 'sentry' }.status", is("ok"))
                .body("title", startsWith("Degraded: edge-functions 300 Edge Function 5xx responses in 10 min"));
        assertEquals("target/edge-functions", ops.openIncidents().get(0).get("fingerprint"));
        // The window and the baseline, both within 24 h, both timestamps sent, in the contract.
        List<FakeSupabaseLogs.Query> queries = FakeSupabase.logs().queries();
        assertEquals(2, queries.size(), queries.toString());
        assertTrue(queries.stream().anyMatch(q -> q.range().equals(Duration.ofMinutes(10))));
        assertTrue(queries.stream().anyMatch(q -> q.range().equals(Duration.ofMinutes(1430))));
        assertEquals(List.of(), FakeSupabase.contract().refusals());
        assertEquals(List.of(), FakeSupabase.logs().refusals());
        assertEquals(List.of(), FakeSentry.contract().refusals());
    }

    @Test
    void aSentryErrorSpikeWarnsAtP2() {
        edge(0, 500, 0);
        sentry(80, 2860); // 4×
        confirm().statusCode(200)
                .body("verdict", is("degraded"))
                .body("severity", is("P2"))
                .body("incidentId", nullValue())
                .body("checks.find { it.name == 'sentry' }.status", is("warn"))
                .body("checks.find { it.name == 'sentry' }.detail.ratio", is(4.0f))
                .body("checks.find { it.name == 'edge-functions' }.status", is("ok"));
    }

    @Test
    void belowTheMinimumOfEventsNothingSpikes() {
        edge(15, 40, 0);    // 15× a quiet baseline, but fewer than 20 events
        sentry(19, 0);
        confirm().statusCode(200)
                .body("verdict", is("healthy"))
                .body("checks.find { it.name == 'edge-functions' }.status", is("ok"))
                .body("checks.find { it.name == 'edge-functions' }.summary", is("15 Edge Function 5xx responses in 10 min"
                        + " vs 0.0 usual (15×), fewer than 20 events"))
                .body("checks.find { it.name == 'sentry' }.status", is("ok"));
    }

    @Test
    void aProbeStormCostsTheProvidersOneReadingPerTtl() {
        edge(0, 100, 0);
        sentry(0, 0);
        for (int i = 0; i < 5; i++) {
            confirm().statusCode(200).body("verdict", is("healthy"));
        }
        // Five probes, one window query and one baseline query each: the rest came from the cache.
        assertEquals(2, FakeSupabase.logs().queries().size(), FakeSupabase.logs().queries().toString());
        assertEquals(2, FakeSentry.calls().size(), FakeSentry.calls().toString());
        confirm().statusCode(200).body("checks.find { it.name == 'edge-functions' }.detail.readingAgeSeconds",
                org.hamcrest.Matchers.lessThan(60));
    }

    @Test
    void aProviderThatCannotBeReadIsShownButNotCounted() {
        FakeSupabase.logs().answer(q -> new FakeSupabaseLogs.Answer(401, java.util.Map.of(), "{\"message\":\"Unauthorized\"}"));
        FakeSentry.answer(c -> new FakeSentry.Answer(500, java.util.Map.of(), "{\"detail\":\"Internal Error\"}"));
        confirm().statusCode(200)
                .body("verdict", is("healthy"))
                .body("severity", nullValue())
                .body("checks.find { it.name == 'edge-functions' }.status", is("skipped"))
                .body("checks.find { it.name == 'edge-functions' }.summary",
                        startsWith("could not read: Supabase refused SUPABASE_ACCESS_TOKEN (HTTP 401"))
                .body("checks.find { it.name == 'sentry' }.summary", startsWith("could not read: Sentry answered HTTP 500"));
        assertTrue(ops.openIncidents().isEmpty());
    }
}
