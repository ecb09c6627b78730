package io.firebreak.testing;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The second pair of eyes, for tests of functions whose apply needs approval: the responder who
 * will apply asks, and an admin (another token) approves the digest the request answers.
 */
public final class ApprovedPlans {

    static final Pattern PLAN_ID = Pattern.compile("\"planId\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private ApprovedPlans() {
    }

    /** Requests approval of the plan as the responder and approves it as the admin. */
    public static void approve(String planId) {
        Response asked = post(Tokens.RESPONDER, "request-approval",
                "{\"planId\":\"" + planId + "\",\"reason\":\"needs a second pair of eyes\"}");
        if (asked.statusCode() != 200) {
            throw new AssertionError("request-approval: " + asked.asString());
        }
        String digest = asked.path("digest");
        Response approved = post(Tokens.ADMIN, "approve",
                "{\"planId\":\"" + planId + "\",\"digest\":\"" + digest + "\",\"reason\":\"reviewed\"}");
        if (approved.statusCode() != 200) {
            throw new AssertionError("approve: " + approved.asString());
        }
    }

    /** Approves the plan an apply body names, when it names one that exists (a test of unknown plans sends its own). */
    public static void approveApplyOf(String body) {
        Matcher m = PLAN_ID.matcher(body);
        if (body.contains("\"apply\":true") && m.find()) {
            Response asked = post(Tokens.RESPONDER, "request-approval",
                    "{\"planId\":\"" + m.group(1) + "\",\"reason\":\"needs a second pair of eyes\"}");
            // An unknown plan is the test's own point; a request made before (a resumed apply) was approved then.
            if (asked.statusCode() == 404 || Boolean.FALSE.equals(asked.path("created"))) {
                return;
            }
            approve(m.group(1));
        }
    }

    public static Response post(String token, String function, String body) {
        return given().header("Authorization", Tokens.bearer(token)).contentType(ContentType.JSON).body(body)
                .post("/" + function);
    }
}
