package io.firebreak.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.OpsSchema;
import io.firebreak.testing.PostgresDatabases;

/** Ready with the target down: readiness is about firebreak's own database only. */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "refusing"))
class OpsReadinessTest {

    @Test
    void readyWhileTheTargetRefusesConnections() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItem("ops database"))
                .body("checks.find { it.name == 'ops database' }.data.schemaVersion", is(OpsSchema.latest()));
    }
}
