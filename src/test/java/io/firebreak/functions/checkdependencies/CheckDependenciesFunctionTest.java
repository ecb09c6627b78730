package io.firebreak.functions.checkdependencies;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

import io.firebreak.providers.vendorstatus.VendorStatus;
import io.firebreak.testing.FakeVendorStatus;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestClock;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * check-dependencies against the shipped dependencies, each served by the vendor-status fake in
 * its vendor's published shape: every kind, the cache and its single flight, a hung, malformed,
 * oversized or moved page, the watch's timeline note (once, also under a race), confirm-outage's
 * dependencies check (shown, never raising severity) and the post-mortem's vendor incidents.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeVendorStatus.class)
class CheckDependenciesFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    VendorStatus vendors;

    @Inject
    DependencyWatch watch;

    OpsRecords ops;

    @BeforeEach
    void normal() {
        TestClock.reset();
        ops = new OpsRecords(db.ops());
        ops.quiet();
        FakeVendorStatus.normal();
        vendors.forget();
    }

    @AfterEach
    void nothingRefused() {
        assertEquals(List.of(), FakeVendorStatus.contract().refusals(), "firebreak asked a vendor for something it does not serve");
    }

    static ValidatableResponse check(String body) {
        return given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON).body(body)
                .post("/check-dependencies").then();
    }

    static JsonPath dep(JsonPath answer, String name) {
        return new JsonPath(answer.prettify()).setRootPath("dependencies.find { it.name == '" + name + "' }");
    }

    @Test
    void everyKindIsReadAndNarrowedToWhatMatters() {
        JsonPath a = check("{}").statusCode(200).body("dependencies", hasSize(7)).extract().jsonPath();

        JsonPath supabase = dep(a, "supabase");
        assertEquals("incident-io", supabase.getString("kind"));
        assertEquals("minor", supabase.getString("indicator"));
        assertEquals("critical", supabase.getString("vendorIndicator"), "the Dashboard's full outage, not ours");
        assertTrue(supabase.getString("description").startsWith("Supabase reports degraded performance: Database, eu-west-1 since "),
                supabase.getString("description"));
        assertEquals(List.of("Increased query latency in eu-west-1"), supabase.getList("incidents.name"));
        assertEquals(List.of("Database"), supabase.getList("affectedComponents.name"));
        assertEquals(List.of("eu-west-1"), supabase.getList("affectedComponents.group"));
        assertTrue(supabase.getString("page").endsWith("/supabase"));

        JsonPath github = dep(a, "github");
        assertEquals("minor", github.getString("indicator"));
        assertEquals("major", github.getString("vendorIndicator"));
        assertEquals(List.of("https://stspg.io/pq8l6dy0zy9c"), github.getList("incidents.url"));
        assertEquals(List.of("minor"), github.getList("incidents.impact"));

        JsonPath slack = dep(a, "slack");
        assertEquals("minor", slack.getString("indicator"));
        assertEquals(List.of("Apps/Integrations/APIs"), slack.getList("affectedComponents.name"));

        JsonPath railway = dep(a, "railway");
        assertEquals("feed", railway.getString("kind"));
        assertEquals("minor", railway.getString("indicator"));
        assertEquals(List.of("Builds are delayed in us-west2"), railway.getList("incidents.name"));

        assertEquals("none", dep(a, "resend").getString("indicator"));
        JsonPath twilio = dep(a, "twilio");
        assertEquals("none", twilio.getString("indicator"));
        assertEquals(List.of("MMS carrier maintenance"), twilio.getList("maintenances.name"));
        assertEquals("none", dep(a, "xero").getString("indicator"));
        assertEquals("health", dep(a, "xero").getString("kind"));

        assertEquals(4, a.getList("trouble").size(), a.prettify());
        assertEquals(List.of(), a.getList("unread"));
        assertTrue(a.getString("summary").endsWith("3 of 7 operational"), a.getString("summary"));
    }

    @Test
    void oneByNameAndAnUnknownNameIsRefusedWithItsField() {
        check("{\"name\":\"github\"}").statusCode(200).body("dependencies", hasSize(1)).body("dependencies[0].name", is("github"));
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).queryParam("name", "slack").get("/check-dependencies")
                .then().statusCode(200).body("dependencies[0].name", is("slack"));
        check("{\"name\":\"statuspage-of-nobody\"}").statusCode(404).body("error.code", is("unknown_dependency"))
                .body("error.field", is("name"));
        check("{\"name\":\"Git Hub!\"}").statusCode(400).body("error.code", is("invalid_value")).body("error.field", is("name"));
    }

    @Test
    void aSecondCallWithinTheTtlReadsNothingAndConcurrentCallsShareOneRead() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> check("{}").extract().statusCode());
            }
            for (Future<Integer> f : pool.invokeAll(calls)) {
                assertEquals(200, f.get());
            }
        } finally {
            pool.shutdown();
        }
        for (String vendor : FakeVendorStatus.PATHS.keySet()) {
            assertEquals(1, FakeVendorStatus.requests(vendor), vendor + ": eight concurrent calls, one read");
        }
        check("{}").statusCode(200).body("dependencies[0].ageMs", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
        assertEquals(7, FakeVendorStatus.requests(), "within the TTL nothing is read again");
        Thread.sleep(FakeVendorStatus.FRESH_FLOOR_MS + 100);
        check("{\"name\":\"github\",\"fresh\":true}").statusCode(200);
        assertEquals(2, FakeVendorStatus.requests("github"), "fresh reads past the cache");
        check("{\"name\":\"github\",\"fresh\":true}").statusCode(200);
        assertEquals(2, FakeVendorStatus.requests("github"), "but not past the fresh floor: a loop cannot hammer the vendor");
        assertEquals(1, FakeVendorStatus.requests("slack"));
    }

    @Test
    void aHungVendorAnswersWithinTheDeadlineAndTheOthersStillAnswer() {
        FakeVendorStatus.hang("github", Duration.ofSeconds(6));
        long start = System.nanoTime();
        JsonPath a = check("{}").statusCode(200).extract().jsonPath();
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(ms < FakeVendorStatus.TIMEOUT_MS + 1500, "answered in " + ms + " ms");
        JsonPath github = dep(a, "github");
        assertEquals("unknown", github.getString("indicator"));
        assertEquals("no answer within " + FakeVendorStatus.TIMEOUT_MS + " ms", github.getString("error"));
        assertEquals("minor", dep(a, "supabase").getString("indicator"));
        assertTrue(a.getList("unread").toString().contains("github"));
        // A failed read is remembered briefly: the next call does not wait on the vendor again.
        long again = System.nanoTime();
        check("{\"name\":\"github\"}").statusCode(200).body("dependencies[0].error", startsWith("no answer within"));
        assertTrue(Duration.ofNanos(System.nanoTime() - again).toMillis() < 500);
        assertEquals(1, FakeVendorStatus.requests("github"));
    }

    @Test
    void aMalformedFeedAFeedWithADtdAnOversizedAnswerAndAMovedPageAreErrorsNotGuesses() {
        FakeVendorStatus.answer("railway", "malformed-feed.xml");
        FakeVendorStatus.answer("resend", 200, "<!doctype html><html><body>Status</body></html>");
        FakeVendorStatus.answer("twilio", 200, "{\"status\":{\"indicator\":\"none\"},\"components\":[],\"pad\":\""
                + "x".repeat(FakeVendorStatus.MAX_BYTES) + "\"}");
        FakeVendorStatus.redirect("github", "https://www.githubstatus.com/api/v2/summary.json?utm=1");
        FakeVendorStatus.answer("xero", 503, "down");
        JsonPath a = check("{}").statusCode(200).extract().jsonPath();
        assertTrue(dep(a, "railway").getString("error").startsWith("malformed feed: "), dep(a, "railway").getString("error"));
        assertEquals("unknown", dep(a, "railway").getString("indicator"));
        assertTrue(dep(a, "resend").getString("error").contains("not JSON (an HTML or XML page)"), dep(a, "resend").getString("error"));
        assertEquals("answer larger than " + FakeVendorStatus.MAX_BYTES + " bytes", dep(a, "twilio").getString("error"));
        assertEquals("HTTP 301 redirect to https://www.githubstatus.com/api/v2/summary.json not followed: declare the page's final address",
                dep(a, "github").getString("error"));
        assertEquals("major", dep(a, "xero").getString("indicator"));
        assertEquals("answered HTTP 503, expected 200", dep(a, "xero").getString("description"));
        assertEquals(1, FakeVendorStatus.requests("github"), "the redirect was not followed");

        vendors.forget();
        FakeVendorStatus.answer("railway", "xxe-feed.xml");
        check("{\"name\":\"railway\"}").statusCode(200).body("dependencies[0].error", is("malformed feed: a DTD is not accepted"));
        vendors.forget();
        FakeVendorStatus.answer("railway", "railway-atom.xml");
        check("{\"name\":\"railway\"}").statusCode(200)
                .body("dependencies[0].incidents.name", is(List.of("Edge network errors in europe-west4")))
                .body("dependencies[0].maintenances.name", is(List.of("Database host migration")));
    }

    @Test
    void theWatchNotesVendorTroubleOnAnOpenIncidentExactlyOnceEvenUnderARace() throws Exception {
        Map<String, Object> none = watch.run().await().atMost(Duration.ofSeconds(10));
        assertEquals(0, none.get("openIncidents"));
        assertEquals(0, FakeVendorStatus.requests(), "no open incident: no vendor is read");

        String id = Lifecycle.declare("Checkout slow", "P2", null);
        watch.run().await().atMost(Duration.ofSeconds(10));
        watch.run().await().atMost(Duration.ofSeconds(10));
        List<Map<String, Object>> notes = vendorNotes(id);
        assertEquals(4, notes.size(), notes.toString());
        List<String> summaries = notes.stream().map(n -> (String) n.get("summary")).toList();
        assertTrue(summaries.stream().anyMatch(s -> s.matches(
                "Supabase reports degraded performance: Database, eu-west-1 since \\d\\d:\\d\\d UTC — Increased query latency in eu-west-1 \\(identified\\)")),
                summaries.toString());
        assertTrue(summaries.stream().anyMatch(s -> s.startsWith("GitHub reports degraded performance: API Requests since ")),
                summaries.toString());
        String supabase = (String) notes.stream().filter(n -> ((String) n.get("summary")).startsWith("Supabase")).findFirst()
                .orElseThrow().get("detail");
        assertTrue(supabase.contains("\"url\": \"https://status.supabase.com/incidents/01JEH5T6B3Y0Q2K8V4W9X7Z1AB\""), supabase);
        assertTrue(supabase.contains("\"started\": \""), supabase);
        assertEquals("schedule:dependency-watch", notes.get(0).get("source"));

        // A new vendor incident appears; eight watches race: it is noted once.
        FakeVendorStatus.answer("resend", 200, "{\"page_title\":\"Resend\",\"ongoing_incidents\":[{\"id\":\"01RS1\","
                + "\"name\":\"Emails delayed\",\"status\":\"investigating\",\"url\":\"https://resend-status.com/incidents/01RS1\","
                + "\"current_worst_impact\":\"partial_outage\",\"affected_components\":[],\"last_update_at\":null}],"
                + "\"in_progress_maintenances\":[]}");
        vendors.forget();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Object>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(() -> watch.run().await().atMost(Duration.ofSeconds(10)));
            }
            for (Future<Object> f : pool.invokeAll(runs)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<Map<String, Object>> after = vendorNotes(id);
        assertEquals(5, after.size(), after.toString());
        assertEquals(1, after.stream().filter(n -> ((String) n.get("summary")).startsWith("Resend reports a major incident: Emails delayed"))
                .count(), after.toString());
        assertEquals(1, FakeVendorStatus.requests("resend") - 1, "the racing watches shared one read");
    }

    @Test
    void confirmOutageShowsTheDependenciesCheckWithoutRaisingSeverity() {
        TargetData target = new TargetData(db.target());
        target.reset();
        target.tenants(50);
        confirm().statusCode(200)
                .body("verdict", is("healthy"))
                .body("severity", nullValue())
                .body("incidentId", nullValue())
                .body("checks.name", is(List.of("database", "app-health", "connections", "audit-spike", "edge-functions", "sentry", "dependencies")))
                .body("checks.find { it.name == 'dependencies' }.status", is("warn"))
                .body("checks.find { it.name == 'dependencies' }.summary", containsString("Supabase reports degraded performance"))
                .body("checks.find { it.name == 'dependencies' }.detail.dependencies", hasSize(7));
        assertTrue(ops.openIncidents().isEmpty());

        // A hung vendor page: the verdict still comes within the check timeout, the page is named as not read.
        vendors.forget();
        FakeVendorStatus.hang("supabase", Duration.ofSeconds(6));
        long start = System.nanoTime();
        confirm().statusCode(200)
                .body("verdict", is("healthy"))
                .body("checks.find { it.name == 'dependencies' }.summary", containsString("not read: supabase"));
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(ms < 2500, "confirm-outage answered in " + ms + " ms");

        // All quiet: ok.
        FakeVendorStatus.normal();
        FakeVendorStatus.answer("supabase", "resend-summary.json");
        FakeVendorStatus.answer("github", "twilio-summary.json");
        FakeVendorStatus.answer("slack", "slack-ok.json");
        FakeVendorStatus.answer("railway", 200, FakeVendorStatus.render("railway-rss.xml", java.time.Instant.now())
                .replace("&lt;strong&gt;Monitoring&lt;/strong&gt;", "&lt;strong&gt;Resolved&lt;/strong&gt;"));
        vendors.forget();
        confirm().statusCode(200).body("checks.find { it.name == 'dependencies' }.summary", is("7 of 7 vendors report no trouble"))
                .body("checks.find { it.name == 'dependencies' }.status", is("ok"))
                .body("checks.find { it.name == 'dependencies' }.summary", is("7 of 7 vendors report no trouble"));
    }

    @Test
    void thePostmortemListsTheVendorIncidentsThatOverlapped() {
        String id = Lifecycle.declare("Database slow", "P1", "\"commander\":\"ada\"");
        watch.run().await().atMost(Duration.ofSeconds(10));
        String md = Lifecycle.call("postmortem", Tokens.RESPONDER, "{\"id\":\"" + id + "\",\"template\":\"seed-003\"}")
                .statusCode(200).extract().path("markdown");
        assertTrue(md.contains("## Vendor Incidents\n| Vendor | Vendor incident | Impact | Started (UTC) | Noted (UTC) | Link |"), md);
        assertTrue(md.contains("| Supabase | Increased query latency in eu-west-1 (identified) | minor | "), md);
        assertTrue(md.contains("https://status.supabase.com/incidents/01JEH5T6B3Y0Q2K8V4W9X7Z1AB |"), md);
        assertTrue(md.contains("| GitHub | Incident with API Requests (investigating) | minor | "), md);
        assertTrue(md.contains("| Railway | Builds are delayed in us-west2 (monitoring) | minor | "), md);

        ops.quiet();
        String quiet = Lifecycle.declare("Nothing vendor-related", "P3", null);
        String none = Lifecycle.call("postmortem", Tokens.RESPONDER, "{\"id\":\"" + quiet + "\"}").statusCode(200)
                .extract().path("markdown");
        assertTrue(none.contains("## Vendor Incidents\nNo vendor reported trouble"), none);
    }

    List<Map<String, Object>> vendorNotes(String id) {
        return ops.timeline(id).stream().filter(e -> "vendor-status".equals(e.get("kind"))).toList();
    }

    static ValidatableResponse confirm() {
        return given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON).body("{}")
                .post("/confirm-outage").then();
    }
}
