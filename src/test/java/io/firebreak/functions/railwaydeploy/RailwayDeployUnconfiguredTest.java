package io.firebreak.functions.railwaydeploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Tokens;

/** Without RAILWAY_TOKEN and the declared ids, railway-deploy says what is missing and changes nothing. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class RailwayDeployUnconfiguredTest {

    @Test
    void anUnconfiguredRailwayIsA409SayingWhatIsMissing() {
        Response r = ApprovedPlans.post(Tokens.RESPONDER, "railway-deploy", "{\"service\":\"api\",\"action\":\"rollback\"}");
        assertEquals(409, r.statusCode(), r.asString());
        assertEquals("railway_not_configured", r.path("error.code"));
        assertTrue(r.path("error.message").toString().startsWith("Railway is not configured"), r.asString());
    }
}
