package io.firebreak.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Calls lifecycle functions the way an engineer does with curl: a bearer token and a JSON body. */
public final class Lifecycle {

    private Lifecycle() {
    }

    public static ValidatableResponse call(String function, String token, String json) {
        return given().header("Authorization", Tokens.bearer(token)).contentType(ContentType.JSON).body(json)
                .post("/" + function).then();
    }

    /** Declares as ada (responder) and answers the incident id. */
    public static String declare(String title, String severity, String extra) {
        return call("declare-incident", Tokens.ADA, "{\"title\":\"" + title + "\",\"severity\":\"" + severity
                + "\",\"impact\":\"Tenants cannot pay\"" + (extra == null ? "" : "," + extra) + "}")
                .statusCode(200).extract().path("incidentId");
    }

    /** Healthy confirm-outage results every two minutes over the last span minutes (as the schedule records them). */
    public static void healthyProbes(String opsUrl, int minutes) {
        Sql.exec(opsUrl, "INSERT INTO confirmations (at, trigger, verdict, took_ms, checks) "
                + "SELECT now() - make_interval(mins => m), 'schedule', 'healthy', 12.5, '[]'::jsonb "
                + "FROM generate_series(0, " + minutes + ", 2) m");
    }
}
