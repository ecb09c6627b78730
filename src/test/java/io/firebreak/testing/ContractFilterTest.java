package io.firebreak.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * The fakes are only as good as the contracts they enforce: for every contract file, a request the
 * provider accepts passes, and requests the provider refuses get the provider's own refusal.
 */
class ContractFilterTest {

    static final String REF = "abcdefghijklmnopqrst";
    static final String UUID = "3f2b8c1e-4a5d-4e6f-9a0b-1c2d3e4f5a6b";
    static final Map<String, String> SUPABASE = Map.of("Authorization", "Bearer sbp_0123abcd");
    static final Map<String, String> SUPABASE_JSON = Map.of("Authorization", "Bearer sbp_0123abcd", "Content-Type",
            "application/json");
    static final Map<String, String> SLACK = Map.of("Authorization", "Bearer xoxb-1-2-abc", "Content-Type",
            "application/json; charset=utf-8");
    static final Map<String, String> RESEND = Map.of("Authorization", "Bearer re_abc", "Content-Type", "application/json");
    static final Map<String, String> WHATSAPP = Map.of("Authorization", "Bearer EAAabc", "Content-Type", "application/json");
    static final String TEMPLATE = """
            {"messaging_product":"whatsapp","to":"2348012345678","type":"template",
             "template":{"name":"incident_notice","language":{"code":"en"}}}""";

    static final Map<String, String[]> PROVIDERS = Map.of(
            "supabase", new String[] { "api-keys-list", "api-keys-create", "api-keys-delete", "api-keys-legacy-disable",
                    "signing-keys-list", "signing-keys-create", "signing-keys-update" },
            "paystack", new String[] { "verify" }, "flutterwave", new String[] { "verify" },
            "slack", new String[] { "conversations-create", "chat-postMessage" },
            "whatsapp", new String[] { "messages-template" }, "resend", new String[] { "emails-send" });

    static final Map<String, WireMockServer> SERVERS = new java.util.HashMap<>();
    static final Map<String, ContractFilter> FILTERS = new java.util.HashMap<>();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        PROVIDERS.forEach((provider, names) -> {
            ContractFilter filter = new ContractFilter(provider, names);
            WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                    .bindAddress("127.0.0.1").extensions(filter));
            server.start();
            server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.okJson("{\"accepted\":true}")));
            SERVERS.put(provider, server);
            FILTERS.put(provider, filter);
        });
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(WireMockServer::stop);
    }

    record Call(String method, String path, Map<String, String> headers, String body) {
    }

    static HttpResponse<String> send(String provider, Call c) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(SERVERS.get(provider).baseUrl() + c.path()));
        c.headers().forEach(b::header);
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(c.body()));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Arguments ok(String provider, String method, String path, Map<String, String> headers, String body) {
        return Arguments.of(provider, new Call(method, path, headers, body), 200, "accepted");
    }

    static Arguments refused(String provider, String method, String path, Map<String, String> headers, String body,
            int status, String fragment) {
        return Arguments.of(provider, new Call(method, path, headers, body), status, fragment);
    }

    static Stream<Arguments> calls() {
        String keys = "/v1/projects/" + REF + "/api-keys";
        String signing = "/v1/projects/" + REF + "/config/auth/signing-keys";
        return Stream.of(
                // Supabase Management API
                ok("supabase", "GET", keys + "?reveal=true", SUPABASE, null),
                refused("supabase", "GET", keys, Map.of(), null, 401, "Unauthorized"),
                refused("supabase", "GET", keys + "?reveal=yes", SUPABASE, null, 400, "reveal"),
                refused("supabase", "GET", "/v1/projects/Not-A-Ref/api-keys", SUPABASE, null, 404, "Not Found"),
                ok("supabase", "POST", keys, SUPABASE_JSON, "{\"type\":\"secret\",\"name\":\"firebreak_0a1b2c3d\"}"),
                refused("supabase", "POST", keys, SUPABASE_JSON, "{\"type\":\"secret\",\"name\":\"firebreak-0a1b2c3d\"}",
                        400, "pattern"),
                refused("supabase", "POST", keys, SUPABASE_JSON, "{\"type\":\"secret\",\"name\":\"abc\"}", 400, "name"),
                refused("supabase", "POST", keys, SUPABASE_JSON, "{\"type\":\"service_role\",\"name\":\"firebreak_x\"}",
                        400, "type"),
                ok("supabase", "DELETE", keys + "/" + UUID + "?was_compromised=true&reason=incident", SUPABASE, null),
                refused("supabase", "DELETE", keys + "/service_role", SUPABASE, null, 404, "Not Found"),
                ok("supabase", "PUT", keys + "/legacy?enabled=false", SUPABASE, null),
                refused("supabase", "PUT", keys + "/legacy", SUPABASE, null, 400, "enabled"),
                ok("supabase", "GET", signing, SUPABASE, null),
                ok("supabase", "POST", signing, SUPABASE_JSON, "{\"algorithm\":\"ES256\",\"status\":\"standby\"}"),
                refused("supabase", "POST", signing, SUPABASE_JSON, "{\"algorithm\":\"ES256\",\"status\":\"revoked\"}",
                        400, "status"),
                ok("supabase", "PATCH", signing + "/" + UUID, SUPABASE_JSON, "{\"status\":\"revoked\"}"),
                refused("supabase", "PATCH", signing + "/" + UUID, SUPABASE_JSON, "{\"status\":\"gone\"}", 400, "status"),
                // Paystack and Flutterwave verify
                ok("paystack", "GET", "/transaction/verify/ref-1", Map.of("Authorization", "Bearer sk_test_abc"), null),
                refused("paystack", "GET", "/transaction/verify/ref-1", Map.of("Authorization", "Bearer pk_test_abc"), null,
                        401, "Invalid key"),
                ok("flutterwave", "GET", "/v3/transactions/verify_by_reference?tx_ref=ref-1",
                        Map.of("Authorization", "Bearer FLWSECK_TEST-abc", "Content-Type", "application/json"), null),
                refused("flutterwave", "GET", "/v3/transactions/verify_by_reference?tx_ref=ref-1",
                        Map.of("Authorization", "Bearer FLWSECK_TEST-abc"), null, 400, "Content-Type"),
                refused("flutterwave", "GET", "/v3/transactions/verify_by_reference",
                        Map.of("Authorization", "Bearer FLWSECK_TEST-abc", "Content-Type", "application/json"), null, 400,
                        "tx_ref"),
                refused("flutterwave", "GET", "/v3/transactions/verify_by_reference?tx_ref=ref-1",
                        Map.of("Authorization", "Bearer sk_live_abc", "Content-Type", "application/json"), null, 401,
                        "Authorization required"),
                // Slack: refusals are HTTP 200 with ok:false
                ok("slack", "POST", "/conversations.create", SLACK, "{\"name\":\"incident-2026-12-01-09-14\"}"),
                refused("slack", "POST", "/conversations.create", SLACK, "{\"name\":\"Incident 1\"}", 200,
                        "invalid_name_specials"),
                ok("slack", "POST", "/chat.postMessage", SLACK, "{\"channel\":\"C0ACCEPT\",\"text\":\"P1\"}"),
                refused("slack", "POST", "/chat.postMessage", SLACK, "{\"channel\":\"C0ACCEPT\"}", 200, "no_text"),
                refused("slack", "POST", "/chat.postMessage", Map.of("Content-Type", "application/json"),
                        "{\"channel\":\"C0ACCEPT\",\"text\":\"P1\"}", 200, "invalid_auth"),
                // WhatsApp Cloud API: Graph API errors with their codes
                ok("whatsapp", "POST", "/v23.0/106540352242922/messages", WHATSAPP, TEMPLATE),
                refused("whatsapp", "POST", "/v23.0/106540352242922/messages", WHATSAPP,
                        "{\"messaging_product\":\"whatsapp\",\"to\":\"2348012345678\",\"type\":\"template\"}", 400, "131008"),
                refused("whatsapp", "POST", "/v23.0/106540352242922/messages", Map.of("Content-Type", "application/json"),
                        TEMPLATE, 401, "\"code\":190"),
                // Resend
                ok("resend", "POST", "/emails", RESEND,
                        "{\"from\":\"status@firebreak.example\",\"to\":[\"a@tenant.example\"],\"subject\":\"P1\",\"text\":\"x\"}"),
                refused("resend", "POST", "/emails", RESEND, "{\"from\":\"status@firebreak.example\",\"to\":[\"a@x.example\"]}",
                        422, "missing_required_field"),
                refused("resend", "POST", "/emails", Map.of("Authorization", "Bearer sk_abc", "Content-Type",
                        "application/json"), "{\"from\":\"a@x.example\",\"to\":\"b@x.example\",\"subject\":\"s\"}", 403,
                        "invalid_api_key"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("calls")
    void answersAsTheProviderDoes(String provider, Call call, int status, String fragment) throws Exception {
        FILTERS.get(provider).rateLimits(false);
        HttpResponse<String> r = send(provider, call);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(fragment), "answer names '" + fragment + "': " + r.body());
        if (!fragment.equals("accepted")) {
            assertTrue(r.body().startsWith("{"), "refused in the provider's JSON shape: " + r.body());
        }
    }

    @Test
    void slackCountsPostsPerChannel() throws Exception {
        ContractFilter slack = FILTERS.get("slack");
        slack.reset();
        slack.rateLimits(true);
        Call a = new Call("POST", "/chat.postMessage", SLACK, "{\"channel\":\"C0BURST\",\"text\":\"update\"}");
        for (int i = 0; i < 10; i++) {
            assertEquals(200, send("slack", a).statusCode());
        }
        HttpResponse<String> over = send("slack", a);
        assertEquals(429, over.statusCode(), "the 11th post in a burst to one channel");
        assertEquals("1", over.headers().firstValue("Retry-After").orElse(null));
        assertTrue(over.body().contains("ratelimited"), over.body());
        HttpResponse<String> other = send("slack", new Call("POST", "/chat.postMessage", SLACK,
                "{\"channel\":\"C0OTHER\",\"text\":\"update\"}"));
        assertTrue(other.body().contains("accepted"), "another channel has its own allowance: " + other.body());
    }

    @Test
    void resendAllowsTwoRequestsASecond() throws Exception {
        ContractFilter resend = FILTERS.get("resend");
        resend.reset();
        resend.rateLimits(true);
        Call email = new Call("POST", "/emails", RESEND,
                "{\"from\":\"status@firebreak.example\",\"to\":\"a@tenant.example\",\"subject\":\"P1\",\"text\":\"x\"}");
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(send("resend", email).statusCode());
        }
        assertEquals(List.of(200, 200, 429), statuses);
        Thread.sleep(1100);
        assertEquals(200, send("resend", email).statusCode(), "allowed again after a second");
        assertTrue(resend.refusals().stream().anyMatch(r -> r.contains("rate limit")), resend.refusals().toString());
    }
}
