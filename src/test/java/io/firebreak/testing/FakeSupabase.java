package io.firebreak.testing;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** The Supabase Management API as a real HTTP server answering in its documented shapes. */
public class FakeSupabase implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "sbp_fbfake_0a1b2c";
    public static final String REF = "rophutqdblgkasdooxtg";

    private static WireMockServer server;
    /** Supabase Management API's published contract (contracts/supabase), enforced on every request. */
    private static ContractFilter contract;

    @Override
    public Map<String, String> start() {
        contract = new ContractFilter("supabase", "api-keys-list", "api-keys-create", "api-keys-delete", "api-keys-legacy-disable", "signing-keys-list", "signing-keys-create", "signing-keys-update");
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(contract));
        server.start();
        return Map.of("quarkus.rest-client.supabase.url", server.baseUrl(), "supabase.access-token", TOKEN,
                "supabase.project-ref", REF);
    }

    public static WireMockServer server() {
        return server;
    }

    /** What the fake refused as the real API would have: a test asserts firebreak sent nothing of the kind. */
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
