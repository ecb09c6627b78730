package io.firebreak.providers.github;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/**
 * The GitHub REST reads recent-changes needs (GITHUB_API_URL): commits, deployments with their
 * statuses, pull requests. The API version is pinned (2022-11-28: supported until March 2028),
 * so a newer default can never change the shapes read here. The issue calls are seed 003's incident
 * ticket (IncidentTicket): create, comment, add a label, close, and the lists a retried create or
 * comment looks in first.
 */
@RegisterRestClient(configKey = "github")
@Path("/repos/{owner}/{repo}")
@ClientHeaderParam(name = "Accept", value = "application/vnd.github+json")
@ClientHeaderParam(name = "X-GitHub-Api-Version", value = GitHubApi.VERSION)
@ClientHeaderParam(name = "User-Agent", value = "firebreak-recent-changes")
public interface GitHubApi {

    String VERSION = "2022-11-28";

    /** Without sha: the default branch. */
    @GET
    @Path("/commits")
    Uni<Response> commits(@PathParam("owner") String owner, @PathParam("repo") String repo,
            @QueryParam("since") String since, @QueryParam("until") String until, @QueryParam("per_page") int perPage,
            @QueryParam("page") int page, @HeaderParam("Authorization") String auth);

    /** Newest first. */
    @GET
    @Path("/deployments")
    Uni<Response> deployments(@PathParam("owner") String owner, @PathParam("repo") String repo,
            @QueryParam("per_page") int perPage, @QueryParam("page") int page, @HeaderParam("Authorization") String auth);

    /** Newest first: per_page=1 is the latest status. */
    @GET
    @Path("/deployments/{id}/statuses")
    Uni<Response> deploymentStatuses(@PathParam("owner") String owner, @PathParam("repo") String repo,
            @PathParam("id") long id, @QueryParam("per_page") int perPage, @HeaderParam("Authorization") String auth);

    @GET
    @Path("/pulls")
    Uni<Response> pulls(@PathParam("owner") String owner, @PathParam("repo") String repo,
            @QueryParam("state") String state, @QueryParam("sort") String sort, @QueryParam("direction") String direction,
            @QueryParam("per_page") int perPage, @QueryParam("page") int page, @HeaderParam("Authorization") String auth);

    /** Body: {title, body, labels}. */
    @POST
    @Path("/issues")
    @Consumes("application/json")
    Uni<Response> createIssue(@PathParam("owner") String owner, @PathParam("repo") String repo, String json,
            @HeaderParam("Authorization") String auth);

    /** Body: {body}. */
    @POST
    @Path("/issues/{number}/comments")
    @Consumes("application/json")
    Uni<Response> comment(@PathParam("owner") String owner, @PathParam("repo") String repo, @PathParam("number") int number,
            String json, @HeaderParam("Authorization") String auth);

    /** Body: {labels}; adds to the issue's labels, leaving the others (a human's among them) alone. */
    @POST
    @Path("/issues/{number}/labels")
    @Consumes("application/json")
    Uni<Response> addLabels(@PathParam("owner") String owner, @PathParam("repo") String repo,
            @PathParam("number") int number, String json, @HeaderParam("Authorization") String auth);

    /** An issue's comments updated since, oldest first (ascending id). */
    @GET
    @Path("/issues/{number}/comments")
    Uni<Response> comments(@PathParam("owner") String owner, @PathParam("repo") String repo,
            @PathParam("number") int number, @QueryParam("since") String since, @QueryParam("per_page") int perPage,
            @QueryParam("page") int page, @HeaderParam("Authorization") String auth);

    /** Body: {state, state_reason} (labels, if sent, would replace the issue's whole set: never sent). */
    @PATCH
    @Path("/issues/{number}")
    @Consumes("application/json")
    Uni<Response> updateIssue(@PathParam("owner") String owner, @PathParam("repo") String repo,
            @PathParam("number") int number, String json, @HeaderParam("Authorization") String auth);

    /** Issues (and pull requests) with these labels, newest first. */
    @GET
    @Path("/issues")
    Uni<Response> issues(@PathParam("owner") String owner, @PathParam("repo") String repo, @QueryParam("labels") String labels,
            @QueryParam("state") String state, @QueryParam("sort") String sort, @QueryParam("direction") String direction,
            @QueryParam("per_page") int perPage, @HeaderParam("Authorization") String auth);
}
