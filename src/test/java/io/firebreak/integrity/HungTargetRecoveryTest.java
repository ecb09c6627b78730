package io.firebreak.integrity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import io.firebreak.functions.confirmoutage.ConfirmOutageResult;
import io.firebreak.functions.confirmoutage.ScheduledProbe;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * The target goes silent behind a proxy for 90 s (connections accepted, never answered; those
 * open when it began stall for good), then answers again. During the silence every call that
 * needs the target answers in time (confirm-outage its outage, the others 503 target_unavailable);
 * after it, firebreak has abandoned everything it opened and is healthy within 10 s, on HTTP and on
 * the schedule, and resolve-incident works.
 */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "blackhole"))
class HungTargetRecoveryTest {

    /** How long the target stays silent (FIREBREAK_TEST_SILENCE_SECONDS shortens it while working on this test). */
    static final int SILENCE = Integer.parseInt(System.getenv().getOrDefault("FIREBREAK_TEST_SILENCE_SECONDS", "90"));

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    ScheduledProbe schedule;

    static Response call(String function, String token, String body) {
        return given().header("Authorization", Tokens.bearer(token)).contentType(ContentType.JSON).body(body)
                .post("/" + function);
    }

    /** Calls that need the target, each of which must answer 503 target_unavailable while it is silent. */
    static final Map<String, String> TARGET_CALLS = new LinkedHashMap<>();
    static {
        TARGET_CALLS.put("db-health", "{}");
        TARGET_CALLS.put("top-errors", "{}");
        TARGET_CALLS.put("clear-retry-queue", "{}");
        TARGET_CALLS.put("verify-payment", "{\"reference\":\"HUNG-1\"}");
        TARGET_CALLS.put("requeue", "{\"name\":\"email-retry\"}");
        TARGET_CALLS.put("terminate-sessions", "{\"idleFor\":\"10m\"}");
        TARGET_CALLS.put("vacuum-analyze", "{\"tables\":[\"public.tenants\"]}");
        TARGET_CALLS.put("run-check", "{\"name\":\"ocr-failures\"}");
    }

    @Test
    void afterNinetySecondsOfSilenceItRecoversWithinTenAndEveryCallAnsweredInTime() throws Exception {
        new TargetData(db.target()).reset();
        new TargetData(db.target()).tenants(3);
        new OpsRecords(db.ops()).quiet();
        call("confirm-outage", Tokens.MONITOR, "{}").then().statusCode(200);
        call("db-health", Tokens.RESPONDER, "{}").then().statusCode(200);

        db.blackhole().silent(true);
        long silentUntil = System.nanoTime() + Duration.ofSeconds(SILENCE).toNanos();
        String incident = null;
        int probes = 0;
        int refusals = 0;
        long slowest = 0;
        while (System.nanoTime() < silentUntil) {
            long start = System.nanoTime();
            Response r = call("confirm-outage", Tokens.MONITOR, "{}");
            long took = (System.nanoTime() - start) / 1_000_000;
            slowest = Math.max(slowest, took);
            assertEquals(200, r.statusCode(), r.asString());
            assertEquals("outage", r.path("verdict"));
            assertTrue(took < 3000, "confirm-outage answered in " + took + " ms during the silence");
            incident = r.path("incidentId");
            probes++;
            if (probes % 5 == 1) {
                for (Map.Entry<String, String> c : TARGET_CALLS.entrySet()) {
                    long s = System.nanoTime();
                    Response refused = call(c.getKey(), Tokens.RESPONDER, c.getValue());
                    long ms = (System.nanoTime() - s) / 1_000_000;
                    assertEquals(503, refused.statusCode(), c.getKey() + ": " + refused.asString());
                    assertEquals("target_unavailable", refused.path("error.code"), c.getKey() + ": " + refused.asString());
                    assertTrue(ms < 7000, c.getKey() + " answered in " + ms + " ms");
                    refusals++;
                }
            }
            Thread.sleep(1000);
        }
        assertNotNull(incident, "the outage was declared");

        db.blackhole().silent(false);
        long back = System.nanoTime();
        String verdict = "outage";
        String lastAnswer = null;
        while (!verdict.equals("healthy") && System.nanoTime() - back < Duration.ofSeconds(15).toNanos()) {
            Thread.sleep(500);
            Response r = call("confirm-outage", Tokens.MONITOR, "{}");
            lastAnswer = r.asString();
            verdict = r.then().statusCode(200).extract().path("verdict");
        }
        long recoveredMs = (System.nanoTime() - back) / 1_000_000;
        System.out.printf("silent %d s: %d probes (slowest %d ms), %d target calls refused in time; healthy again after %d ms%n",
                SILENCE, probes, slowest, refusals, recoveredMs);
        assertEquals("healthy", verdict, lastAnswer);
        assertTrue(recoveredMs < 10_000, "healthy within 10 s of the target answering (took " + recoveredMs + " ms)");
        ConfirmOutageResult scheduled = schedule.run().await().atMost(Duration.ofSeconds(5));
        assertEquals("healthy", scheduled.verdict().json(), "the schedule's probe recovered too: " + scheduled.checks());
        call("db-health", Tokens.RESPONDER, "{}").then().statusCode(200);

        long start = System.nanoTime();
        call("resolve-incident", Tokens.ADMIN, "{\"id\":\"" + incident + "\",\"resolution\":\"the pooler came back\","
                + "\"force\":true,\"reason\":\"verified the application by hand\"}").then().statusCode(200);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "resolve-incident answered promptly");
    }
}
