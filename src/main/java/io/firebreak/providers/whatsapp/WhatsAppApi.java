package io.firebreak.providers.whatsapp;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** WhatsApp Business Cloud API messages (WHATSAPP_BASE_URL, default graph.facebook.com/v23.0). */
@RegisterRestClient(configKey = "whatsapp")
public interface WhatsAppApi {

    @POST
    @Path("/{phoneNumberId}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> send(@PathParam("phoneNumberId") String phoneNumberId,
            @HeaderParam("Authorization") String authorization, String body);
}
