package io.firebreak.functions.recentchanges;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.firebreak.testing.Lifecycle.call;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.FakeGitHub;
import io.firebreak.testing.FakeRailway;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestClock;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * recent-changes against fakes that hold it to GitHub's and Railway's published contracts: the
 * window, every source's items or why it is skipped or failed, pagination and its limits, GitHub's
 * secondary rate limit and Railway's 429 (reported, and no further call until they have passed),
 * Railway's HTTP-200 errors, the target's Supabase migrations, and each declared incident's one
 * "what changed" event (under racing declarations and sweeps), which its post-mortem shows.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeGitHub.class)
@WithTestResource(FakeRailway.class)
@WithTestResource(RecentChangesFunctionTest.AtDeclaration.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecentChangesFunctionTest {

    /** The "what changed" event is gathered in the background here, as in the HTTP service. */
    public static class AtDeclaration implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            // A short call deadline, so the hanging GitHub below is given up on quickly.
            return Map.of("firebreak.changes.at-declaration", "background", "firebreak.changes.sweep-grace", "0s",
                    "firebreak.providers.timeout", "1500ms");
        }

        @Override
        public void stop() {
        }
    }

    static final String REPO = "/repos/" + FakeGitHub.REPOSITORY;

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    WhatChangedEvent event;

    Instant now;

    @BeforeEach
    void fakes() {
        now = TestClock.now().truncatedTo(ChronoUnit.SECONDS);
        FakeGitHub.server().resetAll();
        FakeGitHub.contract().reset();
        FakeRailway.server().resetAll();
        FakeRailway.contract().reset();
        Sql.exec(db.target(), "DROP SCHEMA IF EXISTS supabase_migrations CASCADE");
    }

    @Test
    @Order(1)
    void everySourceOverTheTwoHoursBeforeNowPagedAndBounded() {
        gitHubAnswers();
        railwayAnswers();
        JsonPath a = call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertEquals("the 2 h before now", a.getString("window.basis"));
        assertEquals(120, a.getInt("window.minutes"));

        assertEquals(FakeGitHub.REPOSITORY, a.getString("github.repository"));
        // Two pages through the link header; a commit without a GitHub account keeps its git author's name.
        assertEquals(List.of("6dcb09b5b578", "a1b2c3d4e5f6"), a.getList("github.commits.items.sha"));
        assertEquals(List.of("ada", "Build Bot"), a.getList("github.commits.items.author"));
        assertEquals("Fix checkout totals", a.getString("github.commits.items[0].message"));
        // The deployment older than the window stops the paging: page 2 is never asked for.
        assertEquals(List.of(3), a.getList("github.deployments.items.id"));
        assertEquals("failure", a.getString("github.deployments.items[0].state"));
        assertEquals("Health check failed", a.getString("github.deployments.items[0].stateDescription"));
        FakeGitHub.server().verify(0, getRequestedFor(urlPathEqualTo(REPO + "/deployments")).withQueryParam("page", equalTo("2")));
        // Merged in the window only: closed-unmerged is left out, and the pull updated before the window stops the list.
        assertEquals(List.of(42), a.getList("github.pulls.items.number"));

        assertTrue(a.getString("migrations.skipped").startsWith("no supabase_migrations.schema_migrations on the target"));

        assertEquals(List.of("api", "worker"), a.getList("railway.services.service"));
        assertEquals(List.of("d-3"), a.getList("railway.services[0].items.id"));
        assertEquals("d-3", a.getString("railway.services[0].latest.id"));
        // A GraphQL error comes with HTTP 200: it is an error, not an empty list.
        assertTrue(a.getString("railway.services[1].error").startsWith("Railway answered: Not Authorized"));
        assertEquals(0, a.getInt("railway.services[1].count"));

        assertEquals("2 commits, 1 deployment, 1 merged pull request, 1 Railway deployment (migrations skipped: "
                + a.getString("migrations.skipped") + "; Railway worker: " + a.getString("railway.services[1].error") + ")",
                a.getString("summary"));
        assertEquals(List.of(), FakeGitHub.contract().refusals());
        assertEquals(List.of(), FakeRailway.contract().refusals());
        String text = a.prettify();
        assertFalse(text.contains(FakeGitHub.TOKEN) || text.contains(FakeRailway.TOKEN), "no secret in the answer");
    }

    @Test
    @Order(2)
    void thePageLimitTruncatesAndSaysSo() {
        // Every page links to another: firebreak reads its three pages and says there may be more.
        FakeGitHub.server().stubFor(get(urlPathEqualTo(REPO + "/commits")).willReturn(json(commits(
                commit("0000000000000000000000000000000000000001", "ada", "Ada", "loop", now.minusSeconds(60))))
                .withHeader("link", "<https://api.github.com/repositories/1/commits?per_page=100&page=99>; rel=\"next\"")));
        JsonPath a = call("recent-changes", Tokens.RESPONDER, "{\"since\":\"30m\"}").statusCode(200).extract().jsonPath();
        assertEquals(30, a.getInt("window.minutes"));
        // page=99 jumps: it is followed once (the limit counts pages read, not numbers).
        assertTrue(a.getBoolean("github.commits.truncated"));
        assertTrue(a.getString("summary").contains("commits (or more)"), a.getString("summary"));
        assertEquals(List.of(), FakeGitHub.contract().refusals());
    }

    @Test
    @Order(3)
    void theTargetsSupabaseMigrationsWithTheirVersionsTimesFlagged() {
        Sql.exec(db.target(), """
                CREATE SCHEMA supabase_migrations;
                CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY, name text, statements text[],
                    created_by text, idempotency_key text);
                INSERT INTO supabase_migrations.schema_migrations (version, name, statements, created_by) VALUES
                    ('20240101120000', 'init', ARRAY['create table x()'], 'cli'),
                    ('%s', 'add_invoice_index', ARRAY['create index'], 'cli'),
                    ('%s', 'future_dated', NULL, NULL);""".formatted(version(now.minusSeconds(1800)),
                version(now.plusSeconds(86_400))));
        JsonPath a = call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertEquals("supabase_migrations.schema_migrations", a.getString("migrations.source"));
        assertTrue(a.getString("migrations.note").contains("not when they were applied"));
        assertEquals(List.of("future_dated", "add_invoice_index", "init"), a.getList("migrations.latest.name"));
        assertEquals(List.of(false, true, false), a.getList("migrations.latest.inWindow"));
        assertEquals(1, a.getInt("migrations.inWindow"));
        assertTrue(a.getString("summary").contains("1 migration dated in the window"));
    }

    @Test
    @Order(4)
    void badWindowsAreRefusedWithTheirField() {
        call("recent-changes", Tokens.RESPONDER, "{\"since\":\"yesterday\"}").statusCode(400)
                .body("error.code", is("invalid_value")).body("error.field", is("since"));
        call("recent-changes", Tokens.RESPONDER, "{\"until\":\"" + now.plusSeconds(3600) + "\"}").statusCode(400)
                .body("error.field", is("until"));
        call("recent-changes", Tokens.RESPONDER, "{\"since\":\"" + now.minusSeconds(8 * 86_400) + "\"}").statusCode(400)
                .body("error.field", is("since"));
        call("recent-changes", Tokens.RESPONDER, "{\"since\":\"1h\",\"until\":\"2h\"}").statusCode(400)
                .body("error.field", is("since"));
        call("recent-changes", Tokens.RESPONDER, "{\"incidentId\":\"INC-1\"}").statusCode(400).body("error.field", is("incidentId"));
        call("recent-changes", Tokens.RESPONDER, "{\"incidentId\":\"INC-2020-01-01-999\"}").statusCode(404)
                .body("error.code", is("incident_not_found"));
        call("recent-changes", Tokens.RESPONDER, "{\"incidentId\":\"INC-2020-01-01-999\",\"since\":\"1h\"}").statusCode(400)
                .body("error.field", is("since"));
        // GET with query parameters, as curl sends it.
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).get("/recent-changes?since=6h&until=1h").then()
                .statusCode(200).body("window.minutes", is(300));
        call("recent-changes", Tokens.MONITOR, "{}").statusCode(403);
    }

    @Test
    @Order(5)
    void eachDeclaredIncidentGetsExactlyOneWhatChangedEventWhichThePostmortemShows() throws Exception {
        gitHubAnswers();
        railwayAnswers();
        String id = Lifecycle.declare("Checkout failing " + UUID.randomUUID(), "P2", null);
        awaitEvent(id);
        // Sweeps racing each other and the declaration's own run: still one.
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<?>> runs = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                runs.add(CompletableFuture.supplyAsync(() -> event.run().await().indefinitely(), pool));
                runs.add(CompletableFuture.supplyAsync(() -> event.record(id).await().indefinitely(), pool));
            }
            runs.forEach(CompletableFuture::join);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1L, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                + "' AND kind = 'what-changed'"));
        JsonPath incident = call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).extract().jsonPath();
        Map<String, Object> e = incident.getMap("timeline.find { it.kind == 'what-changed' }");
        assertTrue(((String) e.get("summary")).startsWith("What changed in the 2 h before: 2 commits, 1 deployment"), e.toString());
        assertEquals("the 2 h before " + id + " opened", incident.getString("timeline.find { it.kind == 'what-changed' }.detail.window.basis"));
        assertEquals(List.of("6dcb09b5b578", "a1b2c3d4e5f6"),
                incident.getList("timeline.find { it.kind == 'what-changed' }.detail.github.commits.items.sha"));

        // A second event for the same incident is refused by the database itself (V13).
        RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> Sql.exec(db.ops(),
                "INSERT INTO timeline_events (incident_id, at, kind, source, summary) VALUES ('" + id
                        + "', now(), 'what-changed', 'test', 'again')"));
        String why = refused.toString() + (refused.getCause() == null ? "" : refused.getCause().toString());
        assertTrue(why.contains("timeline_events_one_what_changed"), why);

        String md = call("postmortem", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).extract().path("markdown");
        assertTrue(md.contains("what-changed: What changed in the 2 h before: 2 commits"), md);
        assertTrue(md.contains("## What changed"), md);
        assertTrue(md.contains("Fix checkout totals"), md);
    }

    @Test
    @Order(6)
    void racingDeclarationsEachGetOneEventAndTheSweepCatchesUpWhatTheBackgroundMissed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<String> ids;
        try {
            List<CompletableFuture<String>> declared = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                // Four titles, declared twice each: four incidents, the second of each pair attaching.
                String title = "Racing " + (k % 4) + " " + now.toEpochMilli();
                declared.add(CompletableFuture.supplyAsync(() -> Lifecycle.declare(title, "P3", null), pool));
            }
            ids = declared.stream().map(CompletableFuture::join).distinct().toList();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(4, ids.size());
        ids.forEach(this::awaitEvent);
        // An incident whose background run never happened (a frozen Lambda): the schedule writes its event.
        Sql.exec(db.ops(), "INSERT INTO incidents (id, title, severity, fingerprint, source, opened_at) VALUES "
                + "('INC-2026-12-31-901', 'Missed', 'P3', 'test/missed-" + now.toEpochMilli() + "', 'test', now())");
        Map<String, Object> report = event.run().await().indefinitely();
        assertTrue(report.toString().contains("INC-2026-12-31-901"), report.toString());
        List<String> all = new ArrayList<>(ids);
        all.add("INC-2026-12-31-901");
        for (String id : all) {
            assertEquals(1L, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                    + "' AND kind = 'what-changed'"));
        }
    }

    @Test
    @Order(100)
    void gitHubsSecondaryLimitAndRailways429StopFurtherCallsUntilTheyPass() throws Exception {
        FakeGitHub.server().stubFor(get(urlPathEqualTo(REPO + "/commits")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json; charset=utf-8").withHeader("retry-after", "3")
                .withHeader("x-ratelimit-remaining", "4890")
                .withBody("{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try"
                        + " again.\",\"documentation_url\":\"https://docs.github.com/free-pro-team@latest/rest/overview/"
                        + "rate-limits-for-the-rest-api#about-secondary-rate-limits\",\"status\":\"403\"}")));
        FakeRailway.server().stubFor(post(urlPathEqualTo("/graphql/v2")).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withHeader("Retry-After", "3")
                .withHeader("X-RateLimit-Remaining", "0").withBody("{\"errors\":[{\"message\":\"Rate limit exceeded\"}]}")));
        JsonPath a = call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertEquals("rate limited, retry after 3 s", a.getString("github.commits.error"));
        assertEquals(3, a.getInt("github.commits.retryAfterSeconds"));
        assertTrue(a.getString("github.deployments.error").startsWith("rate limited, retry after"));
        assertTrue(a.getString("github.pulls.error").startsWith("rate limited, retry after"));
        assertTrue(a.getString("railway.services[0].error").startsWith("rate limited, retry after"));
        assertTrue(a.getString("railway.services[1].error").startsWith("rate limited, retry after"));
        // One refusal each, and not one call more: not the other lists, not the second service.
        assertEquals(1, FakeGitHub.server().getAllServeEvents().size());
        assertEquals(1, FakeRailway.server().getAllServeEvents().size());
        call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).body("github.commits.error",
                org.hamcrest.Matchers.startsWith("rate limited, retry after"));
        assertEquals(1, FakeGitHub.server().getAllServeEvents().size(), "no GitHub call while it asked for a pause");
        assertEquals(1, FakeRailway.server().getAllServeEvents().size(), "no Railway call while it asked for a pause");

        // Once the wait has passed, calls resume.
        Thread.sleep(3_200);
        FakeGitHub.server().resetAll();
        FakeRailway.server().resetAll();
        gitHubAnswers();
        railwayAnswers();
        JsonPath again = call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertNull(again.get("github.commits.error"));
        assertEquals(2, again.getInt("github.commits.count"));
        assertEquals(List.of(), FakeGitHub.contract().refusals());

        // The primary limit on a 200 (x-ratelimit-remaining 0): what came is kept, nothing more is asked before the reset.
        FakeGitHub.server().resetAll();
        FakeGitHub.server().stubFor(get(urlPathEqualTo(REPO + "/commits")).willReturn(json(commits(
                commit("0000000000000000000000000000000000000002", "ada", "Ada", "last one", now.minusSeconds(60))))
                .withHeader("x-ratelimit-remaining", "0")
                .withHeader("x-ratelimit-reset", String.valueOf(TestClock.now().getEpochSecond() + 2))));
        JsonPath primary = call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertEquals(1, primary.getInt("github.commits.count"));
        assertTrue(primary.getString("github.deployments.error").startsWith("rate limited, retry after"));
        assertEquals(1, FakeGitHub.server().getAllServeEvents().size());
        Thread.sleep(2_200);
    }

    @Test
    @Order(7)
    void theFakeRefusesWhatGitHubRefusesAndFirebreaksReadingOfA404() {
        String url = FakeGitHub.server().baseUrl() + REPO + "/commits";
        // Without a token GitHub answers a private repository's lists with 404, as if it were not there.
        given().get(url).then().statusCode(404).body("message", is("Not Found"));
        // An API version it does not know is a 400; so is a page of more than 100.
        given().header("Authorization", "Bearer " + FakeGitHub.TOKEN).header("User-Agent", "t")
                .header("X-GitHub-Api-Version", "2099-01-01").get(url).then().statusCode(400);
        given().header("Authorization", "Bearer " + FakeGitHub.TOKEN).header("User-Agent", "t")
                .header("X-GitHub-Api-Version", "2022-11-28").get(url + "?per_page=101").then().statusCode(400);
        assertEquals(3, FakeGitHub.contract().refusals().size());
        FakeGitHub.contract().reset();

        FakeGitHub.server().stubFor(get(urlPathMatching("/repos/.*")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"404\"}")));
        JsonPath a = call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertTrue(a.getString("github.commits.error").contains("no such repository, or the token may not read it"));
        assertEquals(List.of(), FakeGitHub.contract().refusals());
    }

    @Test
    @Order(8)
    void aGitHubThatHangsIsGivenUpOnOnceAndTheOtherSourcesStillAnswer() {
        FakeGitHub.server().stubFor(get(urlPathEqualTo(REPO + "/commits")).willReturn(json("[]").withFixedDelay(5_000)));
        railwayAnswers();
        long start = System.nanoTime();
        JsonPath a = call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(a.getString("github.commits.error").startsWith("no answer from GitHub"), a.getString("github.commits.error"));
        assertTrue(a.getString("github.deployments.error").startsWith("not asked: no answer from GitHub"));
        assertTrue(a.getString("github.pulls.error").startsWith("not asked: no answer from GitHub"));
        assertEquals(List.of("d-3"), a.getList("railway.services[0].items.id"));
        assertEquals(1, FakeGitHub.server().getAllServeEvents().size(), "one call waited on, not three");
        assertTrue(ms < 4_000, "answered in " + ms + " ms");
    }

    @Test
    @Order(101)
    void aSourceRateLimitedAtDeclarationIsAskedAgainNotWrittenIntoTheIncidentForGood() throws Exception {
        FakeGitHub.server().resetAll();
        FakeGitHub.server().stubFor(get(urlPathEqualTo(REPO + "/commits")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json; charset=utf-8").withHeader("retry-after", "1")
                .withBody("{\"message\":\"You have exceeded a secondary rate limit.\",\"documentation_url\":"
                        + "\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\",\"status\":\"403\"}")));
        String id = Lifecycle.declare("Rate limited at declaration " + UUID.randomUUID(), "P3", null);
        Thread.sleep(1_500);
        assertEquals(0L, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                + "' AND kind = 'what-changed'"), "a rate-limited GitHub is not the incident's record of what changed");

        FakeGitHub.server().resetAll();
        gitHubAnswers();
        assertEquals("recorded", event.record(id).await().atMost(java.time.Duration.ofSeconds(20)));
        JsonPath incident = call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).extract().jsonPath();
        assertEquals(2, incident.getInt("timeline.find { it.kind == 'what-changed' }.detail.github.commits.count"));
    }

    private void awaitEvent(String id) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                + "' AND kind = 'what-changed'") == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no what-changed event on " + id);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private void gitHubAnswers() {
        var gh = FakeGitHub.server();
        gh.stubFor(get(urlPathEqualTo(REPO + "/commits")).withQueryParam("page", equalTo("1")).willReturn(json(commits(
                commit("6dcb09b5b57875f334f61aebed695e2e4193db5e", "ada", "Ada Obi", "Fix checkout totals\n\nRounding per line.",
                        now.minusSeconds(600))))
                .withHeader("link", "<https://api.github.com/repositories/1296269/commits?per_page=100&page=2>; rel=\"next\", "
                        + "<https://api.github.com/repositories/1296269/commits?per_page=100&page=2>; rel=\"last\"")
                .withHeader("x-ratelimit-remaining", "4999").withHeader("x-ratelimit-reset", "1767225600")));
        gh.stubFor(get(urlPathEqualTo(REPO + "/commits")).withQueryParam("page", equalTo("2")).willReturn(json(commits(
                commit("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", null, "Build Bot", "Bump deps", now.minusSeconds(3600))))));
        gh.stubFor(get(urlPathEqualTo(REPO + "/deployments")).willReturn(json("[" + deployment(3, now.minusSeconds(900)) + ","
                + deployment(2, now.minusSeconds(3 * 3600)) + "]")
                .withHeader("link", "<https://api.github.com/repositories/1296269/deployments?per_page=100&page=2>; rel=\"next\"")));
        gh.stubFor(get(urlPathEqualTo(REPO + "/deployments/3/statuses")).willReturn(json("[{\"id\":11,\"state\":\"failure\","
                + "\"description\":\"Health check failed\",\"environment\":\"production\",\"created_at\":\"" + now.minusSeconds(800)
                + "\",\"updated_at\":\"" + now.minusSeconds(800) + "\",\"creator\":{\"login\":\"octocat\"},\"target_url\":\"\","
                + "\"log_url\":\"\",\"environment_url\":\"\"}]")));
        gh.stubFor(get(urlPathEqualTo(REPO + "/pulls")).willReturn(json("[" + pull(42, now.minusSeconds(1800), now.minusSeconds(1200))
                + "," + pull(41, null, now.minusSeconds(2400)) + "," + pull(40, now.minusSeconds(5 * 3600), now.minusSeconds(4 * 3600)) + "]")));
    }

    private void railwayAnswers() {
        FakeRailway.server().stubFor(post(urlPathEqualTo("/graphql/v2"))
                .withRequestBody(matchingJsonPath("$.variables.input.serviceId", equalTo(FakeRailway.API)))
                .withRequestBody(matchingJsonPath("$.variables.input.projectId", equalTo(FakeRailway.PROJECT)))
                .withRequestBody(matchingJsonPath("$.variables.input.environmentId", equalTo(FakeRailway.ENVIRONMENT)))
                .willReturn(json("{\"data\":{\"deployments\":{\"edges\":["
                        + "{\"node\":{\"id\":\"d-3\",\"status\":\"SUCCESS\",\"createdAt\":\"" + now.minusSeconds(900) + "\"}},"
                        + "{\"node\":{\"id\":\"d-2\",\"status\":\"REMOVED\",\"createdAt\":\"" + now.minusSeconds(3 * 3600) + "\"}}],"
                        + "\"pageInfo\":{\"hasNextPage\":true,\"endCursor\":\"Y3Vyc29yOjI=\"}}}}")));
        FakeRailway.server().stubFor(post(urlPathEqualTo("/graphql/v2"))
                .withRequestBody(matchingJsonPath("$.variables.input.serviceId", equalTo(FakeRailway.WORKER)))
                .willReturn(json("{\"data\":null,\"errors\":[{\"message\":\"Not Authorized\",\"locations\":[{\"line\":2,"
                        + "\"column\":3}],\"path\":[\"deployments\"],\"extensions\":{\"code\":\"INTERNAL_SERVER_ERROR\"}}]}")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
    }

    private static String commits(String... items) {
        return "[" + String.join(",", items) + "]";
    }

    private static String commit(String sha, String login, String name, String message, Instant at) {
        String author = login == null ? "null" : "{\"login\":\"" + login + "\",\"id\":1,\"type\":\"User\",\"site_admin\":false}";
        return "{\"sha\":\"" + sha + "\",\"node_id\":\"C_kwDO\",\"commit\":{\"author\":{\"name\":\"" + name
                + "\",\"email\":\"dev@example.com\",\"date\":\"" + at + "\"},\"committer\":{\"name\":\"GitHub\",\"email\":"
                + "\"noreply@github.com\",\"date\":\"" + at + "\"},\"message\":" + quoted(message) + ",\"tree\":{\"sha\":\"x\"},"
                + "\"comment_count\":0,\"verification\":{\"verified\":false,\"reason\":\"unsigned\",\"signature\":null,"
                + "\"payload\":null}},\"html_url\":\"https://github.com/acme/shop/commit/" + sha + "\",\"author\":" + author
                + ",\"committer\":null,\"parents\":[]}";
    }

    private static String deployment(long id, Instant at) {
        return "{\"id\":" + id + ",\"node_id\":\"DE_1\",\"sha\":\"6dcb09b5b57875f334f61aebed695e2e4193db5e\",\"ref\":\"main\","
                + "\"task\":\"deploy\",\"payload\":{},\"original_environment\":\"production\",\"environment\":\"production\","
                + "\"description\":null,\"creator\":{\"login\":\"deploy-bot\"},\"created_at\":\"" + at + "\",\"updated_at\":\"" + at
                + "\",\"transient_environment\":false,\"production_environment\":true}";
    }

    private static String pull(int number, Instant merged, Instant updated) {
        return "{\"number\":" + number + ",\"state\":\"closed\",\"title\":\"PR " + number + "\",\"user\":{\"login\":\"bola\"},"
                + "\"merged_at\":" + (merged == null ? "null" : "\"" + merged + "\"") + ",\"closed_at\":\"" + updated + "\","
                + "\"updated_at\":\"" + updated + "\",\"base\":{\"ref\":\"main\"},\"html_url\":\"https://github.com/acme/shop/pull/"
                + number + "\",\"draft\":false,\"labels\":[],\"merge_commit_sha\":null}";
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static String version(Instant at) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(java.time.ZoneOffset.UTC).format(at);
    }
}
