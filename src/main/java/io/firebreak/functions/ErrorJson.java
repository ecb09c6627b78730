package io.firebreak.functions;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one error shape of every function and binding: {"error":{"code","message","field"}}. */
public final class ErrorJson {

    private ErrorJson() {
    }

    public static String of(String code, String message, String field) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("code", code);
        error.put("message", message);
        error.put("field", field);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("error", error);
        return body.toString();
    }

    public static String of(FunctionError e) {
        return of(e.code(), e.getMessage(), e.field());
    }
}
