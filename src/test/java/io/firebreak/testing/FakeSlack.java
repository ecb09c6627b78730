package io.firebreak.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
 * Slack's Web API as a real HTTP server in its documented shapes (conversations.create,
 * chat.postMessage: HTTP 200 with ok true or false), and the escalation contacts the tests expect.
 */
public class FakeSlack implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "xoxb-fbfake-2231";
    public static final String CHANNEL_ID = "C07INC0001";

    private static WireMockServer slack;
    /** Slack's published Web API contract (contracts/slack), enforced on every request. */
    private static ContractFilter contract;

    @Override
    public Map<String, String> start() {
        contract = new ContractFilter("slack", "conversations-create", "chat-postMessage");
        slack = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(contract));
        slack.start();
        answerNormally();
        return Map.ofEntries(Map.entry("quarkus.rest-client.slack.url", slack.baseUrl()),
                Map.entry("slack.bot-token", TOKEN),
                Map.entry("firebreak.incidents.channel.fallback", "#incidents"),
                Map.entry("firebreak.incidents.escalation.levels[0].slack", "#oncall"),
                Map.entry("firebreak.incidents.escalation.levels[1].slack", "U0TEAMLEAD"),
                Map.entry("firebreak.incidents.escalation.levels[1].email", "lead@team.example"),
                Map.entry("firebreak.incidents.escalation.levels[2].email", "em@team.example"),
                Map.entry("firebreak.incidents.escalation.levels[3].email", "cto@team.example"));
    }

    /** A fresh workspace: normal answers, nothing refused yet, every channel's rate-limit bucket full. */
    public static void answerNormally() {
        slack.resetAll();
        contract.reset();
        slack.stubFor(post(urlEqualTo("/conversations.create")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"channel\":{\"id\":\"" + CHANNEL_ID + "\",\"name\":\"incident\",\"is_channel\":true}}")));
        slack.stubFor(post(urlEqualTo("/chat.postMessage")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"channel\":\"" + CHANNEL_ID + "\",\"ts\":\"1732363200.000100\"}")));
    }

    public static ContractFilter contract() {
        return contract;
    }

    public static WireMockServer server() {
        return slack;
    }

    /** Every chat.postMessage body so far, oldest first. */
    public static List<JsonNode> posts() {
        ObjectMapper mapper = new ObjectMapper();
        return slack.findAll(postRequestedFor(urlEqualTo("/chat.postMessage"))).stream().map(r -> {
            try {
                return mapper.readTree(r.getBodyAsString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** Posts whose text contains the fragment. */
    public static List<JsonNode> postsContaining(String fragment) {
        return posts().stream().filter(p -> p.path("text").asText().contains(fragment)).toList();
    }

    @Override
    public void stop() {
        if (slack != null) {
            slack.stop();
        }
    }
}
