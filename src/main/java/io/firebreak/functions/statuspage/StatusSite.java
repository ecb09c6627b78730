package io.firebreak.functions.statuspage;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

import io.firebreak.incident.StatusPublisher;
import io.firebreak.platform.ErrorJson;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogText;
import io.firebreak.platform.PublicSite;

/**
 * The public status page as both bindings serve it: every file rendered at once and held in
 * memory between changes (a short TTL, and at once after a change here), so an incident's traffic
 * spike is answered from memory; conditional GETs, CORS for the JSON, CDN-friendly caching; the
 * last good rendering keeps being served when the ops database is unreachable.
 */
@ApplicationScoped
public class StatusSite implements PublicSite, StatusPublisher {

    static final String FUNCTION = "status-page";

    private static final Logger LOG = Logger.getLogger(StatusSite.class);

    @Inject
    StatusReads reads;

    @Inject
    Subscriptions subscriptions;

    @Inject
    jakarta.enterprise.inject.Instance<StatusPublishing> publishing;

    @Inject
    StatusExport export;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    @ConfigProperty(name = "firebreak.status.cache", defaultValue = "5s")
    Duration ttl;

    @ConfigProperty(name = "firebreak.status.max-age", defaultValue = "15s")
    Duration maxAge;

    /** background (the HTTP service) or export (the Lambda deployment: the copy is written before answering). */
    @ConfigProperty(name = "firebreak.status.after-change", defaultValue = "background")
    String afterChange;

    /** How long a change may wait for its copy to be written. */
    static final Duration EXPORT_BOUND = Duration.ofSeconds(5);

    private final AtomicReference<Rendered> current = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicReference<Uni<Rendered>> refreshing = new AtomicReference<>();

    @Override
    public String function() {
        return FUNCTION;
    }

    /** A fresh rendering from the ops database (the export's, and the cache's when stale). */
    Uni<Rendered> render() {
        return reads.read().map(view -> Rendered.of(view, mapper)).invoke(current::set);
    }

    /** The rendering to serve: the cached one while fresh; one refresh at a time; the last good one if it fails. */
    Uni<Rendered> rendered() {
        if (ttl.isZero()) {
            return render(); // FIREBREAK_STATUS_CACHE=0s: every request reads and renders (the benchmark's peer)
        }
        Rendered r = current.get();
        if (r != null && Duration.between(r.at(), clock.instant()).compareTo(ttl) < 0) {
            return Uni.createFrom().item(r);
        }
        Uni<Rendered> shared = refreshing.updateAndGet(u -> u != null ? u : render()
                .eventually(() -> refreshing.set(null)).memoize().indefinitely());
        if (r == null) {
            return shared;
        }
        // Stale: answer with the last rendering at once, the refresh runs for the next caller.
        shared.subscribe().with(x -> { }, e -> LOG.warnf("status page not refreshed: %s", LogText.loggable(e.getMessage())));
        return Uni.createFrom().item(r);
    }

    /**
     * A change here (incident, maintenance, override). In the background by default: a burst of
     * changes is one run, then one more for the last. With {@code export} (the Lambda deployment,
     * where a function is frozen once it answers) the copy is rendered and written before the
     * change answers, bounded; subscribers are then told by the minute's run.
     */
    @Override
    public Uni<Void> afterChange(String why) {
        if (afterChange.equals("export")) {
            return render().flatMap(export::write).replaceWithVoid().ifNoItem().after(EXPORT_BOUND).fail()
                    .onFailure().invoke(e -> LOG.warnf("status copy not written after %s: %s", why,
                            LogText.loggable(e.getMessage())))
                    .onFailure().recoverWithNull();
        }
        if (pending.getAndIncrement() == 0) {
            publishOnce(why);
        }
        return Uni.createFrom().voidItem();
    }

    private void publishOnce(String why) {
        int seen = pending.get();
        publishing.get().publish().subscribe().with(x -> again(seen, why), e -> {
            LOG.warnf("status page not re-rendered after %s: %s", why, LogText.loggable(e.getMessage()));
            again(seen, why);
        });
    }

    private void again(int seen, String why) {
        if (pending.addAndGet(-seen) > 0) {
            publishOnce(why);
        }
    }

    @Override
    public Uni<Response> serve(Request request) {
        String method = request.method();
        String path = request.path().isEmpty() || request.path().equals("/") ? "/index.html" : request.path();
        if (method.equals("OPTIONS")) {
            Response preflight = cors(new Response(204, new LinkedHashMap<>(), new byte[0]));
            if (path.startsWith("/subscriptions")) {
                preflight.headers().put("access-control-allow-methods", "GET, HEAD, POST, OPTIONS");
            }
            return Uni.createFrom().item(preflight);
        }
        if (path.startsWith("/subscriptions")) {
            return subscriptions.serve(request, path).onFailure(FunctionError.class)
                    .recoverWithItem(e -> error((FunctionError) e));
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Uni.createFrom().item(error(new FunctionError(405, "method_not_allowed", "the status page is read-only",
                    null)).with("allow", "GET, HEAD, OPTIONS"));
        }
        return rendered().map(r -> file(r, path, request, method.equals("HEAD")))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("status page unavailable: %s", LogText.loggable(e.getMessage()));
                    return error(new FunctionError(503, "status_unavailable",
                            "the status page cannot be read right now; the static copy stays up", null))
                            .with("retry-after", "15");
                });
    }

    private Response file(Rendered r, String path, Request request, boolean head) {
        Rendered.File f = r.files().get(path);
        if (f == null && !path.contains(".")) {
            f = r.files().get(path + ".html");
        }
        if (f == null) {
            return path.startsWith("/api/") ? error(new FunctionError(404, "not_found", "no document " + path, null))
                    : html(404, "Not found", "There is no page at this address.", path);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", f.contentType());
        headers.put("etag", f.etag());
        // Short for browsers and CDNs during an incident; stale copies are fine while we are unreachable.
        headers.put("cache-control", "public, max-age=" + maxAge.toSeconds() + ", stale-while-revalidate=30, stale-if-error=86400");
        headers.put("x-content-type-options", "nosniff");
        if (f.contentType().startsWith("text/html")) {
            headers.put("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                    + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
        }
        String inm = request.header("if-none-match");
        if (inm != null && (inm.equals(f.etag()) || inm.contains(f.etag()) || inm.equals("*"))) {
            return cors(new Response(304, headers, new byte[0]));
        }
        return cors(new Response(200, headers, head ? new byte[0] : f.body()));
    }

    static Response cors(Response r) {
        r.headers().put("access-control-allow-origin", "*");
        r.headers().put("access-control-allow-methods", "GET, HEAD, OPTIONS");
        r.headers().put("access-control-allow-headers", "If-None-Match, Content-Type");
        r.headers().put("access-control-expose-headers", "ETag");
        r.headers().put("access-control-max-age", "86400");
        return r;
    }

    static Response error(FunctionError e) {
        Response r = Response.of(e.status(), "application/json", ErrorJson.of(e));
        r.headers().put("cache-control", "no-store");
        return cors(r);
    }

    Response html(int status, String heading, String text, String path) {
        Rendered r = current.get();
        String name = r == null ? "Status" : r.view().page().name();
        Response out = Response.of(status, "text/html; charset=utf-8", StatusHtml.message(name, root(path), heading, text,
                null, null));
        out.headers().put("cache-control", "no-store");
        return out;
    }

    /** The relative way back to the site's root from a page at this path ("/a/b.html": "../"). */
    static String root(String path) {
        return "../".repeat((int) Math.max(0, path.chars().filter(c -> c == '/').count() - 1));
    }
}
