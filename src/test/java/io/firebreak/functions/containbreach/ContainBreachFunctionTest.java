package io.firebreak.functions.containbreach;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.FakeSupabase;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** Seed 000's breach containment against a fake Supabase Management API, on the real databases. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeSupabase.class)
class ContainBreachFunctionTest {

    static final String KEYS = "/v1/projects/" + FakeSupabase.REF + "/api-keys";
    static final String SIGNING = "/v1/projects/" + FakeSupabase.REF + "/config/auth/signing-keys";

    @TestDatabases.Inject
    TestDatabases db;

    TargetData target;
    OpsRecords ops;
    String tenant;

    @BeforeEach
    void aProjectUnderAttack() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(2);
        ops.quiet();
        tenant = target.admin("Ada Obi", "ada@tenant.example", null);
        io.firebreak.testing.Sql.exec(db.target(), "INSERT INTO public.profiles (tenant_id, full_name, role) "
                + "SELECT id, 'Other', 'member' FROM public.tenants WHERE id <> '" + tenant + "'");
        target.authSessions(3);
        target.audit("login", 40, 2, 600, 1);
        target.integration("Xero", true);
        WireMockServer api = FakeSupabase.server();
        api.resetAll();
        FakeSupabase.contract().reset();
        api.stubFor(get(KEYS).willReturn(json(200, "[{\"id\":\"anon\",\"type\":\"legacy\",\"name\":\"anon\"},"
                + "{\"id\":\"4b0a5e0c-6f43-4d1e-9b2a-0f1e2d3c4b5a\",\"type\":\"secret\",\"name\":\"default\",\"prefix\":\"sb_secret_ab\"}]")));
        api.stubFor(post(KEYS).willReturn(json(201, "{\"id\":\"7c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e\",\"type\":\"secret\",\"name\":\"firebreak\"}")));
        api.stubFor(delete(urlPathMatching(KEYS + "/[0-9a-f-]{36}")).willReturn(json(200, "{\"id\":\"4b0a5e0c-6f43-4d1e-9b2a-0f1e2d3c4b5a\"}")));
        api.stubFor(put(urlPathEqualTo(KEYS + "/legacy")).willReturn(json(200, "{\"enabled\":false}")));
        api.stubFor(get(SIGNING).willReturn(json(200, "{\"keys\":[{\"id\":\"1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b\",\"algorithm\":\"HS256\",\"status\":\"in_use\"}]}")));
        api.stubFor(post(SIGNING).willReturn(json(201, "{\"id\":\"9e8d7c6b-5a49-4382-a716-0f9e8d7c6b5a\",\"algorithm\":\"ES256\",\"status\":\"standby\"}")));
        api.stubFor(patch(urlPathMatching(SIGNING + "/[0-9a-f-]{36}")).willReturn(json(200, "{\"id\":\"9e8d7c6b-5a49-4382-a716-0f9e8d7c6b5a\"}")));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** Applies are approved first, as contain-breach's policy asks (ApprovalsTest proves the refusals). */
    static ValidatableResponse call(String body, String key) {
        ApprovedPlans.approveApplyOf(body);
        var request = given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.body(body).post("/contain-breach").then();
    }

    long sessions() {
        return target.count("SELECT count(*) FROM auth.sessions");
    }

    @Test
    void theDryRunPreviewsEveryStepAndChangesNothing() {
        call("{\"scope\":\"project\"}", null).statusCode(200)
                .body("changes.steps.evidence.auditLogs", is(40))
                .body("changes.steps.api-keys.deleteAsCompromised", is(List.of("4b0a5e0c-6f43-4d1e-9b2a-0f1e2d3c4b5a")))
                .body("changes.steps.signing-keys.revoke", is(List.of("1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b")))
                .body("changes.steps.sign-out.sessions", is(6))
                .body("changes.steps.erp.integrations.size()", is(1))
                .body("changes.steps.incident.fingerprint", is("breach/project"));
        assertEquals(6, sessions());
        assertEquals(0, FakeSupabase.server().findAll(postRequestedFor(urlPathEqualTo(KEYS))).size());
    }

    @Test
    void projectContainmentRunsEveryStepEvidenceFirst() {
        String planId = call("{\"scope\":\"project\"}", null).statusCode(200).extract().path("planId");
        call("{\"scope\":\"project\",\"apply\":true,\"planId\":\"" + planId + "\",\"reason\":\"service key leaked\"}", null)
                .statusCode(200)
                .body("applied", is(true)).body("resumable", is(false))
                .body("steps.step", is(List.of("evidence", "api-keys", "signing-keys", "sign-out", "erp", "incident")))
                .body("steps.state", is(List.of("done", "done", "done", "done", "done", "done")))
                .body("steps[0].detail.rows", is(40))
                .body("steps[3].detail.rows", is(6));

        assertEquals(40, ops.count("evidence_audit_logs WHERE plan_id = '" + planId + "'"));
        assertEquals(0, sessions());
        assertEquals(0, target.count("SELECT count(*) FROM erp_integrations WHERE is_active"));
        var incident = ops.openIncidents().get(0);
        assertEquals("P0", incident.get("severity"));
        assertEquals("breach/project", incident.get("fingerprint"));
        WireMockServer api = FakeSupabase.server();
        api.verify(postRequestedFor(urlPathEqualTo(KEYS)).withRequestBody(equalToJson(
                "{\"type\":\"secret\",\"name\":\"firebreak_" + planId.replace("-", "") + "\"}")));
        api.verify(deleteRequestedFor(urlPathEqualTo(KEYS + "/4b0a5e0c-6f43-4d1e-9b2a-0f1e2d3c4b5a")).withQueryParam("was_compromised", equalTo("true"))
                .withQueryParam("reason", equalTo("service key leaked"))
                .withHeader("Authorization", equalTo("Bearer " + FakeSupabase.TOKEN)));
        api.verify(putRequestedFor(urlPathEqualTo(KEYS + "/legacy")).withQueryParam("enabled", equalTo("false")));
        api.verify(patchRequestedFor(urlPathEqualTo(SIGNING + "/9e8d7c6b-5a49-4382-a716-0f9e8d7c6b5a")).withRequestBody(equalToJson("{\"status\":\"in_use\"}")));
        api.verify(patchRequestedFor(urlPathEqualTo(SIGNING + "/1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b")).withRequestBody(equalToJson("{\"status\":\"revoked\"}")));
        assertEquals(6, ops.count("audit_records WHERE function = 'contain-breach' AND action = 'step' AND input->>'planId' = '" + planId + "'"));
        assertEquals(List.of("apply-started", "apply"), ops.query("SELECT action FROM audit_records WHERE function = "
                + "'contain-breach' AND action LIKE 'apply%' AND input->>'planId' = '" + planId + "' ORDER BY id").stream()
                .map(r -> r.get("action")).toList(), "the whole apply is framed by its started and outcome records");
        assertEquals("[\"7c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e\", \"4b0a5e0c-6f43-4d1e-9b2a-0f1e2d3c4b5a\"]", ops.query("SELECT external_ids::text AS e FROM audit_records WHERE "
                + "input->>'step' = 'api-keys' AND input->>'planId' = '" + planId + "'").get(0).get("e"));
    }

    @Test
    void aTenantScopeTouchesOnlyThatTenantAndNoProjectKeys() {
        String planId = call("{\"scope\":\"tenant\",\"tenantId\":\"" + tenant + "\"}", null).statusCode(200)
                .body("changes.steps.sign-out.sessions", is(3)).extract().path("planId");
        call("{\"scope\":\"tenant\",\"tenantId\":\"" + tenant + "\",\"apply\":true,\"planId\":\"" + planId
                + "\",\"reason\":\"one tenant's admin phished\"}", null).statusCode(200)
                .body("steps.step", is(List.of("evidence", "sign-out", "erp", "incident")));
        assertEquals(3, sessions(), "the other tenant's users keep their sessions");
        assertEquals(0, FakeSupabase.server().findAll(postRequestedFor(urlPathEqualTo(KEYS))).size());
        call("{\"scope\":\"tenant\",\"tenantId\":\"" + tenant + "\",\"steps\":[\"api-keys\"]}", null).statusCode(400)
                .body("error.field", is("steps"));
    }

    @Test
    void aFailedStepDoesNotHideTheOthersAndTheSameKeyResumes() {
        FakeSupabase.server().stubFor(delete(urlPathMatching(KEYS + "/[0-9a-f-]{36}"))
                .willReturn(json(500, "{\"message\":\"internal error\"}")));
        String planId = call("{\"scope\":\"project\"}", null).statusCode(200).extract().path("planId");
        String apply = "{\"scope\":\"project\",\"apply\":true,\"planId\":\"" + planId + "\",\"reason\":\"leak\"}";
        call(apply, "breach-1").statusCode(200)
                .body("applied", is(false)).body("resumable", is(true))
                .body("steps.state", is(List.of("done", "failed", "done", "done", "done", "done")));
        assertEquals(0, sessions(), "the failed key step did not stop the sign-out");

        FakeSupabase.server().stubFor(delete(urlPathMatching(KEYS + "/[0-9a-f-]{36}")).willReturn(json(200, "{}")));
        FakeSupabase.server().stubFor(get(KEYS).willReturn(json(200, "[{\"id\":\"4b0a5e0c-6f43-4d1e-9b2a-0f1e2d3c4b5a\",\"type\":\"secret\"},"
                + "{\"id\":\"7c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e\",\"type\":\"secret\",\"name\":\"firebreak_" + planId.replace("-", "") + "\"}]")));
        call(apply, "breach-1").statusCode(200)
                .body("applied", is(true))
                .body("steps.state", is(List.of("already_done", "done", "already_done", "already_done", "already_done",
                        "already_done")));
        assertEquals(1, FakeSupabase.server().findAll(postRequestedFor(urlPathEqualTo(KEYS))).size(),
                "the resumed step found its key and made no second one");
        assertEquals(1, FakeSupabase.server().findAll(postRequestedFor(urlPathEqualTo(SIGNING))).size(),
                "finished steps were not repeated");
    }

    @Test
    void badInputIs400AndChangesNothing() {
        call("{\"scope\":\"galaxy\"}", null).statusCode(400).body("error.field", is("scope"));
        call("{\"scope\":\"tenant\"}", null).statusCode(400).body("error.field", is("tenantId"));
        call("{\"scope\":\"project\",\"steps\":[\"nuke\"]}", null).statusCode(400).body("error.field", is("steps"));
        call("{\"scope\":\"project\",\"apply\":true,\"planId\":\"0b4f7a3e-2d0f-4c38-9a7e-1d2c3b4a5f60\"}", null)
                .statusCode(400).body("error.field", is("reason"));
        assertEquals(6, sessions());
    }

    @org.junit.jupiter.api.AfterEach
    void firebreakSentOnlyWhatSupabaseAccepts() {
        assertEquals(List.of(), FakeSupabase.contract().refusals(), "requests Supabase's published contract refuses");
    }

    @Test
    void theDryRunWarnsWhatTheRealApiWouldSurpriseAnEngineerWith() {
        // The compromised key is the one named default (Edge Functions with withSupabase({auth:'secret'}) take only it),
        // and the project still signs with its legacy JWT secret: no signing key in use.
        FakeSupabase.server().stubFor(get(SIGNING).willReturn(json(200, "{\"keys\":[]}")));
        call("{\"scope\":\"project\"}", null).statusCode(200)
                .body("changes.steps.api-keys.warnings[0]", org.hamcrest.Matchers.containsString("named default"))
                .body("changes.steps.signing-keys.warnings[0]", org.hamcrest.Matchers.containsString("legacy JWT secret"))
                .body("changes.steps.api-keys.deleteAsCompromised", is(List.of("4b0a5e0c-6f43-4d1e-9b2a-0f1e2d3c4b5a")));
    }

    @Test
    void aRateLimitIsWaitedOutAndAGoneLegacySwitchIsNotAFailure() {
        WireMockServer api = FakeSupabase.server();
        api.stubFor(delete(urlPathMatching(KEYS + "/[0-9a-f-]{36}")).inScenario("limit").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willSetStateTo("free")
                .willReturn(json(429, "{\"message\":\"Rate limit exceeded\"}").withHeader("X-RateLimit-Reset", "1")));
        api.stubFor(delete(urlPathMatching(KEYS + "/[0-9a-f-]{36}")).inScenario("limit").whenScenarioStateIs("free")
                .willReturn(json(200, "{}")));
        // "Will be removed in the future, check for HTTP 404".
        api.stubFor(put(urlPathEqualTo(KEYS + "/legacy")).willReturn(json(404, "{\"message\":\"Not Found\"}")));
        String planId = call("{\"scope\":\"project\",\"steps\":[\"api-keys\"]}", null).statusCode(200).extract().path("planId");
        call("{\"scope\":\"project\",\"steps\":[\"api-keys\"],\"apply\":true,\"planId\":\"" + planId
                + "\",\"reason\":\"leak\"}", null).statusCode(200)
                .body("steps.state", is(List.of("done", "done")))
                .body("steps[1].detail.legacy", org.hamcrest.Matchers.containsString("404"));
        assertEquals(2, api.findAll(deleteRequestedFor(urlPathMatching(KEYS + "/[0-9a-f-]{36}"))).size(),
                "the 429 was waited out and the deletion done");
    }

    @Test
    void aTargetWithoutAuthSessionsSkipsTheSignOutWithWhy() {
        io.firebreak.testing.Sql.exec(db.target(), "DROP TABLE auth.sessions");
        String planId = call("{\"scope\":\"tenant\",\"tenantId\":\"" + tenant + "\",\"steps\":[\"sign-out\"]}", null)
                .statusCode(200).body("changes.steps.sign-out.skipped", org.hamcrest.Matchers.containsString("auth.sessions"))
                .extract().path("planId");
        call("{\"scope\":\"tenant\",\"tenantId\":\"" + tenant + "\",\"steps\":[\"sign-out\"],\"apply\":true,"
                + "\"planId\":\"" + planId + "\",\"reason\":\"phished\"}", null).statusCode(200)
                .body("steps.state", is(List.of("done", "skipped")));
    }
}
