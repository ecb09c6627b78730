package io.firebreak.providers.railway;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/**
 * Railway's public GraphQL API (RAILWAY_API_URL). An account or workspace token goes as a bearer
 * token, a project token in Project-Access-Token (the other header is null and not sent).
 */
@RegisterRestClient(configKey = "railway")
@Path("/graphql/v2")
public interface RailwayApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> graphql(@HeaderParam("Authorization") String bearer, @HeaderParam("Project-Access-Token") String projectToken,
            String body);
}
