package io.firebreak.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.FunctionManifest;
import io.firebreak.platform.PublicSite;

/**
 * The HTTP service's public paths (the status page under /status): no token, answered by the
 * function's {@link PublicSite} before the token gate, bytes and headers as the Lambda build answers them.
 */
@ApplicationScoped
public class PublicPages {

    @Inject
    FunctionAdmission admission;

    @Inject
    Instance<PublicSite> sites;

    @Inject
    FunctionGate gate;

    /** Found once per function: the page is answered thousands of times a second during an incident. */
    private final Map<String, PublicSite> bySite = new java.util.concurrent.ConcurrentHashMap<>();

    void routes(@Observes Router router) {
        router.route().order(FunctionGate.ORDER - 1).handler(this::serve).failureHandler(gate::failure);
    }

    void serve(RoutingContext ctx) {
        String path = ctx.request().path();
        Optional<FunctionManifest.Function> f = admission.manifest().publicFunction(path);
        if (f.isEmpty()) {
            ctx.next();
            return;
        }
        String prefix = f.get().publicPath().orElseThrow();
        if (path.equals(prefix)) {
            // Relative links need the trailing slash.
            ctx.response().setStatusCode(301).putHeader("location", prefix + "/").end();
            return;
        }
        PublicSite site = bySite.computeIfAbsent(f.get().id(),
                id -> sites.stream().filter(s -> s.function().equals(id)).findFirst().orElse(null));
        if (site == null) {
            ErrorBody.send(ctx, new FunctionError(404, "unknown_function", "no public site at " + prefix, null));
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        ctx.request().headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        Map<String, String> query = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        String client = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        PublicSite.Request request = new PublicSite.Request(ctx.request().method().name(), path.substring(prefix.length()),
                query, headers, body == null ? null : body.getBytes(), client);
        site.serve(request).subscribe().with(r -> {
            ctx.response().setStatusCode(r.status());
            r.headers().forEach((k, v) -> ctx.response().putHeader(k, v));
            ctx.response().end(Buffer.buffer(r.body()));
        }, ctx::fail);
    }
}
