package io.firebreak.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import io.firebreak.platform.FunctionManifest;
import io.firebreak.platform.Role;
import io.firebreak.testing.FakeApp;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** The access matrix and every kind of bad input, over real HTTP: refused as JSON, nothing changed. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
class FunctionGateTest {

    @TestDatabases.Inject
    TestDatabases db;


    OpsRecords ops;
    List<Long> before;

    @BeforeEach
    void snapshot() {
        ops = new OpsRecords(db.ops());
        // Failing health URL: any call that got through would declare, so "nothing changed" means something.
        FakeApp.answer(503, 0);
        ops.quiet();
        before = ops.snapshot();
    }

    @AfterEach
    void healthy() {
        FakeApp.answer(200, 0);
    }

    private void nothingChanged() {
        assertEquals(before, ops.snapshot(), "incidents, timeline, confirmations and alerts unchanged");
    }

    private static ValidatableResponse isError(ValidatableResponse r, int status, String code) {
        return r.statusCode(status).contentType(ContentType.JSON).body("error.code", is(code))
                .body("error.message", not(containsString("Exception")))
                .body(not(containsString("\tat ")));
    }

    // --- access -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "confirm-outage, none, 401",
            "confirm-outage, unknown, 401",
            "monitor-alert, none, 401",
            "get-incident, none, 401",
            "get-incident, monitor, 403",
    })
    void refusedCalls(String function, String who, int status) {
        var request = given().contentType(ContentType.JSON).body("{}");
        if (who.equals("unknown")) {
            request = request.header("Authorization", "Bearer not-a-real-token");
        } else if (who.equals("monitor")) {
            request = request.header("Authorization", Tokens.bearer(Tokens.MONITOR));
        }
        isError(request.post("/" + function).then(), status, status == 401 ? "unauthenticated" : "forbidden");
        nothingChanged();
    }

    @ParameterizedTest(name = "{0} may call {1}")
    @CsvSource({
            "monitor, confirm-outage",
            "responder, confirm-outage",
            "admin, confirm-outage",
            "responder, get-incident",
            "admin, get-incident",
    })
    void allowedCalls(String role, String function) {
        String token = switch (role) {
            case "monitor" -> Tokens.MONITOR;
            case "responder" -> Tokens.RESPONDER;
            default -> Tokens.ADMIN;
        };
        var response = given().header("Authorization", Tokens.bearer(token)).contentType(ContentType.JSON)
                .body(function.equals("get-incident") ? "{\"id\":\"INC-2001-01-01-001\"}" : "{}")
                .post("/" + function).then();
        // get-incident on an unknown id proves the call got past the gate.
        response.statusCode(function.equals("get-incident") ? 404 : 200);
    }

    @Test
    void everyFunctionOfTheManifestRefusesCallersWithoutTheRole() throws IOException {
        FunctionManifest manifest;
        try (var in = Files.newInputStream(Path.of("functions.yaml"))) {
            manifest = FunctionManifest.parse(in);
        }
        for (FunctionManifest.Function f : manifest.all().values()) {
            String method = f.httpMethods().get(0);
            var anonymous = given().contentType(ContentType.JSON).body("{}").request(method, "/" + f.id()).then();
            isError(anonymous, 401, f.role() == Role.PROVIDER ? "unsigned" : "unauthenticated");
            if (f.role().ordinal() > Role.MONITOR.ordinal()) {
                isError(given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON)
                        .body("{}").request(method, "/" + f.id()).then(), 403, "forbidden");
            }
            if (f.role() == Role.ADMIN) {
                isError(given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                        .body("{}").request(method, "/" + f.id()).then(), 403, "forbidden");
            }
        }
        nothingChanged();
    }

    @Test
    void queryTokenOnlyWhereTheManifestAllowsIt() {
        isError(given().queryParam("token", Tokens.ADMIN).post("/confirm-outage").then(), 401, "unauthenticated");
        given().queryParam("token", Tokens.MONITOR).contentType(ContentType.JSON)
                .body("{\"monitorID\":\"1\",\"alertType\":\"2\"}").post("/monitor-alert").then().statusCode(200);
    }

    @Test
    void wrongSchemeAndEmptyBearerAreRefused() {
        isError(given().header("Authorization", "Basic " + Tokens.MONITOR).post("/confirm-outage").then(), 401,
                "unauthenticated");
        isError(given().header("Authorization", "Bearer ").post("/confirm-outage").then(), 401, "unauthenticated");
    }

    @Test
    void tokensNeverReachTheLog() throws IOException {
        given().queryParam("token", Tokens.MONITOR).contentType(ContentType.JSON).body("not json")
                .post("/monitor-alert").then().statusCode(400);
        given().queryParam("token", "guessed-token-1234").post("/monitor-alert").then().statusCode(401);
        // The log file, and the packaged application's console output under @QuarkusIntegrationTest.
        StringBuilder logs = new StringBuilder(Files.readString(Path.of("target/quarkus-test.log")));
        if (Files.exists(Path.of("target/quarkus.log"))) {
            logs.append(Files.readString(Path.of("target/quarkus.log")));
        }
        String log = logs.toString();
        assertFalse(log.contains(Tokens.MONITOR), "the monitor token is not in the log");
        assertFalse(log.contains("guessed-token-1234"), "a refused token is not in the log either");
    }

    // --- bad input ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "confirm-outage | {\"windowMinutes\": | malformed_json | ",
            "confirm-outage | {\"windowMinutes\":\"abc\"} | invalid_type | windowMinutes",
            "confirm-outage | {\"windowMinutes\":true} | invalid_type | windowMinutes",
            "confirm-outage | {\"windowMinutes\":[1]} | invalid_type | windowMinutes",
            "confirm-outage | {\"windowMinutes\":0} | invalid_window | windowMinutes",
            "confirm-outage | {\"windowMinutes\":100000} | invalid_window | windowMinutes",
            "confirm-outage | {\"windw\":5} | unknown_field | windw",
            "confirm-outage | [1,2] | invalid_type | ",
            "monitor-alert | {\"alertType\":\"1\"} | missing_field | monitorID",
            "monitor-alert | {\"version\":\"4\",\"groupKey\":\"g\",\"status\":\"exploded\",\"alerts\":[{}]} | invalid_value | status",
            "monitor-alert | {\"version\":\"4\",\"groupKey\":\"g\",\"status\":\"firing\",\"alerts\":[]} | missing_field | alerts",
            "monitor-alert | {\"version\":\"4\",\"status\":\"firing\",\"alerts\":\"x\"} | invalid_type | alerts",
            "monitor-alert | {\"hello\":\"world\"} | unknown_alert_format | ",
            "monitor-alert | 42 | invalid_type | ",
            "get-incident | {\"id\":12} | invalid_value | id",
    })
    void badInputIs400WithTheFieldAndChangesNothing(String function, String body, String code, String field) {
        var response = isError(given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).contentType(ContentType.JSON)
                .body(body).post("/" + function).then(), 400, code);
        if (field == null) {
            response.body("error.field", nullValue());
        } else {
            response.body("error.field", is(field));
        }
        nothingChanged();
    }

    @Test
    void badQueryParameterOnGet() {
        isError(given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).queryParam("windowMinutes", "ten")
                .get("/confirm-outage").then(), 400, "invalid_type").body("error.field", is("windowMinutes"));
        nothingChanged();
    }

    @Test
    void oversizeBodyIs400() {
        String big = "{\"monitorID\":\"1\",\"alertType\":\"1\",\"alertDetails\":\"" + "x".repeat(70 * 1024) + "\"}";
        isError(given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON).body(big)
                .post("/monitor-alert").then(), 400, "body_too_large");
        nothingChanged();
    }

    @Test
    void wrongMethodAndUnknownFunctionAreJson() {
        isError(given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).put("/monitor-alert").then(), 405,
                "method_not_allowed");
        isError(given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).post("/no-such-function").then(), 404,
                "unknown_function");
        nothingChanged();
    }
}
