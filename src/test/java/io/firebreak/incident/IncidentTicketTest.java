package io.firebreak.incident;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeGitHub;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Seed 003's incident ticket against a GitHub fake holding firebreak to the issues contracts: one
 * issue per declared incident in the seed's template, updates and the post-mortem as comments in
 * order, resolution as Resolved and closed, a secondary limit obeyed and a lost answer never
 * opening a second issue, a permanent refusal kept with its reason.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeGitHub.class)
@WithTestResource(IncidentTicketTest.TicketsOn.class)
class IncidentTicketTest {

    /** Tickets switched on; a short call deadline, so the slow create below is given up on quickly. */
    public static class TicketsOn implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("firebreak.tickets", "github", "firebreak.providers.timeout", "1500ms");
        }

        @Override
        public void stop() {
        }
    }

    static final String ISSUES = "/repos/" + FakeGitHub.REPOSITORY + "/issues";
    static final ObjectMapper JSON = new ObjectMapper();

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    IncidentTicket ticket;

    @BeforeEach
    void fake() {
        FakeGitHub.server().resetAll();
        FakeGitHub.contract().reset();
        FakeGitHub.server().stubFor(get(urlPathEqualTo(ISSUES)).willReturn(json(200, "[]")));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("x-ratelimit-remaining", "4999").withHeader("x-ratelimit-reset", "1767225600").withBody(body);
    }

    /** GitHub's issue answer, with the extra fields it really sends (and nulls). */
    static String issue(int number, String state) {
        return """
                {"id": 1%d, "node_id": "I_kwDO", "number": %d, "url": "https://api.github.com/repos/acme/shop/issues/%d",
                 "html_url": "https://github.com/acme/shop/issues/%d", "title": "t", "state": "%s", "state_reason": null,
                 "locked": false, "assignee": null, "assignees": [], "milestone": null, "comments": 0,
                 "labels": [{"id": 1, "name": "incident", "color": "ededed", "default": false, "description": null}],
                 "user": {"login": "firebreak-bot", "id": 9}, "body": "b", "closed_at": null}""".formatted(number, number, number,
                number, state);
    }

    void stubIssue(int number) {
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).willReturn(json(201, issue(number, "open"))));
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES + "/" + number + "/comments"))
                .willReturn(json(201, "{\"id\": 7" + number + ", \"html_url\": \"https://github.com/acme/shop/issues/" + number
                        + "#issuecomment-1\", \"body\": \"c\", \"user\": {\"login\": \"firebreak-bot\"}, \"reactions\": null}")));
        FakeGitHub.server().stubFor(patch(urlPathEqualTo(ISSUES + "/" + number)).willReturn(json(200, issue(number, "closed"))));
        // GitHub answers the issue's whole label list after an addition.
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES + "/" + number + "/labels")).willReturn(json(200, """
                [{"id": 1, "node_id": "LA_1", "url": "https://api.github.com/repos/acme/shop/labels/incident", "name": "incident",
                  "color": "ededed", "default": false, "description": null},
                 {"id": 3, "node_id": "LA_3", "url": "https://api.github.com/repos/acme/shop/labels/customer-facing",
                  "name": "customer-facing", "color": "d73a4a", "default": false, "description": "added by a person"},
                 {"id": 2, "node_id": "LA_2", "url": "https://api.github.com/repos/acme/shop/labels/Resolved", "name": "Resolved",
                  "color": "0e8a16", "default": false, "description": null}]""")));
    }

    /** Waits for the background delivery to have sent (or given up on) every action of the incident. */
    void settled(String id) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            if (Sql.count(db.ops(), "SELECT count(*) FROM ticket_actions WHERE incident_id = '" + id + "' AND state = 'pending'") == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("ticket actions of " + id + " still pending: " + actions(id));
    }

    List<Map<String, Object>> actions(String id) {
        return Sql.rows(db.ops(), "SELECT kind, state, attempts, last_error FROM ticket_actions WHERE incident_id = '" + id
                + "' ORDER BY id");
    }

    static JsonNode body(LoggedRequest r) throws Exception {
        return JSON.readTree(r.getBodyAsString());
    }

    /** Makes the incident's retries due now (the backoff is tens of seconds) and delivers. */
    List<IncidentTicket.Attempt> retryNow(String id) {
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() WHERE incident_id = '" + id + "' AND state = 'pending'");
        return ticket.deliverAll().await().atMost(Duration.ofSeconds(20));
    }

    @Test
    void declaredUpdatedResolvedAndPostmortemFollowOneIssueInOrder() throws Exception {
        stubIssue(101);
        String id = Lifecycle.declare("Checkout returns 500", "P1", "\"commander\":\"ada\"");
        settled(id);
        List<LoggedRequest> created = FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES)));
        assertEquals(1, created.size());
        JsonNode sent = body(created.get(0));
        assertEquals("SEV-2: Checkout returns 500", sent.path("title").asText());
        assertEquals(List.of("incident", "sev-2"), JSON.convertValue(sent.path("labels"), List.class));
        String text = sent.path("body").asText();
        assertTrue(text.contains("<!-- firebreak:" + id + " -->"), text);
        for (String line : List.of("**Start Time:** ", "**Severity:** 2 (P1)", "**Impact:** Tenants cannot pay", "**IC:** ada",
                "**Deputy:** unassigned", "**Status:** Investigating", "## Timeline", "Incident detected")) {
            assertTrue(text.contains(line), line + " in " + text);
        }
        assertTrue(created.get(0).getHeader("Authorization").startsWith("Bearer "));
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is(101))
                .body("ticket.url", is("https://github.com/acme/shop/issues/101"));

        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"status\":\"mitigating\",\"text\":\"Rolled back deploy 4411\"}")
                .statusCode(200);
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back deploy 4411\",\"force\":true,"
                + "\"reason\":\"no probes in this test\"}").statusCode(200);
        call("postmortem", Tokens.ADA, "{\"id\":\"" + id + "\",\"written\":true,\"link\":\"https://wiki.example/pm/" + id + "\"}")
                .statusCode(200);
        settled(id);

        List<LoggedRequest> comments = FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES + "/101/comments")));
        List<String> said = comments.stream().map(r -> {
            try {
                return body(r).path("body").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertEquals(3, said.size(), said.toString());
        assertTrue(said.get(0).contains("**Status:** Mitigating") && said.get(0).contains("Rolled back deploy 4411"), said.get(0));
        assertTrue(said.get(1).contains("Resolved"), said.get(1));
        assertTrue(said.get(2).contains("https://wiki.example/pm/" + id), said.get(2));
        // Each comment carries its action's marker (a retry after a lost answer finds it).
        for (String c : said) {
            assertTrue(c.matches("(?s).*\\n\\n<!-- firebreak:action:[0-9]+ -->$"), c);
        }
        // Resolved is added (labels a person put on the issue stay), then the issue is closed without any labels:
        // a PATCH with labels would replace the whole set.
        List<LoggedRequest> labelled = FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES + "/101/labels")));
        assertEquals(1, labelled.size());
        assertEquals(List.of("Resolved"), JSON.convertValue(body(labelled.get(0)).path("labels"), List.class));
        List<LoggedRequest> closed = FakeGitHub.server().findAll(patchRequestedFor(urlPathEqualTo(ISSUES + "/101")));
        assertEquals(1, closed.size());
        JsonNode close = body(closed.get(0));
        assertEquals("closed", close.path("state").asText());
        assertEquals("completed", close.path("state_reason").asText());
        assertTrue(close.path("labels").isMissingNode(), close.toString());
        // Strict order: the close came after the resolution's comment and before the post-mortem's.
        assertTrue(labelled.get(0).getLoggedDate().getTime() >= comments.get(1).getLoggedDate().getTime());
        assertTrue(closed.get(0).getLoggedDate().getTime() >= labelled.get(0).getLoggedDate().getTime());
        assertTrue(closed.get(0).getLoggedDate().getTime() <= comments.get(2).getLoggedDate().getTime());
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.state", is("closed"));
        assertEquals(List.of(), FakeGitHub.contract().refusals());
        assertEquals(1, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                + "' AND kind = 'ticket-opened'"));
    }

    @Test
    void aSecondaryLimitIsWaitedOutAndOpensExactlyOneIssue() throws Exception {
        stubIssue(202);
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).inScenario("limit").whenScenarioStateIs(STARTED)
                .willReturn(json(403, "{\"message\": \"You have exceeded a secondary rate limit. Please wait a few minutes before"
                        + " you try again.\", \"documentation_url\": \"https://docs.github.com/rest\", \"status\": \"403\"}")
                        .withHeader("retry-after", "1"))
                .willSetStateTo("open"));
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).inScenario("limit").whenScenarioStateIs("open")
                .willReturn(json(201, issue(202, "open"))));
        String id = Lifecycle.declare("Search is slow", "P2", null);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES))).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        Thread.sleep(300);
        assertEquals("pending", actions(id).get(0).get("state"), actions(id).toString());
        assertTrue(String.valueOf(actions(id).get(0).get("last_error")).contains("rate limited"));
        // Before GitHub's retry-after has passed, nothing is sent at all.
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() WHERE incident_id = '" + id + "'");
        ticket.deliver().await().atMost(Duration.ofSeconds(10));
        assertEquals(1, FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES))).size());
        Thread.sleep(1100);
        retryNow(id);
        settled(id);
        assertEquals(2, FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES))).size());
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is(202));
        assertEquals("sent", actions(id).get(0).get("state"));
    }

    @Test
    void aCreateWhoseAnswerWasLostIsFoundNotOpenedTwice() throws Exception {
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).willReturn(json(201, issue(303, "open")).withFixedDelay(2500)));
        String id = Lifecycle.declare("Emails bounce", "P3", null);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!String.valueOf(actions(id).get(0).get("last_error")).contains("no answer") && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertEquals("pending", actions(id).get(0).get("state"), actions(id).toString());
        // GitHub did open it: the list now shows it, with the marker in its body.
        FakeGitHub.server().stubFor(get(urlPathEqualTo(ISSUES)).willReturn(json(200, "[" + issue(303, "open")
                .replace("\"body\": \"b\"", "\"body\": \"<!-- firebreak:" + id + " -->\\n**Start Time:** ...\"") + "]")));
        // The watch job sends what is due (on Lambda it is what sends tickets at all).
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() WHERE incident_id = '" + id + "' AND state = 'pending'");
        call("watch-incidents", Tokens.RESPONDER, "{}").statusCode(200);
        settled(id);
        assertEquals(1, FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES))).size());
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is(303));
        assertEquals(List.of(), FakeGitHub.contract().refusals());
    }

    @Test
    void issuesDisabledIsPermanentWithItsReasonAndNothingFollows() throws Exception {
        String disabled = "{\"message\": \"Issues are disabled for this repo\", \"documentation_url\": \"https://docs.github.com/rest\","
                + " \"status\": \"410\"}";
        FakeGitHub.server().stubFor(post(urlPathMatching(ISSUES + ".*")).willReturn(json(410, disabled)));
        // Listing answers the same while issues are disabled: GitHub does not "answer again", nothing is re-queued.
        FakeGitHub.server().stubFor(get(urlPathMatching(ISSUES + ".*")).willReturn(json(410, disabled)));
        String id = Lifecycle.declare("Login loops", "P2", null);
        settled(id);
        assertEquals("dead", actions(id).get(0).get("state"));
        assertTrue(String.valueOf(actions(id).get(0).get("last_error")).contains("issues are disabled"), actions(id).toString());
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Still looking\"}").statusCode(200);
        settled(id);
        assertEquals(1, FakeGitHub.server().findAll(postRequestedFor(anyUrl())).size(), "no comment on an issue that never was");
        assertEquals(1, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                + "' AND kind = 'ticket-failed' AND summary LIKE '%create%'"));
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is((Object) null))
                .body("ticket.state", is("failed")).body("ticket.error", containsString("issues are disabled"))
                .body("ticket.note", containsString("once GitHub answers again"));
    }

    @Test
    void anIncidentWithoutATicketGetsNoComments() throws Exception {
        stubIssue(404);
        String id = Lifecycle.declare("Exports stall", "P3", null);
        settled(id);
        // As if it had been declared while tickets were off: no create was ever queued.
        Sql.exec(db.ops(), "DELETE FROM ticket_actions WHERE incident_id = '" + id + "'");
        Sql.exec(db.ops(), "UPDATE incidents SET ticket_number = NULL, ticket_url = NULL WHERE id = '" + id + "'");
        FakeGitHub.server().resetRequests();
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Still looking\"}").statusCode(200);
        call("watch-incidents", Tokens.RESPONDER, "{}").statusCode(200);
        assertEquals(List.of(), actions(id));
        assertEquals(0, FakeGitHub.server().findAll(postRequestedFor(anyUrl())).size());
    }

    static final String DOWN = "{\"message\": \"Service Unavailable\", \"documentation_url\": \"https://docs.github.com/rest\","
            + " \"status\": \"503\"}";

    void until(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Declares with GitHub down, so the create waits for its retry (attempted once, pending). */
    String declaredWhileGitHubIsDown(String title) throws InterruptedException {
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).willReturn(json(503, DOWN)));
        String id = Lifecycle.declare(title, "P2", null);
        until(() -> String.valueOf(actions(id).get(0).get("last_error")).contains("503"), "the first create answered 503");
        return id;
    }

    int created() {
        return FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES))).size();
    }

    @Inject
    io.firebreak.db.OutboxConfig outboxConfig;

    /** The create of a declared incident retried until it is dead (GitHub down throughout). */
    String deadCreate(String title) throws InterruptedException {
        String id = declaredWhileGitHubIsDown(title);
        Sql.exec(db.ops(), "UPDATE ticket_actions SET attempts = " + (outboxConfig.maxAttempts() - 1)
                + ", next_attempt_at = now() WHERE incident_id = '" + id + "'");
        ticket.deliverAll().await().atMost(Duration.ofSeconds(20));
        assertEquals("dead", actions(id).get(0).get("state"), actions(id).toString());
        return id;
    }

    @Test
    void aClaimTakenOverAfterAStallNeverOpensASecondIssue() throws Exception {
        String id = declaredWhileGitHubIsDown("Invoices stall");
        // GitHub is back, slowly: the create's answer takes 1.2 s (inside the 1.5 s call deadline).
        FakeGitHub.server().resetRequests();
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).willReturn(json(201, issue(505, "open")).withFixedDelay(1200)));
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() WHERE incident_id = '" + id + "'");
        // Worker A claims the create, then stalls past its lease (a Lambda frozen between invocations)...
        List<IncidentTicket.Queued> stalled = ticket.claim(10).await().atMost(Duration.ofSeconds(5));
        assertEquals(1, stalled.size());
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() - interval '1 second' WHERE incident_id = '" + id + "'");
        // ...worker B takes the action over and sends the create...
        var other = ticket.deliver().subscribeAsCompletionStage();
        until(() -> created() == 1, "worker B's create");
        // ...and A thaws while B's answer is still on its way: no second create goes out.
        IncidentTicket.Sent late = ticket.send(stalled.get(0), java.time.Instant.MAX).await().atMost(Duration.ofSeconds(5));
        assertTrue(late.withheld(), late.toString());
        other.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, created());
        assertEquals("sent", actions(id).get(0).get("state"));
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is(505));
        assertEquals(List.of(), FakeGitHub.contract().refusals());
    }

    @Test
    void noWriteStartsAfterTheRunsDeadlineAndTheClaimIsGivenBack() throws Exception {
        String id = declaredWhileGitHubIsDown("Reports lag");
        stubIssue(515);
        FakeGitHub.server().resetRequests();
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() WHERE incident_id = '" + id + "'");
        List<IncidentTicket.Queued> claimed = ticket.claim(10).await().atMost(Duration.ofSeconds(5));
        assertEquals(1, claimed.size());
        assertEquals(2, ((Number) actions(id).get(0).get("attempts")).intValue());
        // The watch's share of its Lambda is over: nothing is written, and the claim is due again, uncounted.
        IncidentTicket.Sent s = ticket.send(claimed.get(0), java.time.Instant.now().minusSeconds(1))
                .await().atMost(Duration.ofSeconds(5));
        assertTrue(s.withheld(), s.toString());
        assertEquals(0, created());
        assertEquals(1, ((Number) actions(id).get(0).get("attempts")).intValue());
        assertEquals(1, Sql.count(db.ops(), "SELECT count(*) FROM ticket_actions WHERE incident_id = '" + id
                + "' AND state = 'pending' AND next_attempt_at <= now()"));
        // A whole run past its deadline claims nothing at all.
        assertEquals(List.of(), ticket.deliverAll(4, java.time.Instant.now().minusSeconds(1)).await().atMost(Duration.ofSeconds(5)));
        assertEquals(0, created());
        retryNow(id);
        settled(id);
        assertEquals(1, created());
    }

    @Test
    void aDeadCreateIsRequeuedByTheIncidentsNextChangeOnceGitHubAnswers() throws Exception {
        String id = deadCreate("Payouts fail");
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is((Object) null))
                .body("ticket.state", is("failed")).body("ticket.error", containsString("503"))
                .body("ticket.requeues", is(0)).body("ticket.note", containsString("once GitHub answers again"));
        // GitHub answers again; the next update re-queues the create before its own comment.
        stubIssue(606);
        FakeGitHub.server().resetRequests();
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Payout provider contacted\"}").statusCode(200);
        settled(id);
        assertEquals(1, created());
        List<LoggedRequest> comments = FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES + "/606/comments")));
        assertEquals(1, comments.size());
        assertTrue(body(comments.get(0)).path("body").asText().contains("Payout provider contacted"));
        // The create first looked for an issue an earlier attempt might have opened.
        assertTrue(FakeGitHub.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo(ISSUES))).size() >= 1);
        assertEquals(1, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                + "' AND kind = 'ticket-requeued'"));
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is(606))
                .body("ticket.state", is("open")).body("ticket.requeues", is(1));
        assertEquals(List.of(), FakeGitHub.contract().refusals());
    }

    @Test
    void theWatchRequeuesADeadCreateAtMostThreeTimes() throws Exception {
        String id = deadCreate("Search index stale");
        stubIssue(616);
        FakeGitHub.server().resetRequests();
        // Three re-queues used already: the watch leaves it dead, and says so.
        for (int n = 1; n <= 3; n++) {
            Sql.exec(db.ops(), "INSERT INTO timeline_events (incident_id, at, kind, source, summary, detail) VALUES ('" + id
                    + "', now(), 'ticket-requeued', 'function:outbox', 're-queued', '{}')");
        }
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() WHERE incident_id = '" + id + "'");
        call("watch-incidents", Tokens.RESPONDER, "{}").statusCode(200);
        assertEquals(0, FakeGitHub.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()))
                .size());
        assertEquals("dead", actions(id).get(0).get("state"));
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.state", is("failed"))
                .body("ticket.requeues", is(3)).body("ticket.note", containsString("not re-queued again"));
        // With one left, the watch's run (nothing else of the incident happening) re-queues and opens it.
        Sql.exec(db.ops(), "DELETE FROM timeline_events WHERE id = (SELECT max(id) FROM timeline_events WHERE incident_id = '"
                + id + "' AND kind = 'ticket-requeued')");
        call("watch-incidents", Tokens.RESPONDER, "{}").statusCode(200);
        settled(id);
        assertEquals(1, created());
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is(616))
                .body("ticket.requeues", is(3));
    }

    @Test
    void aCommentWhoseAnswerWasLostIsFoundNotPostedTwice() throws Exception {
        stubIssue(707);
        String id = Lifecycle.declare("Webhooks delayed", "P3", null);
        settled(id);
        // GitHub takes the comment, but its answer never arrives in time.
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES + "/707/comments")).willReturn(json(201,
                "{\"id\": 2090000001, \"html_url\": \"https://github.com/acme/shop/issues/707#issuecomment-2090000001\"}")
                .withFixedDelay(2500)));
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Queue drained\"}").statusCode(200);
        until(() -> actions(id).size() == 2 && String.valueOf(actions(id).get(1).get("last_error")).contains("no answer"),
                "the comment's lost answer");
        List<LoggedRequest> posted = FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES + "/707/comments")));
        assertEquals(1, posted.size());
        String sent = body(posted.get(0)).path("body").asText();
        // The comment is on the issue: its list shows it, with what was posted (the action's marker in it).
        FakeGitHub.server().stubFor(get(urlPathEqualTo(ISSUES + "/707/comments")).willReturn(json(200, JSON.createArrayNode()
                .add(JSON.createObjectNode().put("id", 2090000000L).put("body", "Looking at the queue (by hand)")
                        .put("html_url", "https://github.com/acme/shop/issues/707#issuecomment-2090000000"))
                .add(JSON.createObjectNode().put("id", 2090000001L).put("body", sent)
                        .put("html_url", "https://github.com/acme/shop/issues/707#issuecomment-2090000001"))
                .toString())));
        retryNow(id);
        settled(id);
        assertEquals(1, FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES + "/707/comments"))).size());
        assertEquals("sent", actions(id).get(1).get("state"));
        List<LoggedRequest> looked = FakeGitHub.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo(ISSUES + "/707/comments")));
        assertEquals(1, looked.size());
        assertTrue(looked.get(0).queryParameter("since").isPresent());
        assertEquals(List.of(), FakeGitHub.contract().refusals());
    }
}
