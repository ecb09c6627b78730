package io.firebreak.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Sentry's read API as a real HTTP server: the contract (contracts/sentry: bearer token, paths,
 * parameters, one period form) enforced on every request, then the test's answer with Sentry's
 * rate-limit headers and Link pagination.
 */
public class FakeSentry implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "sntrys_fbfake_7e21";
    public static final String ORG = "acme";
    public static final String PROJECT = "4504123";

    /** One request as received: which endpoint and its query. */
    public record Call(String endpoint, ObjectNode query) {
    }

    /** The fake's answer. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer json(String body) {
            return new Answer(200, Map.of(), body);
        }
    }

    @FunctionalInterface
    public interface Answers {
        Answer answer(Call call);
    }

    private static WireMockServer server;
    private static ContractFilter contract;
    private static final List<Call> calls = new CopyOnWriteArrayList<>();
    private static volatile Answers answers = FakeSentry::quiet;

    @Override
    public Map<String, String> start() {
        contract = new ContractFilter("sentry", "events", "issues");
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(contract, new Responder()));
        server.start();
        return Map.of("sentry.url", server.baseUrl() + "/api/0/", "sentry.token", TOKEN, "sentry.org", ORG,
                "sentry.project", PROJECT);
    }

    /** No errors, no issues. */
    public static Answer quiet(Call call) {
        return call.endpoint().equals("events") ? Answer.json("{\"data\":[{\"count()\":0}],\"meta\":{\"fields\":{\"count()\":\"integer\"}}}")
                : Answer.json("[]");
    }

    public static String count(long n) {
        return "{\"data\":[{\"count()\":" + n + "}],\"meta\":{\"fields\":{\"count()\":\"integer\"},\"units\":{\"count()\":null},"
                + "\"isMetricsData\":false}}";
    }

    public static void answer(Answers a) {
        answers = a;
    }

    public static List<Call> calls() {
        return List.copyOf(calls);
    }

    public static WireMockServer server() {
        return server;
    }

    public static ContractFilter contract() {
        return contract;
    }

    public static void reset() {
        calls.clear();
        answers = FakeSentry::quiet;
        contract.reset();
    }

    /** Answers what passed the contract, with the headers Sentry puts on every answer. */
    static final class Responder implements StubRequestFilterV2 {
        @Override
        public String getName() {
            return "sentry-answers";
        }

        @Override
        public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
            String url = request.getUrl();
            String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
            String endpoint = path.endsWith("/events/") ? "events" : "issues";
            Call call = new Call(endpoint, ContractFilter.query(url));
            calls.add(call);
            Answer a = answers.answer(call);
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("X-Sentry-Rate-Limit-Limit", "40");
            headers.put("X-Sentry-Rate-Limit-Remaining", "39");
            headers.put("X-Sentry-Rate-Limit-Reset", Long.toString(System.currentTimeMillis() / 1000 + 1));
            headers.put("X-Sentry-Rate-Limit-ConcurrentLimit", "25");
            headers.put("X-Sentry-Rate-Limit-ConcurrentRemaining", "24");
            headers.putAll(a.headers());
            ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition().withStatus(a.status());
            headers.forEach(response::withHeader);
            return RequestFilterAction.stopWith(response.withBody(a.body()).build());
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
