package io.firebreak.integrity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.testing.FakeProviders;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.SampleCalls;
import io.firebreak.testing.Tokens;

/**
 * The ops database down (its port refuses connections) while the target is fine: every function
 * still answers, in time and in the error shape — 503 ops_unavailable where it needs the record,
 * its normal answer where it does not (confirm-outage says it could not record) — never a 500.
 */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "ops", value = "refusing"))
@WithTestResource(FakeProviders.class)
class OpsDownTest {

    /** These read or write only the incident record and the audit trail: with ops down they can only say so. */
    static final Set<String> NEED_OPS = Set.of("get-incident", "list-incidents", "add-note", "assign-role", "update-incident",
            "resolve-incident", "postmortem", "declare-incident", "verify-audit", "monitor-alert", "watch-incidents", "undo",
            "migrate");

    @Test
    void everyFunctionAnswersAndThoseThatNeedTheRecordSay503OpsUnavailable() {
        for (String function : SampleCalls.CALLS.keySet()) {
            long start = System.nanoTime();
            Response r = SampleCalls.send(function);
            long ms = (System.nanoTime() - start) / 1_000_000;
            String what = function + ": " + r.asString();
            assertTrue(r.statusCode() != 500, what);
            assertTrue(ms < 7000, function + " answered in " + ms + " ms");
            if (NEED_OPS.contains(function)) {
                assertEquals(503, r.statusCode(), what);
                assertEquals("ops_unavailable", r.path("error.code"), what);
                assertEquals(503, (int) r.path("error.status"), what);
            } else if (r.statusCode() == 503) {
                assertTrue(List.of("ops_unavailable", "target_unavailable").contains(r.path("error.code")), what);
            }
        }
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).get("/confirm-outage").then().statusCode(200)
                .body("recorded", org.hamcrest.Matchers.is(false));
        // The live page has no rendering to fall back on in this process: it says so; the static export stays up.
        given().get("/status/api/v2/summary.json").then().statusCode(503)
                .body("error.code", org.hamcrest.Matchers.is("status_unavailable"));
        given().get("/q/health/ready").then().statusCode(503);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void theLastExportStaysWhenNoRenderingCanBeMade() throws Exception {
        java.nio.file.Path index = java.nio.file.Path.of("target/status-export/index.html");
        java.nio.file.Files.createDirectories(index.getParent());
        String lastGood = "<!DOCTYPE html><title>last good copy</title>";
        java.nio.file.Files.writeString(index, lastGood);
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType("application/json").body("{}")
                .post("/status-page").then().statusCode(503).body("error.code", org.hamcrest.Matchers.is("ops_unavailable"));
        assertEquals(lastGood, java.nio.file.Files.readString(index), "a failed rendering overwrote the export");
    }
}
