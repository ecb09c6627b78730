package io.firebreak.providers.flutterwave;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** Flutterwave v3 verification by tx_ref (FLUTTERWAVE_BASE_URL); every status comes back as a Response. */
@RegisterRestClient(configKey = "flutterwave")
@Path("/v3/transactions")
public interface FlutterwaveApi {

    /** Flutterwave's v3 reference marks Content-Type: application/json as required on this GET too. */
    @GET
    @Path("/verify_by_reference")
    @org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam(name = "Content-Type", value = "application/json")
    Uni<Response> verifyByReference(@QueryParam("tx_ref") String reference,
            @HeaderParam("Authorization") String authorization);
}
