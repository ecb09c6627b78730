package io.firebreak.lambda;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.netty.handler.codec.http.QueryStringDecoder;

import io.firebreak.platform.FunctionCall;
import io.firebreak.platform.FunctionError;

/** An API Gateway HTTP API or Function URL event (payload format 2.0), read into a {@link FunctionCall}. */
record HttpEvent(String method, String rawPath, Map<String, String> headers, Map<String, String> query, byte[] body,
        String sourceIp) {

    static boolean is(JsonNode event) {
        return event.path("requestContext").path("http").has("method");
    }

    static HttpEvent of(JsonNode event) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = event.path("headers").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> h = it.next();
            headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText());
        }
        String raw = event.path("rawQueryString").asText("");
        Map<String, String> query = FunctionCall.firstValues(new QueryStringDecoder(raw, false).parameters());
        byte[] body = null;
        JsonNode b = event.get("body");
        if (b != null && !b.isNull()) {
            body = event.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(b.asText())
                    : b.asText().getBytes(StandardCharsets.UTF_8);
        }
        String rawPath = event.path("rawPath").asText(event.path("requestContext").path("http").path("path").asText("/"));
        return new HttpEvent(event.path("requestContext").path("http").path("method").asText(), rawPath, headers, query,
                body, event.path("requestContext").path("http").path("sourceIp").asText(null));
    }

    /**
     * The function this event is for. A deployed Lambda serves one function (QUARKUS_FUNQY_EXPORT)
     * at its HTTP API route or at the root of its Function URL; without an export, the path names it.
     */
    String functionId(String export) {
        String path = rawPath.replaceAll("/+$", "");
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (export == null || export.isBlank()) {
            return last;
        }
        if (last.isEmpty() || last.equals(export)) {
            return export;
        }
        throw new FunctionError(404, "unknown_function", "this Lambda serves " + export + ", not " + rawPath, null);
    }

    FunctionCall call(String export) {
        return new FunctionCall(functionId(export), method, query, body, headers);
    }
}
