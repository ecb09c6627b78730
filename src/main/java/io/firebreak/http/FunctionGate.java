package io.firebreak.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionCall;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.FunctionManifest;
import io.firebreak.platform.LogFields;
import io.firebreak.platform.LogText;

/**
 * Funqy HTTP's front door: every call passes {@link FunctionAdmission} before Funqy dispatches it,
 * and every failure leaves as the one JSON error shape, without stack traces.
 */
@ApplicationScoped
public class FunctionGate {

    private static final Logger LOG = Logger.getLogger(FunctionGate.class);

    /** After Quarkus reads the body, before Funqy dispatches. */
    static final int ORDER = -100;

    static final String REQUEST_ID = "X-Request-Id";

    @Inject
    FunctionAdmission admission;

    void routes(@Observes Router router) {
        router.route().order(ORDER).handler(this::gate).failureHandler(this::failure);
    }

    void gate(RoutingContext ctx) {
        String path = ctx.request().path();
        Optional<FunctionManifest.Function> function = admission.find(path.substring(1));
        if (function.isEmpty() && path.startsWith("/q/")) {
            ctx.next(); // Quarkus' own endpoints: health, metrics (public: they carry no secret and no tenant)
            return;
        }
        // Every log line of this call names it; the caller's X-Request-Id (when plain) ties them to its own logs.
        String requestId = LogFields.enter(function.map(FunctionManifest.Function::id).orElse(null),
                ctx.request().getHeader(REQUEST_ID));
        ctx.response().putHeader(REQUEST_ID, requestId);
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        Map<String, String> query = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        FunctionCall call = new FunctionCall(path.substring(1), ctx.request().method().name(), query,
                body == null ? null : body.getBytes(), headers(ctx));
        try {
            FunctionAdmission.Admitted admitted = admission.admit(call);
            // Funqy reads POST bodies as JSON: hand it the input as admission checked it (the normalised
            // form of a form or query-string webhook; nothing for a function that takes no input).
            if (!ctx.request().method().name().equals("GET")) {
                ctx.setBody(admitted.json() == null ? Buffer.buffer() : Buffer.buffer(admitted.json()));
            }
        } catch (FunctionError e) {
            if (e.status() == 405) {
                ctx.response().putHeader("Allow", String.join(", ", function.get().httpMethods()));
            }
            ErrorBody.send(ctx, e);
            return;
        }
        ctx.next();
    }

    private static Map<String, String> headers(RoutingContext ctx) {
        Map<String, String> headers = new LinkedHashMap<>();
        ctx.request().headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
        return headers;
    }

    /** Every failure leaves as JSON; unexpected ones are logged with a reference the caller can quote. */
    void failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FunctionError e) {
                ErrorBody.send(ctx, e);
                return;
            }
        }
        int status = ctx.statusCode();
        if (failure == null) {
            switch (status) {
                case 400 -> ErrorBody.send(ctx, 400, "malformed_json", "the input could not be read", null);
                case 404 -> ErrorBody.send(ctx, 404, "unknown_function", "no function at " + ctx.request().path(), null);
                case 405 -> ErrorBody.send(ctx, 405, "method_not_allowed", "use GET or POST", null);
                case 413 -> ErrorBody.send(ctx, 400, "body_too_large",
                        "the body is larger than " + admission.maxBodyBytes() + " bytes", null);
                default -> {
                    if (status >= 400 && status < 500) {
                        ErrorBody.send(ctx, status, "bad_request", "the request was refused", null);
                    } else {
                        ctx.next();
                    }
                }
            }
            return;
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(failure, "unexpected failure on %s (reference %s)", LogText.loggable(ctx.request().path()), reference);
        ErrorBody.send(ctx, 500, "internal_error", "unexpected error; reference " + reference, null);
    }
}
