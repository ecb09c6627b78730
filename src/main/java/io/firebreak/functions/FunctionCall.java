package io.firebreak.functions;

import java.util.List;
import java.util.Map;

/**
 * A call to a function as any binding receives it (Funqy HTTP locally, an API Gateway event on
 * Lambda): what admission needs, and nothing of the transport.
 *
 * @param query query parameters, first value of each
 * @param idempotencyKey the Idempotency-Key header, if any
 * @param headers every header, names in lower case (for signed provider calls)
 */
public record FunctionCall(String functionId, String method, String authorization, Map<String, String> query,
        String contentType, byte[] body, String idempotencyKey, Map<String, String> headers) {

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
