package io.firebreak.testing;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Railway's public GraphQL API as a real HTTP server holding firebreak to its published contract
 * (contracts/railway: the endpoint, headers and rate limit, and every document executed against the
 * published schema by {@link RailwayState}), with the ids functions.yaml's railway block takes from
 * the environment. A test's own stub answers before the stateful service does.
 */
public class FakeRailway implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "rw-fbfake-7c1d2e3f";
    public static final String PROJECT = "0f3a7c52-6d1e-4b8a-9c2f-3e4d5a6b7c8d";
    public static final String ENVIRONMENT = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    public static final String API = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
    public static final String WORKER = "f6e5d4c3-b2a1-4f0e-9d8c-7b6a5f4e3d2c";

    private static WireMockServer server;
    private static ContractFilter contract;
    private static RailwayState state;

    @Override
    public Map<String, String> start() {
        contract = new ContractFilter("railway", "graphql");
        state = new RailwayState(TOKEN, PROJECT, ENVIRONMENT);
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(contract, state));
        server.start();
        serveState();
        return Map.of("quarkus.rest-client.railway.url", server.baseUrl(), "railway.token", TOKEN,
                "RAILWAY_PROJECT_ID", PROJECT, "RAILWAY_ENVIRONMENT_ID", ENVIRONMENT,
                "RAILWAY_API_SERVICE_ID", API, "RAILWAY_WORKER_SERVICE_ID", WORKER);
    }

    public static WireMockServer server() {
        return server;
    }

    public static ContractFilter contract() {
        return contract;
    }

    /** The stateful Railway (deployments, variables, mutations) behind every request no test stub answers. */
    public static RailwayState state() {
        return state;
    }

    /** Back to an empty Railway: no stubs, no refusals, no deployments or variables; the stateful service answers. */
    public static void reset() {
        server.resetAll();
        contract.reset();
        state.reset();
        serveState();
    }

    private static void serveState() {
        server.stubFor(WireMock.post(WireMock.urlPathEqualTo("/graphql/v2")).atPriority(100)
                .willReturn(WireMock.aResponse().withTransformers(RailwayState.NAME)));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
