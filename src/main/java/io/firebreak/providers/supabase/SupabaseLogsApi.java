package io.firebreak.providers.supabase;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/**
 * The Management API's log query endpoints (same client settings as SupabaseManagementApi: SUPABASE_API_URL).
 * {@code logs} takes ClickHouse SQL over one {@code logs} table; {@code logs.all}, its BigQuery-dialect
 * predecessor with a table per source, was announced for removal on 2026-09-23. Only SupabaseLogs calls them.
 */
@RegisterRestClient(configKey = "supabase")
@Path("/v1/projects/{ref}/analytics/endpoints")
public interface SupabaseLogsApi {

    @GET
    @Path("/logs")
    Uni<Response> logs(@PathParam("ref") String ref, @QueryParam("sql") String sql,
            @QueryParam("iso_timestamp_start") String start, @QueryParam("iso_timestamp_end") String end,
            @HeaderParam("Authorization") String auth);

    @GET
    @Path("/logs.all")
    Uni<Response> logsAll(@PathParam("ref") String ref, @QueryParam("sql") String sql,
            @QueryParam("iso_timestamp_start") String start, @QueryParam("iso_timestamp_end") String end,
            @HeaderParam("Authorization") String auth);
}
