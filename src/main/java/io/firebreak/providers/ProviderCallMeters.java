package io.firebreak.providers;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.client.impl.RestClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestFilter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every provider REST client call timed by provider and outcome (firebreak_provider_calls_seconds:
 * 2xx, 3xx, 4xx, 429, 5xx, or error when no answer came: timeout, refused connection, TLS), so a
 * provider that slows down or throttles shows before the playbooks that need it fail. The provider
 * is the client's config key (paystack, slack, ...), never the URL's host; the path never goes in.
 */
@Provider
@jakarta.inject.Singleton
// The REST clients look it up by type; nothing injects it, so it must not be removed as unused.
@io.quarkus.arc.Unremovable
public class ProviderCallMeters implements ResteasyReactiveClientRequestFilter {

    @Inject
    MeterRegistry registry;

    private final Map<Class<?>, String> providers = new ConcurrentHashMap<>();

    @Override
    public void filter(ResteasyReactiveClientRequestContext request) {
        RestClientRequestContext call = request.unwrap(RestClientRequestContext.class);
        if (call == null) {
            return;
        }
        String provider = provider(call.getInvokedMethod());
        long start = System.nanoTime();
        // The call's own result: it completes with the response, or with the failure when none came.
        MeterRegistry meters = registry;
        call.getResult().whenComplete((response, failure) -> {
            int status = response != null ? response.getStatus()
                    : failure instanceof WebApplicationException w && w.getResponse() != null ? w.getResponse().getStatus() : 0;
            Timer.builder("firebreak.provider.calls").description("Provider REST calls by outcome")
                    .tags("provider", provider, "outcome", outcome(status)).register(meters)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
    }

    static String outcome(int status) {
        if (status == 429) {
            return "429";
        }
        if (status >= 200 && status < 600) {
            return (status / 100) + "xx";
        }
        return "error";
    }

    private String provider(Method invoked) {
        if (invoked == null) {
            return "unknown";
        }
        return providers.computeIfAbsent(invoked.getDeclaringClass(), type -> {
            RegisterRestClient client = type.getAnnotation(RegisterRestClient.class);
            return client != null && !client.configKey().isBlank() ? client.configKey() : type.getSimpleName();
        });
    }
}
