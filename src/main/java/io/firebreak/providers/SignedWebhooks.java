package io.firebreak.providers;

import java.time.Duration;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;

/**
 * firebreak's own signed webhooks, written once for every sender (the status page's subscribers,
 * the declared incident-event subscribers): the signature {@code t=<unix>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">}, a bounded POST (deadline, no redirects followed, the answer's body never
 * read) and one reading of the receiver's status: 2xx delivered; 408, 429, 5xx and no answer
 * worth retrying; any other answer (4xx, 410 Gone, a redirect) permanent.
 */
@ApplicationScoped
public class SignedWebhooks {

    @Inject
    Vertx vertx;

    private volatile WebClient client;

    /** The signature header's value for this body at this second. */
    public static String signature(String secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + ProviderSignatures.hmacSha256Hex(secret, unixSeconds + "." + body);
    }

    /**
     * POSTs the body as JSON with the given headers, giving up after idle without a byte or deadline
     * in all; never fails (no answer is a retryable Delivery).
     */
    public Uni<MessageChannels.Delivery> post(String url, Map<String, String> headers, String body, Duration idle,
            Duration deadline) {
        var request = client().requestAbs(HttpMethod.POST, url).timeout(idle.toMillis())
                .putHeader("content-type", "application/json");
        headers.forEach(request::putHeader);
        return request
                // A receiver's answer is only its status: its body is never read, and the whole exchange is bounded.
                .as(BodyCodec.none())
                .sendBuffer(Buffer.buffer(body))
                .ifNoItem().after(deadline).failWith(() -> new java.util.concurrent.TimeoutException(
                        "no answer in " + deadline.toMillis() + " ms"))
                .map(r -> {
                    int s = r.statusCode();
                    if (s >= 200 && s < 300) {
                        return new MessageChannels.Delivery(true, false, "http " + s, null, null);
                    }
                    // 410 Gone: the receiver says stop; other 4xx but 408/429 will not change on retry, nor will a redirect.
                    boolean permanent = (s >= 300 && s < 500 && s != 408 && s != 429);
                    String retryAfter = r.getHeader("retry-after");
                    Duration wait = retryAfter != null && retryAfter.matches("\\d{1,5}")
                            ? Duration.ofSeconds(Long.parseLong(retryAfter))
                            : null;
                    return new MessageChannels.Delivery(false, permanent, null, "webhook answered " + s, wait);
                })
                .onFailure().recoverWithItem(e -> new MessageChannels.Delivery(false, false, null,
                        "webhook unreachable: " + e.getClass().getSimpleName(), null));
    }

    private WebClient client() {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(3000).setFollowRedirects(false)
                            .setMaxPoolSize(8));
                }
            }
        }
        return client;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
