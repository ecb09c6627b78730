package io.firebreak.functions.confirmoutage;

import java.net.URI;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;

/** Seed 004's "verify the incident": GET the application's health URL and report status and latency. */
@ApplicationScoped
public class AppHealthProbe {

    /** What the health URL answered; the body is not kept, it may carry anything. */
    public record Answer(int status) {
    }

    @ConfigProperty(name = "app.health.url")
    Optional<URI> url;

    @Inject
    Vertx vertx;

    private volatile WebClient client;

    public boolean configured() {
        return url.isPresent();
    }

    /** The URL without user info or query, safe to show in a check's detail. */
    public String displayUrl() {
        URI u = url.orElseThrow();
        return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    public Uni<Answer> probe(long timeoutMs) {
        return client().getAbs(url.orElseThrow().toString()).timeout(timeoutMs).send()
                .map(response -> new Answer(response.statusCode()));
    }

    private WebClient client() {
        WebClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
                            .setUserAgent("firebreak-confirm-outage").setKeepAlive(true));
                }
                c = client;
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
