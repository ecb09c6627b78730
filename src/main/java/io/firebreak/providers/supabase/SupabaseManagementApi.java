package io.firebreak.providers.supabase;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** The Supabase Management API calls containment needs (SUPABASE_API_URL): API keys and JWT signing keys. */
@RegisterRestClient(configKey = "supabase")
@Path("/v1/projects/{ref}")
public interface SupabaseManagementApi {

    @GET
    @Path("/api-keys")
    Uni<Response> apiKeys(@PathParam("ref") String ref, @HeaderParam("Authorization") String auth);

    @POST
    @Path("/api-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> createApiKey(@PathParam("ref") String ref, @HeaderParam("Authorization") String auth, String body);

    @DELETE
    @Path("/api-keys/{id}")
    Uni<Response> deleteApiKey(@PathParam("ref") String ref, @PathParam("id") String id,
            @QueryParam("was_compromised") boolean compromised, @QueryParam("reason") String reason,
            @HeaderParam("Authorization") String auth);

    @PUT
    @Path("/api-keys/legacy")
    Uni<Response> legacyKeys(@PathParam("ref") String ref, @QueryParam("enabled") boolean enabled,
            @HeaderParam("Authorization") String auth);

    @GET
    @Path("/config/auth/signing-keys")
    Uni<Response> signingKeys(@PathParam("ref") String ref, @HeaderParam("Authorization") String auth);

    @POST
    @Path("/config/auth/signing-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> createSigningKey(@PathParam("ref") String ref, @HeaderParam("Authorization") String auth, String body);

    @PATCH
    @Path("/config/auth/signing-keys/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> updateSigningKey(@PathParam("ref") String ref, @PathParam("id") String id,
            @HeaderParam("Authorization") String auth, String body);
}
