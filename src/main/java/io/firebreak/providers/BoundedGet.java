package io.firebreak.providers;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * A GET to a URL the manifest declares (a vendor's status page, an account API), bounded three
 * ways: a deadline for the whole answer, a cap on the bytes read (the connection is dropped past
 * it, so a vendor page that streams forever costs nothing), and no redirects followed (a redirect
 * is an answer, never a hop to a host nobody declared).
 */
@ApplicationScoped
public class BoundedGet {

    /**
     * What came back: status, the headers asked for, the body as text; or why nothing usable came
     * (status 0: no answer; a status with a failure: an answer too large to read, its body dropped).
     */
    public record Answer(int status, String body, Map<String, String> headers, String failure) {
        public boolean ok() {
            return status >= 200 && status < 300 && failure == null;
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Inject
    Vertx vertx;

    private volatile HttpClient client;

    /**
     * GETs url with the given request headers; keeps the named response headers (lower-cased).
     * Never fails: a timeout, a refused connection or an oversized body is an Answer with status 0.
     */
    public Uni<Answer> get(URI url, Map<String, String> headers, Duration timeout, int maxBytes, String... keepHeaders) {
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(url.getHost()).setPort(port)
                .setSsl(tls).setURI(path).setFollowRedirects(false).setIdleTimeout(timeout.toMillis());
        headers.forEach(options::addHeader);
        options.putHeader("User-Agent", "firebreak");
        long deadline = timeout.toMillis();
        return client().request(options)
                .flatMap(request -> request.send())
                .flatMap(response -> read(response, maxBytes, keepHeaders))
                .ifNoItem().after(Duration.ofMillis(deadline)).failWith(() -> new TimeoutException(
                        "no answer within " + deadline + " ms"))
                .onFailure().recoverWithItem(e -> new Answer(0, "", Map.of(), describe(e)));
    }

    private static Uni<Answer> read(HttpClientResponse response, int maxBytes, String... keepHeaders) {
        Map<String, String> kept = new java.util.HashMap<>();
        for (String name : keepHeaders) {
            String value = response.getHeader(name);
            if (value != null) {
                kept.put(name.toLowerCase(java.util.Locale.ROOT), value);
            }
        }
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBytes) {
            response.request().connection().close().subscribe().with(v -> { }, e -> { });
            return Uni.createFrom().item(tooLarge(response.statusCode(), kept, maxBytes));
        }
        return Uni.createFrom().emitter(emitter -> {
            Buffer body = Buffer.buffer();
            java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
            response.handler(chunk -> {
                if (over.get()) {
                    return;
                }
                if (body.length() + chunk.length() > maxBytes) {
                    over.set(true);
                    response.request().connection().close().subscribe().with(v -> { }, e -> { });
                    emitter.complete(tooLarge(response.statusCode(), kept, maxBytes));
                    return;
                }
                body.appendBuffer(chunk);
            });
            response.exceptionHandler(emitter::fail);
            response.endHandler(() -> {
                if (!over.get()) {
                    emitter.complete(new Answer(response.statusCode(), body.toString(), kept, null));
                }
            });
        });
    }

    private static Answer tooLarge(int status, Map<String, String> kept, int maxBytes) {
        return new Answer(status, "", kept, "answer larger than " + maxBytes + " bytes");
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "no answer: " + (message.length() > 200 ? message.substring(0, 200) + "…" : message);
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000)
                            .setMaxPoolSize(8));
                }
                c = client;
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.closeAndAwait();
        }
    }
}
