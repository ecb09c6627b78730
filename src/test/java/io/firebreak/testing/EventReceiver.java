package io.firebreak.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A team's own webhook receiver (a real HTTP server): records every delivery's headers and raw body
 * and answers what the test says, by the delivery's body and how often its event id came before.
 */
public class EventReceiver implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "whsec_test_4f1d2c9a8b7e6f5a4b3c2d1e";

    /** One delivery as it arrived. */
    public record Delivery(Map<String, String> headers, String rawBody, JsonNode body, long receivedAtMillis) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Delivery> RECEIVED = new CopyOnWriteArrayList<>();
    private static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
    private static volatile BiFunction<JsonNode, Integer, Integer> answer = (body, seen) -> 200;

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/hooks", exchange -> {
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readAllBytes();
            }
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            String text = new String(raw, StandardCharsets.UTF_8);
            JsonNode body = JSON.readTree(text);
            RECEIVED.add(new Delivery(headers, text, body, System.currentTimeMillis()));
            int seen = SEEN.computeIfAbsent(body.path("id").asText(), k -> new AtomicInteger()).getAndIncrement();
            int status = answer.apply(body, seen);
            if (status < 0) {
                try {
                    Thread.sleep(-status);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status = 200;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return Map.of("FIREBREAK_EVENT_WEBHOOK_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks",
                "FIREBREAK_EVENT_WEBHOOK_SECRET", SECRET);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /**
     * How to answer: by the delivery's body and how many times its event id arrived before (0 the
     * first time); a negative number hangs that many milliseconds, then answers 200.
     */
    public static void answer(BiFunction<JsonNode, Integer, Integer> how) {
        answer = how;
    }

    /** Deliveries about one incident, in arrival order. */
    public static List<Delivery> about(String incidentId) {
        return RECEIVED.stream().filter(d -> incidentId.equals(d.body().path("incident").path("id").asText())).toList();
    }
}
