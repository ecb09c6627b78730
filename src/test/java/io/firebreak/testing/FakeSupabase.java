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

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return Map.of("quarkus.rest-client.supabase.url", server.baseUrl(), "supabase.access-token", TOKEN,
                "supabase.project-ref", REF);
    }

    public static WireMockServer server() {
        return server;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
