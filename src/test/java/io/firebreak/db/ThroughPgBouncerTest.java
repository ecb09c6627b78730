package io.firebreak.db;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Both databases behind a real pgbouncer in transaction mode (Supabase's port 6543): the
 * diagnostics, the declaration lock and the timeline writes all hold up when every transaction
 * may land on another server connection.
 */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = {
        @ResourceArg(name = "target", value = "pgbouncer"), @ResourceArg(name = "ops", value = "pgbouncer") })
class ThroughPgBouncerTest {

    @TestDatabases.Inject
    TestDatabases db;



    @ConfigProperty(name = "quarkus.datasource.target.reactive.url")
    String serviceTargetUrl;

    @Test
    void diagnosticsAndDeclarationsWorkThroughTheTransactionPooler() {
        OpsRecords ops = new OpsRecords(db.ops());
        ops.quiet();
        TargetData target = new TargetData(db.target());
        target.reset();
        target.tenants(30);
        target.audit("login", 1440, 30, 1440, 0.5);

        // Many calls, so statements reach different server connections.
        for (int i = 0; i < 30; i++) {
            given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).post("/confirm-outage").then()
                    .statusCode(200).body("verdict", is("healthy")).body("recorded", is(true))
                    .body("checks.findAll { it.name in ['database', 'connections', 'audit-spike'] }.status",
                            is(List.of("ok", "ok", "ok")));
        }

        target.audit("login_failed", 144, 30, 1450, 11);
        target.audit("login_failed", 300, 25, 9, 0.5);
        List<CompletableFuture<String>> calls = IntStream.range(0, 10)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> given()
                        .header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON)
                        .body("{\"monitorID\":\"7\",\"alertType\":\"1\"}").post("/monitor-alert").then()
                        .statusCode(200).body("severity", is("P1")).extract().<String>path("incidentId")))
                .toList();
        Set<String> ids = new HashSet<>();
        calls.forEach(c -> ids.add(c.join()));
        assertEquals(1, ids.size(), "one incident through the pooler too");
        assertEquals(1, ops.openIncidents().size());
    }

    @Test
    void theServiceReallyTalksThroughThePooler() {
        assertEquals(false, serviceTargetUrl.contains(":5432/"), serviceTargetUrl);
    }
}
