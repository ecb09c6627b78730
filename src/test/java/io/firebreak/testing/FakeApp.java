package io.firebreak.testing;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** The application's health URL (APP_HEALTH_URL), served by a real HTTP server whose answer tests choose. */
public class FakeApp implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        answer(200, 0);
        // A slow answer (900 ms in the tests) is 300 ms above this and 900 ms inside the check timeout
        // (1.8 s): a loaded machine's jitter moves neither edge.
        return Map.of("app.health.url", server.baseUrl() + "/health", "firebreak.confirm.slow-threshold", "600ms");
    }

    /** From now on the health URL answers with this status after this delay. */
    public static void answer(int status, int delayMs) {
        server.resetAll();
        server.stubFor(WireMock.get("/health").willReturn(WireMock.aResponse().withStatus(status)
                .withFixedDelay(delayMs).withBody(status < 400 ? "ok" : "unavailable")));
    }

    /** The health URL answers these statuses in turn, one per request, then keeps answering the last one. */
    public static void answers(int... statuses) {
        server.resetAll();
        String state = com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
        for (int i = 0; i < statuses.length; i++) {
            String next = i == statuses.length - 1 ? state : "answer-" + (i + 1);
            server.stubFor(WireMock.get("/health").inScenario("answers").whenScenarioStateIs(state)
                    .willReturn(WireMock.aResponse().withStatus(statuses[i]).withBody(statuses[i] < 400 ? "ok" : "unavailable"))
                    .willSetStateTo(next));
            state = next;
        }
    }

    /** How many times the health URL was asked since the last answer(s) call. */
    public static int requests() {
        return server.findAll(WireMock.getRequestedFor(WireMock.urlEqualTo("/health"))).size();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
