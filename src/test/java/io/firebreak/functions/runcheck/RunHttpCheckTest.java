package io.firebreak.functions.runcheck;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeVendorAccounts;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * The shipped http-checks (seed 001's Twilio balance, seed 002's Resend domain) against fakes that
 * enforce Twilio's and Resend's contracts: judged, declared like a SQL check, and bounded when the
 * vendor refuses, hangs, answers too much or redirects.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeVendorAccounts.class)
class RunHttpCheckTest {

    static final String BALANCE = "/2010-04-01/Accounts/" + FakeVendorAccounts.ACCOUNT_SID + "/Balance.json";
    static final String DOMAIN = "/domains/" + FakeVendorAccounts.DOMAIN_ID;

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    ScheduledChecks schedule;

    OpsRecords ops;

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        ops.quiet();
        FakeVendorAccounts.twilio().resetAll();
        FakeVendorAccounts.resend().resetAll();
        FakeVendorAccounts.twilioContract().reset();
        FakeVendorAccounts.resendContract().reset();
        balance("12.50");
        domain("verified");
    }

    @AfterEach
    void nothingRefused() {
        assertEquals(List.of(), FakeVendorAccounts.twilioContract().refusals(), "firebreak sent Twilio what it refuses");
        assertEquals(List.of(), FakeVendorAccounts.resendContract().refusals(), "firebreak sent Resend what it refuses");
    }

    static void balance(String value) {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (FakeVendorAccounts.ACCOUNT_SID + ":" + FakeVendorAccounts.AUTH_TOKEN).getBytes());
        FakeVendorAccounts.twilio().stubFor(get(urlPathEqualTo(BALANCE)).atPriority(5)
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo(basic))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"account_sid\":\"" + FakeVendorAccounts.ACCOUNT_SID + "\",\"balance\":" + value
                                + ",\"currency\":\"USD\"}")));
        // Twilio answers wrong credentials with 401 code 20003, as the contract's unauthorized answer.
        FakeVendorAccounts.twilio().stubFor(get(urlPathEqualTo(BALANCE)).atPriority(9).willReturn(aResponse()
                .withStatus(401).withHeader("Content-Type", "application/json").withBody(
                        "{\"code\":20003,\"message\":\"Authenticate\",\"more_info\":\"https://www.twilio.com/docs/errors/20003\",\"status\":401}")));
    }

    static void domain(String status) {
        FakeVendorAccounts.resend().stubFor(get(urlPathEqualTo(DOMAIN))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                        "Bearer " + FakeVendorAccounts.RESEND_KEY))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
                        {"object":"domain","id":"%s","name":"mail.example.com","status":"%s",
                         "created_at":"2026-04-26 20:21:26.347412+00","region":"eu-west-1",
                         "records":[{"record":"SPF","name":"send","type":"MX","ttl":"Auto","status":"%s",
                                     "value":"feedback-smtp.eu-west-1.amazonses.com","priority":10}]}"""
                        .formatted(FakeVendorAccounts.DOMAIN_ID, status, status))));
    }

    @Test
    void theHttpChecksAreListedBesideTheSqlChecksWithoutTheirSecrets() {
        String listing = io.restassured.RestAssured.given().header("Authorization", Tokens.bearer(Tokens.MONITOR))
                .get("/run-check").then().statusCode(200)
                .body("checks.find { it.name == 'twilio-balance' }.kind", is("http"))
                .body("checks.find { it.name == 'twilio-balance' }.configured", is(true))
                .body("checks.find { it.name == 'twilio-balance' }.breachedWhen", is("below 5"))
                .body("checks.find { it.name == 'resend-domain' }.breachedWhen", is("not verified"))
                .extract().asString();
        assertTrue(!listing.contains(FakeVendorAccounts.AUTH_TOKEN) && !listing.contains(FakeVendorAccounts.RESEND_KEY),
                listing);
    }

    @Test
    void aHealthyBalanceIsOkAndALowOneDeclaresOnceThenAttaches() {
        call("run-check", Tokens.MONITOR, "{\"name\":\"twilio-balance\"}").statusCode(200).body("status", is("ok"))
                .body("value", is(12.5f)).body("httpStatus", is(200)).body("incident", nullValue());

        // Twilio's balance is a decimal string, as the API really sends it.
        balance("\"0.05\"");
        List<Long> before = ops.snapshot();
        call("run-check", Tokens.MONITOR, "{\"name\":\"twilio-balance\",\"dryRun\":true}").statusCode(200)
                .body("status", is("breached")).body("value", is(0.05f)).body("incident", nullValue());
        assertEquals(before, ops.snapshot(), "a dry run records nothing");

        String id = call("run-check", Tokens.MONITOR, "{\"name\":\"twilio-balance\"}").statusCode(200)
                .body("incident.declared", is(true)).extract().path("incident.id");
        call("run-check", Tokens.MONITOR, "{\"name\":\"twilio-balance\"}").statusCode(200)
                .body("incident.id", is(id)).body("incident.declared", is(false));
        Map<String, Object> incident = ops.query("SELECT severity, title, fingerprint FROM incidents WHERE id = '" + id + "'")
                .get(0);
        assertEquals("P1", incident.get("severity"));
        assertEquals("check/twilio-balance", incident.get("fingerprint"));
        assertEquals("Check twilio-balance breached: 0.05 is below 5 (Seed 001 Twilio account balance (SMS stops when it runs out))",
                incident.get("title"));
        assertEquals(2, ops.timeline(id).stream().filter(e -> e.get("kind").equals("check-breached")).count());
    }

    @Test
    void aDomainThatIsNotVerifiedIsABreach() {
        call("run-check", Tokens.MONITOR, "{\"name\":\"resend-domain\",\"dryRun\":true}").statusCode(200)
                .body("status", is("ok")).body("value", is("verified"));
        domain("temporary_failure");
        call("run-check", Tokens.MONITOR, "{\"name\":\"resend-domain\",\"dryRun\":true}").statusCode(200)
                .body("status", is("breached")).body("value", is("temporary_failure"));
    }

    @Test
    void refusedCredentialsAreA409NamingTheVariableNeverItsValue() {
        FakeVendorAccounts.twilio().resetAll();
        FakeVendorAccounts.twilio().stubFor(get(urlPathEqualTo(BALANCE)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"code\":20003,\"message\":\"Authenticate\",\"more_info\":\"https://www.twilio.com/docs/errors/20003\",\"status\":401}")));
        List<Long> before = ops.snapshot();
        String body = call("run-check", Tokens.MONITOR, "{\"name\":\"twilio-balance\"}").statusCode(409)
                .body("error.code", is("check_failed")).body("error.field", is("name"))
                .body("error.message", containsString("HTTP 401"))
                .body("error.message", containsString("TWILIO_AUTH_TOKEN")).extract().asString();
        assertTrue(!body.contains(FakeVendorAccounts.AUTH_TOKEN), body);
        assertEquals(before, ops.snapshot(), "a check that did not run declares nothing");
    }

    @Test
    void aHangingVendorIsA503WithinTheDeadline() {
        FakeVendorAccounts.resend().resetAll();
        FakeVendorAccounts.resend().stubFor(get(urlPathEqualTo(DOMAIN)).willReturn(aResponse().withFixedDelay(4000)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"verified\"}")));
        long start = System.nanoTime();
        call("run-check", Tokens.MONITOR, "{\"name\":\"resend-domain\"}").statusCode(503)
                .body("error.code", is("provider_unavailable")).body("error.message", containsString("no answer within 1000 ms"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 3000, "answered after " + ms + " ms, the deadline is 1 s");
    }

    @Test
    void aRateLimitedVendorIsA503ThatSaysWhenToRetry() {
        FakeVendorAccounts.resend().resetAll();
        FakeVendorAccounts.resend().stubFor(get(urlPathEqualTo(DOMAIN)).willReturn(aResponse().withStatus(429)
                .withHeader("retry-after", "1").withHeader("Content-Type", "application/json").withBody(
                        "{\"statusCode\":429,\"message\":\"Too many requests.\",\"name\":\"rate_limit_exceeded\"}")));
        call("run-check", Tokens.MONITOR, "{\"name\":\"resend-domain\"}").statusCode(503)
                .body("error.code", is("provider_unavailable")).body("error.message", containsString("HTTP 429 (retry after 1 s)"));
    }

    @Test
    void anAnswerTooLargeIsRefusedUnreadAndARedirectIsNotFollowed() {
        FakeVendorAccounts.twilio().resetAll();
        FakeVendorAccounts.twilio().stubFor(get(urlPathEqualTo(BALANCE)).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"balance\":\"1\",\"pad\":\"" + "x".repeat(10_000) + "\"}")));
        call("run-check", Tokens.MONITOR, "{\"name\":\"twilio-balance\"}").statusCode(409)
                .body("error.code", is("check_failed")).body("error.message", containsString("larger than 4096 bytes"));

        FakeVendorAccounts.twilio().resetAll();
        FakeVendorAccounts.twilio().stubFor(get(urlPathEqualTo(BALANCE)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", FakeVendorAccounts.twilio().baseUrl() + "/elsewhere")));
        call("run-check", Tokens.MONITOR, "{\"name\":\"twilio-balance\"}").statusCode(409)
                .body("error.code", is("check_failed")).body("error.message", containsString("HTTP 302"));
        FakeVendorAccounts.twilio().verify(0, getRequestedFor(urlPathMatching("/elsewhere")));
    }

    @Test
    void theChecksScheduleRunsTheHttpChecks() {
        balance("\"1.00\"");
        List<Map<String, Object>> results = schedule.run().await().atMost(java.time.Duration.ofSeconds(30));
        Map<String, Object> twilio = results.stream().filter(r -> "twilio-balance".equals(r.get("name"))).findFirst()
                .orElseThrow();
        assertEquals("breached", twilio.get("status"));
        assertTrue(((Map<?, ?>) twilio.get("incident")).get("id") != null);
        assertEquals("ok", results.stream().filter(r -> "resend-domain".equals(r.get("name"))).findFirst().orElseThrow()
                .get("status"));
        assertTrue(results.stream().noneMatch(r -> String.valueOf(r).contains(FakeVendorAccounts.AUTH_TOKEN)));
    }

    @Test
    void noInputTurnsTheUrlElsewhere() {
        // The check is named; its URL and host come from functions.yaml and the environment only.
        call("run-check", Tokens.MONITOR, "{\"name\":\"twilio-balance\",\"url\":\"http://169.254.169.254/\"}")
                .statusCode(400).body("error.field", is("url"));
    }
}
