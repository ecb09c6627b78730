package io.firebreak.http;

import java.util.Optional;

import io.firebreak.functions.ApiTokens.Caller;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;

/** Where a function finds who called it, without knowing about HTTP. */
public final class CallerContext {

    static final String KEY = "firebreak.caller";

    private CallerContext() {
    }

    public static Optional<Caller> of(CurrentVertxRequest request) {
        RoutingContext ctx = request == null ? null : request.getCurrent();
        return ctx == null ? Optional.empty() : Optional.ofNullable(ctx.get(KEY));
    }
}
