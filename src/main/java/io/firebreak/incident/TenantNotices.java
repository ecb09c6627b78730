package io.firebreak.incident;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

import io.firebreak.safety.PlannedActions;

/**
 * How the lifecycle tells tenants about a phase (update-incident, resolve-incident) without
 * depending on notify-tenant: a port notify-tenant implements with its templates and outbox.
 */
public interface TenantNotices {

    /** The notice one tenant's admins would get about an incident phase, as a proposal to audit. */
    Uni<PlannedActions.Proposal> notice(UUID tenant, String incidentId, String phase, List<String> channels);

    /** Queues a notice's messages inside the caller's transaction, under the caller's audit record. */
    Uni<List<Long>> queueNotice(SqlConnection tx, long auditId, String incidentId, UUID tenant, String phase,
            JsonNode content);
}
