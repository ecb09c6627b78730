package io.firebreak.functions.platformlogs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.testing.FakeSentry;
import io.firebreak.testing.FakeSupabase;
import io.firebreak.testing.FakeSupabaseLogs;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** platform-logs against Supabase's log endpoint and Sentry, both faked to their published contracts. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeSupabase.class)
@WithTestResource(FakeSentry.class)
class PlatformLogsFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    static final String LONG = "x".repeat(900);

    @BeforeEach
    void fresh() {
        FakeSupabase.contract().reset();
        FakeSupabase.logs().reset();
        FakeSentry.reset();
        new OpsRecords(db.ops()).quiet();
    }

    static Response call(String body) {
        return given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType("application/json").body(body)
                .post("/platform-logs");
    }

    /** Answers in the shapes the endpoints really send: ClickHouse's 64-bit counts as strings, extra columns, nulls. */
    static FakeSupabaseLogs.Answer spike(FakeSupabaseLogs.Query q) {
        return switch (q.name()) {
            case "firebreak: edge function responses by status" -> FakeSupabaseLogs.Answer.rows("""
                    [{"status_code":200,"function_id":"6d1e0c2a-1111-4111-8111-aaaaaaaaaaaa","count":"1601"},
                     {"status_code":503,"function_id":"6d1e0c2a-1111-4111-8111-aaaaaaaaaaaa","count":"200"},
                     {"status_code":401,"function_id":"9b0c0c2a-2222-4222-8222-bbbbbbbbbbbb","count":27},
                     {"status_code":500,"function_id":"9b0c0c2a-2222-4222-8222-bbbbbbbbbbbb","count":"12"},
                     {"status_code":0,"function_id":null,"count":"0","extra":true}]""");
            case "firebreak: auth failures" -> FakeSupabaseLogs.Answer.rows("""
                    [{"status":400,"path":"/token","msg":"Invalid login credentials","error":"invalid_grant","count":"33"},
                     {"status":429,"path":"/token","msg":null,"error":"over_request_rate_limit","count":"8"}]""");
            case "firebreak: function log tail" -> FakeSupabaseLogs.Answer.rows("""
                    [{"id":"a1","timestamp":"2026-12-01T12:59:58.215000","event_message":"connect ECONNREFUSED 10.0.0.5:6543",
                      "level":"error","function_id":"6d1e0c2a-1111-4111-8111-aaaaaaaaaaaa"},
                     {"id":"a2","timestamp":1796129997000000,"event_message":"%s","level":"log","function_id":null}]"""
                    .formatted(LONG));
            default -> FakeSupabaseLogs.Answer.rows("[]");
        };
    }

    static FakeSentry.Answer sentrySpike(FakeSentry.Call c) {
        if (c.endpoint().equals("events")) {
            return FakeSentry.Answer.json(FakeSentry.count(c.query().has("statsPeriod") ? 930 : 41));
        }
        return new FakeSentry.Answer(200, Map.of("Link", "<https://sentry.io/api/0/organizations/acme/issues/?cursor=0:0:1>;"
                + " rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", <https://sentry.io/api/0/organizations/acme/issues/"
                + "?cursor=0:10:0>; rel=\"next\"; results=\"true\"; cursor=\"0:10:0\""), """
                [{"id":"4412","shortId":"PETROFLOW-1A2","title":"TypeError: Cannot read properties of undefined (reading 'id')",
                  "culprit":"checkout/submit","permalink":"https://acme.sentry.io/issues/4412/","level":"error",
                  "status":"unresolved","count":"812","userCount":97,"firstSeen":"2026-11-30T08:00:00Z",
                  "lastSeen":"2026-12-01T12:59:51Z","project":{"id":"4504123","slug":"petroflow-sparkle"},
                  "metadata":{"type":"TypeError"},"isBookmarked":false,"assignedTo":null}]""");
    }

    @Test
    void answersEverySourceOverTheWindowWithinTheContracts() {
        FakeSupabase.logs().answer(PlatformLogsFunctionTest::spike);
        FakeSentry.answer(PlatformLogsFunctionTest::sentrySpike);

        Response r = call("{}");
        r.then().statusCode(200)
                .body("window.minutes", is(30))
                .body("supabase.engine", is("clickhouse"))
                .body("supabase.edgeFunctions.responses", is(1840))
                .body("supabase.edgeFunctions.serverErrors", is(212))
                .body("supabase.edgeFunctions.serverErrorRatio", is(0.1152f))
                .body("supabase.edgeFunctions.byStatus.status", is(List.of(0, 200, 401, 500, 503)))
                .body("supabase.edgeFunctions.serverErrorsByFunction[0].serverErrors", is(200))
                .body("supabase.authFailures.failures", is(41))
                .body("supabase.authFailures.top[0].message", is("Invalid login credentials: invalid_grant"))
                .body("supabase.authFailures.top[1].message", is("over_request_rate_limit"))
                .body("supabase.functionLogs.lines[0].at", is("2026-12-01T12:59:58.215Z"))
                .body("supabase.functionLogs.lines[0].level", is("error"))
                .body("supabase.functionLogs.lines[1].at", is("2026-12-01T12:59:57Z"))
                .body("supabase.functionLogs.lines[1].message.length()", is(501))
                .body("supabase.functionLogs.truncatedMessages", is(1))
                .body("sentry.errorVolume.events", is(930))
                .body("sentry.errorVolume.previousEvents", is(41))
                .body("sentry.errorVolume.ratio", is(22.7f))
                .body("sentry.topIssues.issues[0].count", is(812))
                .body("sentry.topIssues.issues[0].culprit", is("checkout/submit"))
                .body("sentry.topIssues.issues[0].permalink", is("https://acme.sentry.io/issues/4412/"))
                .body("sentry.topIssues.more", is(true));
        String body = r.asString();
        assertFalse(body.contains(FakeSupabase.TOKEN) || body.contains(FakeSentry.TOKEN), body);

        // Every query carried the window as both timestamps, 30 minutes, in the ClickHouse dialect.
        List<FakeSupabaseLogs.Query> queries = FakeSupabase.logs().queries();
        assertEquals(3, queries.size(), queries.toString());
        for (FakeSupabaseLogs.Query q : queries) {
            assertTrue(q.clickhouse());
            assertEquals(Duration.ofMinutes(30), q.range(), q.toString());
        }
        // Sentry: the last 30 minutes by statsPeriod, the previous 30 by start/end, issues of the last hour.
        List<FakeSentry.Call> calls = FakeSentry.calls();
        assertEquals(3, calls.size(), calls.toString());
        assertTrue(calls.stream().anyMatch(c -> c.endpoint().equals("events") && c.query().path("statsPeriod").asText().equals("30m")));
        assertTrue(calls.stream().anyMatch(c -> c.endpoint().equals("events") && c.query().has("start")));
        assertTrue(calls.stream().anyMatch(c -> c.endpoint().equals("issues") && c.query().path("statsPeriod").asText().equals("1h")
                && c.query().path("sort").asText().equals("freq") && c.query().path("query").asText().equals("is:unresolved")));
        assertEquals(List.of(), FakeSupabase.contract().refusals());
        assertEquals(List.of(), FakeSupabase.logs().refusals());
        assertEquals(List.of(), FakeSentry.contract().refusals());
    }

    @Test
    void theWindowAroundAnIncident() {
        String id = Lifecycle.declare("Checkout failing", "P1", null);
        Instant opened = Instant.parse(Lifecycle.call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}")
                .statusCode(200).extract().path("openedAt"));
        call("{\"incidentId\":\"" + id + "\",\"minutes\":15,\"tail\":5}").then().statusCode(200)
                .body("window.incidentId", is(id))
                .body("window.note", nullValue())
                .body("supabase.functionLogs.limit", is(5));
        Instant from = opened.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minus(Duration.ofMinutes(15));
        for (FakeSupabaseLogs.Query q : FakeSupabase.logs().queries()) {
            assertEquals(from, q.start(), q.toString());
        }
        assertTrue(FakeSupabase.logs().queries().stream().anyMatch(q -> q.sql().contains("limit 5")));
        // Around an incident, Sentry is asked by start/end, never by a period relative to now.
        assertTrue(FakeSentry.calls().stream().noneMatch(c -> c.query().has("statsPeriod")), FakeSentry.calls().toString());
        assertEquals(List.of(), FakeSentry.contract().refusals());

        call("{\"incidentId\":\"INC-2020-01-01-999\"}").then().statusCode(404).body("error.code", is("incident_not_found"))
                .body("error.field", is("incidentId"));
    }

    @Test
    void eachSourceSaysWhyItCouldNotBeRead() throws InterruptedException {
        FakeSupabase.logs().answer(q -> switch (q.name()) {
            // The endpoint refuses a query with HTTP 200 and an error.
            case "firebreak: edge function responses by status" -> new FakeSupabaseLogs.Answer(200, Map.of(),
                    "{\"result\":null,\"error\":{\"code\":400,\"message\":\"Unknown identifier log_attributes\"}}");
            case "firebreak: auth failures" -> new FakeSupabaseLogs.Answer(401, Map.of(), "{\"message\":\"Unauthorized\"}");
            default -> new FakeSupabaseLogs.Answer(429, Map.of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1"),
                    "{\"message\":\"Rate limit exceeded\"}");
        });
        FakeSentry.answer(c -> c.endpoint().equals("events")
                ? new FakeSentry.Answer(429, Map.of("X-Sentry-Rate-Limit-Remaining", "0", "X-Sentry-Rate-Limit-Reset",
                        Long.toString(System.currentTimeMillis() / 1000 + 2)), "{\"detail\":\"You are attempting to use this"
                        + " endpoint too frequently. Limit is 40 requests in 1 seconds\"}")
                : new FakeSentry.Answer(401, Map.of(), "{\"detail\":\"Invalid token\"}"));

        Response r = call("{\"minutes\":5}");
        r.then().statusCode(200)
                .body("supabase.edgeFunctions.error", is("Supabase refused the log query: Unknown identifier log_attributes"))
                .body("supabase.authFailures.error", startsWith("Supabase refused SUPABASE_ACCESS_TOKEN (HTTP 401"))
                .body("supabase.functionLogs.error", startsWith("rate limited by Supabase (429)"))
                .body("sentry.errorVolume.error", startsWith("rate limited by Sentry (429): You are attempting"))
                .body("sentry.topIssues.error", startsWith("Sentry refused SENTRY_TOKEN (HTTP 401"));
        assertFalse(r.asString().contains(FakeSupabase.TOKEN) || r.asString().contains(FakeSentry.TOKEN));

        // Sentry paused its events endpoint: nobody calls it again before the reset, the answer says so at once.
        // Supabase's pause is a second: a call waits for it (within its 8 s) rather than failing.
        int sentryBefore = FakeSentry.calls().size();
        FakeSupabase.logs().reset();
        long start = System.nanoTime();
        call("{\"minutes\":5}").then().statusCode(200)
                .body("supabase.edgeFunctions.responses", is(0))
                .body("sentry.errorVolume.error", startsWith("rate limited: Sentry asked firebreak to wait"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 500, "waited for Supabase's reset: " + ms + " ms");
        assertTrue(FakeSentry.calls().stream().skip(sentryBefore).noneMatch(c -> c.endpoint().equals("events")),
                FakeSentry.calls().toString());
        Thread.sleep(2100);
        FakeSentry.reset();
        call("{\"minutes\":5}").then().statusCode(200).body("sentry.errorVolume.events", is(0))
                .body("sentry.topIssues.issues.size()", is(0));
    }

    @Test
    void anAnswerThatIsNotTheEndpointsIsAnErrorNeverZeroRows() {
        FakeSupabase.logs().answer(q -> new FakeSupabaseLogs.Answer(200, Map.of("Content-Type", "text/html"),
                "<html><body>Bad gateway</body></html>"));
        FakeSentry.answer(c -> new FakeSentry.Answer(200, Map.of("Content-Type", "text/html"), "<html></html>"));
        call("{\"minutes\":5}").then().statusCode(200)
                .body("supabase.edgeFunctions.error", is("Supabase's answer has no result rows (HTTP 200)"))
                .body("supabase.authFailures.error", is("Supabase's answer has no result rows (HTTP 200)"))
                .body("supabase.functionLogs.error", is("Supabase's answer has no result rows (HTTP 200)"))
                .body("sentry.errorVolume.error", is("Sentry's answer has no data array"))
                .body("sentry.topIssues.error", is("Sentry's answer is not a list of issues"));
    }

    @Test
    void badInputNamesItsField() {
        for (String[] bad : new String[][] { { "{\"minutes\":0}", "minutes" }, { "{\"minutes\":1441}", "minutes" },
                { "{\"tail\":51}", "tail" }, { "{\"tail\":0}", "tail" }, { "{\"incidentId\":\"yesterday\"}", "incidentId" } }) {
            call(bad[0]).then().statusCode(400).body("error.code", is("invalid_value")).body("error.field", is(bad[1]));
        }
        assertEquals(0, FakeSupabase.logs().queries().size());
        // A query string works as well as a body.
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).get("/platform-logs?minutes=1440&tail=1").then()
                .statusCode(200).body("window.minutes", is(1440)).body("supabase.skipped", nullValue());
        assertEquals(List.of(), FakeSupabase.logs().refusals());
    }

    /** The fakes themselves refuse what Supabase and Sentry refuse, so "no refusals" above means something. */
    @Test
    void theFakesHoldToThePublishedContracts() {
        String supabase = FakeSupabase.server().baseUrl() + "/v1/projects/" + FakeSupabase.REF + "/analytics/endpoints/logs";
        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        String hourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        String sql = "-- t\nselect count() as n from logs where source = 'function_logs' limit 1";
        var auth = Map.of("Authorization", "Bearer " + FakeSupabase.TOKEN);
        given().baseUri(supabase).queryParam("sql", sql).queryParam("iso_timestamp_start", hourAgo)
                .queryParam("iso_timestamp_end", now).get().then().statusCode(401);
        given().baseUri(FakeSupabase.server().baseUrl() + "/v1/projects/NOT-A-REF/analytics/endpoints/logs").headers(auth)
                .queryParam("sql", sql).queryParam("iso_timestamp_start", hourAgo).queryParam("iso_timestamp_end", now).get()
                .then().statusCode(404);
        // Without both timestamps Supabase reads one minute: the contract refuses it, so a firebreak bug shows.
        given().baseUri(supabase).headers(auth).queryParam("sql", sql).get().then().statusCode(400);
        given().baseUri(supabase).headers(auth).queryParam("sql", sql).queryParam("iso_timestamp_start", hourAgo)
                .queryParam("iso_timestamp_end", now.replace("Z", "+00:00")).get().then().statusCode(400);
        // Over 24 h, and the wrong dialect: HTTP 200 with an error, as the endpoint answers.
        given().baseUri(supabase).headers(auth).queryParam("sql", sql)
                .queryParam("iso_timestamp_start", Instant.parse(now).minus(Duration.ofHours(25)).toString())
                .queryParam("iso_timestamp_end", now).get().then().statusCode(200).body("error.message", containsString("24 hours"));
        given().baseUri(supabase).headers(auth).queryParam("sql", "select count(*) from function_edge_logs")
                .queryParam("iso_timestamp_start", hourAgo).queryParam("iso_timestamp_end", now).get().then().statusCode(200)
                .body("error.message", is("Table \"function_edge_logs\" does not exist."));
        given().baseUri(supabase + ".all").headers(auth).queryParam("sql", sql).queryParam("iso_timestamp_start", hourAgo)
                .queryParam("iso_timestamp_end", now).get().then().statusCode(200).body("error.message",
                        is("Table \"logs\" does not exist."));
        // 30 a minute.
        int limited = 0;
        for (int i = 0; i < 31; i++) {
            Response r = given().baseUri(supabase).headers(auth).queryParam("sql", sql).queryParam("iso_timestamp_start", hourAgo)
                    .queryParam("iso_timestamp_end", now).get();
            if (r.statusCode() == 429) {
                limited++;
                assertEquals("0", r.header("X-RateLimit-Remaining"));
                assertEquals("60", r.header("X-RateLimit-Reset"));
            }
        }
        assertTrue(limited >= 1, "the 31st request in a minute is refused");

        String sentry = FakeSentry.server().baseUrl() + "/api/0/organizations/" + FakeSentry.ORG;
        var bearer = Map.of("Authorization", "Bearer " + FakeSentry.TOKEN);
        given().baseUri(sentry + "/events/").queryParam("dataset", "errors").queryParam("field", "count()")
                .queryParam("project", FakeSentry.PROJECT).queryParam("statsPeriod", "30m").get().then().statusCode(401)
                .body("detail", is("Invalid token"));
        given().baseUri(sentry + "/events/").headers(bearer).queryParam("dataset", "errors").queryParam("field", "count()")
                .queryParam("project", FakeSentry.PROJECT).queryParam("statsPeriod", "30m").queryParam("start", "2026-12-01T12:00:00")
                .queryParam("end", "2026-12-01T12:30:00").get().then().statusCode(400);
        given().baseUri(sentry + "/events/").headers(bearer).queryParam("dataset", "errors").queryParam("field", "count()")
                .queryParam("project", "petroflow-sparkle").queryParam("statsPeriod", "30m").get().then().statusCode(400);
        given().baseUri(sentry + "/issues/").headers(bearer).queryParam("project", FakeSentry.PROJECT).queryParam("limit", "101")
                .get().then().statusCode(400);
        given().baseUri(sentry + "/teams/").headers(bearer).get().then().statusCode(404);
        FakeSupabase.contract().reset();
        FakeSupabase.logs().reset();
        FakeSentry.reset();
    }

    @Test
    void theMonitorTokenMayNotReadLogs() {
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).get("/platform-logs").then().statusCode(403);
    }
}
