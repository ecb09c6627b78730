package io.firebreak.platform;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * The port through which both bindings serve a function's public path (the status page) to anyone,
 * without a token: the HTTP service from a Vert.x route, the Lambda build from an HTTP API event,
 * so the two answer the same bytes, headers and status.
 */
public interface PublicSite {

    /** The function this site belongs to (its manifest entry names the public path). */
    String function();

    /** One request: the path below the site's prefix ("" or "/api/v2/summary.json"), headers in lower case. */
    record Request(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body,
            String client) {

        public String header(String name) {
            return headers.get(name);
        }
    }

    /** One answer, with every header it needs (type, caching, CORS). */
    record Response(int status, Map<String, String> headers, byte[] body) {

        public static Response of(int status, String contentType, String body) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("content-type", contentType);
            return new Response(status, headers, body.getBytes(StandardCharsets.UTF_8));
        }

        public Response with(String header, String value) {
            headers.put(header, value);
            return this;
        }
    }

    Uni<Response> serve(Request request);
}
