package io.firebreak.functions.platformlogs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Tokens;

/** With neither Supabase nor Sentry configured, platform-logs answers at once and says why each source is skipped. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class PlatformLogsSkippedTest {

    @Test
    void everySourceSaysWhyItIsSkipped() {
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).get("/platform-logs").then().statusCode(200);
        // Warm: nothing is asked of anyone, so the answer is immediate.
        long start = System.nanoTime();
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).get("/platform-logs").then().statusCode(200)
                .body("window.minutes", is(30))
                .body("supabase.skipped", is("SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF are not both set"))
                .body("sentry.skipped", is("SENTRY_TOKEN, SENTRY_ORG and SENTRY_PROJECT are not all set"));
        org.junit.jupiter.api.Assertions.assertTrue((System.nanoTime() - start) / 1_000_000 < 1000);
    }
}
