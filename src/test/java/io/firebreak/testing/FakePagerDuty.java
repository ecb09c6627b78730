package io.firebreak.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * PagerDuty's Events API v2 as a real HTTP server: the published event contract (contracts/pagerduty) with its
 * 400 invalid event and its per-routing-key rate limit, 202 answers, and a routing key configured for level 1.
 */
public class FakePagerDuty implements QuarkusTestResourceLifecycleManager {

    /** A routing key of PagerDuty's shape: 32 characters. */
    public static final String ROUTING_KEY = "R0UT1NGKEYF0RFAKEPAGERDUTY000001";

    private static WireMockServer pagerduty;
    private static ContractFilter contract;

    @Override
    public Map<String, String> start() {
        contract = new ContractFilter("pagerduty", "enqueue");
        pagerduty = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(contract));
        pagerduty.start();
        answerNormally();
        return Map.of("quarkus.rest-client.pagerduty.url", pagerduty.baseUrl(), "pagerduty.routing-key", ROUTING_KEY);
    }

    /** 202 for every event the contract admits; bodies over 512 KB refused as PagerDuty does. */
    public static void answerNormally() {
        pagerduty.resetAll();
        contract.reset();
        pagerduty.stubFor(post(urlEqualTo("/v2/enqueue")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"fake-dedup\"}")));
        pagerduty.stubFor(post(urlEqualTo("/v2/enqueue")).atPriority(1).withRequestBody(matching("(?s).{524289,}"))
                .willReturn(aResponse().withStatus(413).withBody("Request Entity Too Large")));
    }

    /** The next answers are this status with PagerDuty's body for it (429 throttle, 5xx, 400 invalid event). */
    public static void answer(int status) {
        String body = switch (status) {
            case 400 -> "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"Length of 'routing_key' is incorrect (should be 32 characters)\"]}";
            case 429 -> "{\"status\":\"throttle event\",\"message\":\"Requests for this service are arriving too quickly. Please retry later.\"}";
            default -> "{\"status\":\"error\",\"message\":\"internal error\"}";
        };
        pagerduty.stubFor(post(urlEqualTo("/v2/enqueue")).atPriority(2).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    public static ContractFilter contract() {
        return contract;
    }

    /** Every event received so far (routing key included), oldest first. */
    public static List<JsonNode> events() {
        ObjectMapper mapper = new ObjectMapper();
        return pagerduty.findAll(postRequestedFor(urlEqualTo("/v2/enqueue"))).stream().map(r -> {
            try {
                return mapper.readTree(r.getBodyAsString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** The events for one incident. */
    public static List<JsonNode> events(String dedupKey) {
        return events().stream().filter(e -> dedupKey.equals(e.path("dedup_key").asText())).toList();
    }

    @Override
    public void stop() {
        if (pagerduty != null) {
            pagerduty.stop();
        }
    }
}
