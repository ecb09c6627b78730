package io.firebreak.testing;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * One well-formed call of every manifest function (a dry run where the function changes
 * something), as a monitor, engineer or provider would send it: what the fault and bad-input
 * tests start from. FunctionsManifestTest keeps it complete.
 */
public final class SampleCalls {

    /** A call: the token it carries (null for a provider's signed webhook) and its JSON body. */
    public record Call(String token, String body) {
    }

    public static final String INCIDENT = "INC-2026-12-01-001";
    public static final String TENANT = "0b4f7a3e-2d0f-4c38-9a7e-1d2c3b4a5f60";

    public static final Map<String, Call> CALLS = new LinkedHashMap<>();
    static {
        CALLS.put("confirm-outage", new Call(Tokens.MONITOR, "{\"windowMinutes\":10}"));
        CALLS.put("monitor-alert", new Call(Tokens.MONITOR, "{\"monitorID\":\"793456\",\"monitorFriendlyName\":\"API\","
                + "\"monitorURL\":\"https://app.example.com/health\",\"alertType\":\"1\",\"alertDetails\":\"Timeout\","
                + "\"alertDateTime\":\"1764582000\"}"));
        CALLS.put("get-incident", new Call(Tokens.RESPONDER, "{\"id\":\"" + INCIDENT + "\"}"));
        CALLS.put("migrate", new Call(Tokens.ADMIN, "{\"apply\":false}"));
        CALLS.put("status-page", new Call(Tokens.MONITOR, "{}"));
        CALLS.put("schedule-maintenance", new Call(Tokens.RESPONDER, "{\"title\":\"DB upgrade\",\"text\":\"Brief pauses.\","
                + "\"components\":[\"api\"],\"startsAt\":\"" + java.time.Instant.now().plusSeconds(86400)
                + "\",\"endsAt\":\"" + java.time.Instant.now().plusSeconds(90000) + "\","
                + "\"dryRun\":true}"));
        CALLS.put("set-component-status", new Call(Tokens.RESPONDER, "{\"component\":\"api\",\"status\":\"partial_outage\","
                + "\"reason\":\"vendor degraded\",\"dryRun\":true}"));
        CALLS.put("clear-retry-queue", new Call(Tokens.RESPONDER, "{\"integrationId\":\"" + TENANT + "\"}"));
        CALLS.put("undo", new Call(Tokens.RESPONDER, "{\"auditId\":1}"));
        CALLS.put("verify-audit", new Call(Tokens.ADMIN, "{}"));
        CALLS.put("verify-payment", new Call(Tokens.RESPONDER, "{\"reference\":\"PSK-404\"}"));
        CALLS.put("payment-webhook", new Call(null, "{\"event\":\"charge.success\",\"data\":{\"reference\":\"PSK-404\","
                + "\"amount\":5000,\"currency\":\"NGN\"}}"));
        CALLS.put("notify-tenant", new Call(Tokens.RESPONDER, "{\"tenantId\":\"" + TENANT + "\",\"incidentId\":\"" + INCIDENT
                + "\",\"phase\":\"investigating\",\"channels\":[\"email\"],\"feature\":\"payments\"}"));
        CALLS.put("contain-breach", new Call(Tokens.RESPONDER, "{\"scope\":\"tenant\",\"tenantId\":\"" + TENANT
                + "\",\"steps\":[\"evidence\"]}"));
        CALLS.put("declare-incident", new Call(Tokens.ADA, "{\"title\":\"Checkout failing\",\"severity\":\"P2\","
                + "\"impact\":\"Some tenants cannot pay\",\"dryRun\":true}"));
        CALLS.put("update-incident", new Call(Tokens.ADA, "{\"id\":\"" + INCIDENT + "\",\"text\":\"Failover started\","
                + "\"dryRun\":true}"));
        CALLS.put("assign-role", new Call(Tokens.ADA, "{\"id\":\"" + INCIDENT + "\",\"role\":\"scribe\",\"person\":\"bola\","
                + "\"dryRun\":true}"));
        CALLS.put("add-note", new Call(Tokens.ADA, "{\"id\":\"" + INCIDENT + "\",\"text\":\"Rolled back\",\"dryRun\":true}"));
        CALLS.put("list-incidents", new Call(Tokens.RESPONDER, "{\"open\":true,\"limit\":5}"));
        CALLS.put("resolve-incident", new Call(Tokens.ADA, "{\"id\":\"" + INCIDENT + "\",\"resolution\":\"Fixed\","
                + "\"dryRun\":true}"));
        CALLS.put("postmortem", new Call(Tokens.RESPONDER, "{\"id\":\"" + INCIDENT + "\"}"));
        CALLS.put("watch-incidents", new Call(Tokens.RESPONDER, "{\"dryRun\":true}"));
        CALLS.put("db-health", new Call(Tokens.RESPONDER, "{\"longRunningSeconds\":5}"));
        CALLS.put("terminate-sessions", new Call(Tokens.RESPONDER, "{\"idleFor\":\"10m\",\"application\":\"nobody\"}"));
        CALLS.put("vacuum-analyze", new Call(Tokens.RESPONDER, "{\"tables\":[\"public.tenants\"],\"analyzeOnly\":true}"));
        CALLS.put("top-errors", new Call(Tokens.RESPONDER, "{\"window\":\"1h\",\"service\":\"edge:\"}"));
        CALLS.put("recent-changes", new Call(Tokens.RESPONDER, "{\"since\":\"1h\"}"));
        CALLS.put("platform-logs", new Call(Tokens.RESPONDER, "{\"minutes\":30,\"tail\":10}"));
        CALLS.put("run-check", new Call(Tokens.MONITOR, "{\"name\":\"ocr-failures\",\"dryRun\":true}"));
        CALLS.put("check-dependencies", new Call(Tokens.MONITOR, "{\"name\":\"github\",\"fresh\":false}"));
        CALLS.put("requeue", new Call(Tokens.RESPONDER, "{\"name\":\"email-retry\"}"));
        CALLS.put("freeze-writes", new Call(Tokens.RESPONDER, "{\"roles\":[\"fb_app\"]}"));
        CALLS.put("snapshot-tables", new Call(Tokens.RESPONDER, "{\"tables\":[\"public.tenants\"]}"));
        CALLS.put("restore-snapshot", new Call(Tokens.RESPONDER, "{\"snapshotId\":\"5b2f6c1e-8d4a-4f0b-9c3e-7a1d2e4f6b80\"}"));
        CALLS.put("run-fix", new Call(Tokens.RESPONDER,
                "{\"name\":\"clear-login-attempts\",\"params\":{\"email\":\"mallory@example.com\"}}"));
        CALLS.put("railway-variable", new Call(Tokens.RESPONDER, "{\"service\":\"api\",\"name\":\"MAINTENANCE_MODE\","
                + "\"value\":\"true\"}"));
        CALLS.put("rotate-secret", new Call(Tokens.RESPONDER, "{\"service\":\"api\",\"name\":\"SESSION_SECRET\"}"));
        CALLS.put("request-approval", new Call(Tokens.MONITOR,
                "{\"planId\":\"5b2f6c1e-8d4a-4f0b-9c3e-7a1d2e4f6b80\",\"reason\":\"second pair of eyes\"}"));
        CALLS.put("approve", new Call(Tokens.ADMIN, "{\"planId\":\"5b2f6c1e-8d4a-4f0b-9c3e-7a1d2e4f6b80\",\"digest\":\""
                + "0".repeat(64) + "\",\"reason\":\"reviewed\"}"));
        CALLS.put("railway-deploy", new Call(Tokens.RESPONDER, "{\"service\":\"api\",\"action\":\"rollback\"}"));
        CALLS.put("deny", new Call(Tokens.RESPONDER, "{\"planId\":\"5b2f6c1e-8d4a-4f0b-9c3e-7a1d2e4f6b80\",\"digest\":\""
                + "0".repeat(64) + "\",\"reason\":\"not this one\"}"));
    }

    private SampleCalls() {
    }

    /** A dry run's body turned into the apply of its plan: apply, planId and reason added. */
    public static String applying(String body, String planId, String reason) {
        String fields = "\"apply\":true,\"planId\":\"" + planId + "\",\"reason\":\"" + reason + "\"}";
        return body.substring(0, body.length() - 1) + (body.strip().equals("{}") ? "" : ",") + fields;
    }

    /** Sends a body (any bytes) to a function the way its caller does: a bearer token, or a provider's signature. */
    public static Response send(String function, String body) {
        Call call = CALLS.get(function);
        var request = given().contentType(ContentType.JSON).body(body.getBytes(StandardCharsets.UTF_8));
        if (call.token() == null) {
            request = request.header("x-paystack-signature", paystackSignature(body));
        } else {
            request = request.header("Authorization", Tokens.bearer(call.token()));
        }
        return request.post("/" + function);
    }

    public static Response send(String function) {
        return send(function, CALLS.get(function).body());
    }

    /** Paystack's HMAC-SHA512 of the raw body with the secret key. */
    public static String paystackSignature(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(FakeProviders.PAYSTACK_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
