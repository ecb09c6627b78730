package io.firebreak.http;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

import io.firebreak.db.OpsDb;

/**
 * Ready means the ops database answers and is migrated. The target database is deliberately not
 * part of readiness: firebreak must stay up, and routable, while the target is down.
 */
@Readiness
@ApplicationScoped
public class OpsReadiness implements AsyncHealthCheck {

    /** The last migration applied: by rank, since versions are text ('10' sorts before '9'). */
    static final String SCHEMA_VERSION = """
            SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL
            ORDER BY installed_rank DESC LIMIT 1""";

    @Inject
    OpsDb ops;

    @Override
    public Uni<HealthCheckResponse> call() {
        return ops.query(SCHEMA_VERSION).execute()
                .map(rows -> {
                    String version = rows.size() == 0 ? null : rows.iterator().next().getString("version");
                    return HealthCheckResponse.named("ops database").status(version != null)
                            .withData("schemaVersion", String.valueOf(version)).build();
                })
                .ifNoItem().after(Duration.ofSeconds(1)).fail()
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("ops database").down()
                        .withData("error", e.getClass().getSimpleName()).build());
    }
}
