package io.firebreak.providers.paystack;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** Paystack's transaction verification (PAYSTACK_BASE_URL); every status comes back as a Response. */
@RegisterRestClient(configKey = "paystack")
@Path("/transaction")
public interface PaystackApi {

    @GET
    @Path("/verify/{reference}")
    Uni<Response> verify(@PathParam("reference") String reference, @HeaderParam("Authorization") String authorization);
}
