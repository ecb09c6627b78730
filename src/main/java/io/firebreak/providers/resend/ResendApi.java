package io.firebreak.providers.resend;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** Resend's email API (RESEND_BASE_URL); the Idempotency-Key makes a retried send deliver once. */
@RegisterRestClient(configKey = "resend")
public interface ResendApi {

    @POST
    @Path("/emails")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> send(@HeaderParam("Authorization") String authorization,
            @HeaderParam("Idempotency-Key") String idempotencyKey, String body);
}
