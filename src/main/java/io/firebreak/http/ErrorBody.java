package io.firebreak.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one error shape of every function: {"error":{"code","message","field"}}. */
final class ErrorBody {

    private ErrorBody() {
    }

    static void send(RoutingContext ctx, int status, String code, String message, String field) {
        if (ctx.response().ended()) {
            return;
        }
        JsonObject error = new JsonObject().put("code", code).put("message", message);
        error.put("field", field);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", error).encode());
    }
}
