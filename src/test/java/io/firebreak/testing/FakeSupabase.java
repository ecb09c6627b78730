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
    /** The log query endpoints' rules beyond the contract (range, dialect) and their answers. */
    private static FakeSupabaseLogs logs;

    @Override
    public Map<String, String> start() {
        contract = new ContractFilter("supabase", "api-keys-list", "api-keys-create", "api-keys-delete", "api-keys-legacy-disable", "signing-keys-list", "signing-keys-create", "signing-keys-update", "logs", "logs-all");
        logs = new FakeSupabaseLogs();
        // The contract first (auth, path, parameters, 30 a minute), then the log endpoint's own rules and answers.
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(contract, logs));
        server.start();
        // Log queries paced faster than Supabase's 30 a minute so tests do not wait; the contract still counts them.
        return Map.of("quarkus.rest-client.supabase.url", server.baseUrl(), "supabase.access-token", TOKEN,
                "supabase.project-ref", REF, "firebreak.providers.supabase-logs.max-rate", "20");
    }

    public static WireMockServer server() {
        return server;
    }

    /** What the fake refused as the real API would have: a test asserts firebreak sent nothing of the kind. */
    public static ContractFilter contract() {
        return contract;
    }

    /** The log endpoints: what they were asked, and how they answer. */
    public static FakeSupabaseLogs logs() {
        return logs;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
