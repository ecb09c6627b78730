package io.firebreak.platform;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one error shape of every function and binding:
 * {"error":{"status","code","message","field"[,"details"]}}.
 */
public final class ErrorJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ErrorJson() {
    }

    public static String of(int status, String code, String message, String field) {
        return of(status, code, message, field, Map.of());
    }

    static String of(int status, String code, String message, String field, Map<String, Object> details) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("status", status);
        error.put("code", code);
        error.put("message", message);
        error.put("field", field);
        if (details != null && !details.isEmpty()) {
            error.set("details", MAPPER.valueToTree(details));
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("error", error);
        return body.toString();
    }

    public static String of(FunctionError e) {
        return of(e.status(), e.code(), e.getMessage(), e.field(), e.details());
    }
}
