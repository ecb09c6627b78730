package io.firebreak.testing;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** GitHub's REST API as a real HTTP server holding firebreak to its published contract (contracts/github). */
public class FakeGitHub implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "github_pat_11FBFAKE0a1b2c3d4e5f";
    public static final String REPOSITORY = "acme/shop";

    private static WireMockServer server;
    private static ContractFilter contract;

    @Override
    public Map<String, String> start() {
        contract = new ContractFilter("github", "commits-list", "deployments-list", "deployment-statuses-list", "pulls-list",
                "issues-create", "issue-comment", "issue-update", "issues-list", "issue-labels-add", "issue-comments-list");
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1").extensions(contract));
        server.start();
        return Map.of("quarkus.rest-client.github.url", server.baseUrl(), "github.token", TOKEN,
                "github.repository", REPOSITORY);
    }

    public static WireMockServer server() {
        return server;
    }

    /** What the fake refused as GitHub would have: a test asserts firebreak sent nothing of the kind. */
    public static ContractFilter contract() {
        return contract;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
