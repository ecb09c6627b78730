package io.firebreak.providers.slack;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** Slack's Web API (SLACK_API_URL): the incident channel and the team's messages, with a bot token. */
@RegisterRestClient(configKey = "slack")
public interface SlackApi {

    @POST
    @Path("/conversations.create")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> createChannel(@HeaderParam("Authorization") String authorization, String body);

    @POST
    @Path("/chat.postMessage")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> postMessage(@HeaderParam("Authorization") String authorization, String body);
}
