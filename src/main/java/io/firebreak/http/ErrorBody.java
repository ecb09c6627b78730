package io.firebreak.http;

import io.vertx.ext.web.RoutingContext;

import io.firebreak.platform.ErrorJson;
import io.firebreak.platform.FunctionError;

/** Writes the one error shape on an HTTP response. */
final class ErrorBody {

    private ErrorBody() {
    }

    static void send(RoutingContext ctx, FunctionError e) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json").end(ErrorJson.of(e));
    }

    static void send(RoutingContext ctx, int status, String code, String message, String field) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(ErrorJson.of(status, code, message, field));
    }
}
