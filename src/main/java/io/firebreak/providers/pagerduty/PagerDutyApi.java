package io.firebreak.providers.pagerduty;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** PagerDuty's Events API v2 (PAGERDUTY_EVENTS_URL): pages, acknowledges and resolves; the routing key is in the body, no auth header. */
@RegisterRestClient(configKey = "pagerduty")
public interface PagerDutyApi {

    @POST
    @Path("/v2/enqueue")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> enqueue(String body);
}
