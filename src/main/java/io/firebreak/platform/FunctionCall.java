package io.firebreak.platform;

import java.util.List;
import java.util.Map;

/**
 * A call to a function as any binding receives it (Funqy HTTP locally, an API Gateway event on
 * Lambda): what admission needs, and nothing of the transport.
 *
 * @param query query parameters, first value of each
 * @param headers every header, names in lower case
 */
public record FunctionCall(String functionId, String method, Map<String, String> query, byte[] body,
        Map<String, String> headers) {

    public String authorization() {
        return headers.get("authorization");
    }

    public String contentType() {
        return headers.get("content-type");
    }

    /** The Idempotency-Key header, if any. */
    public String idempotencyKey() {
        return headers.get("idempotency-key");
    }

    public boolean hasBody() {
        return body != null && body.length > 0;
    }

    /** Query parameters as a multimap, as decoders produce them. */
    public static Map<String, String> firstValues(Map<String, List<String>> multi) {
        Map<String, String> first = new java.util.LinkedHashMap<>();
        multi.forEach((k, v) -> {
            if (!v.isEmpty()) {
                first.put(k, v.get(0));
            }
        });
        return first;
    }
}
