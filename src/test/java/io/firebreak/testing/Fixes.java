package io.firebreak.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** A declared fix the way an engineer runs it: the dry run, the apply (approved first where it must be), the undo. */
public final class Fixes {

    private Fixes() {
    }

    static String body(String name, String params) {
        return "{\"name\":\"" + name + "\",\"params\":" + params + "}";
    }

    public static JsonPath plan(String name, String params) {
        Response r = ApprovedPlans.post(Tokens.RESPONDER, "run-fix", body(name, params));
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath();
    }

    /** Applies a plan; one that needs approval is first refused (202) and then approved by an admin. */
    public static JsonPath apply(String name, String params, JsonPath plan) {
        String planId = plan.getString("planId");
        String apply = SampleCalls.applying(body(name, params), planId, "seed fix");
        if (plan.getBoolean("approval.required")) {
            Response refused = ApprovedPlans.post(Tokens.RESPONDER, "run-fix", apply);
            assertEquals(202, refused.statusCode(), refused.asString());
            assertEquals("approval_required", refused.path("error.code"));
            ApprovedPlans.approve(planId);
        }
        Response r = ApprovedPlans.post(Tokens.RESPONDER, "run-fix", apply);
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath();
    }

    /** Plans and applies the undo of an applied fix. */
    public static JsonPath undo(long auditId) {
        String body = "{\"auditId\":" + auditId + "}";
        Response plan = ApprovedPlans.post(Tokens.RESPONDER, "undo", body);
        assertEquals(200, plan.statusCode(), plan.asString());
        Response r = ApprovedPlans.post(Tokens.RESPONDER, "undo", SampleCalls.applying(body, plan.path("planId"), "undo the fix"));
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath();
    }
}
