package io.firebreak.domain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import io.quarkus.flyway.FlywayDataSource;
import io.quarkus.runtime.StartupEvent;

/**
 * Applies the ops database's versioned migrations (db/ops): at start for the HTTP service when
 * firebreak.ops.migrate-at-start is true, and on demand for deployments that migrate as a step.
 */
@ApplicationScoped
public class OpsMigrations {

    private static final Logger LOG = Logger.getLogger(OpsMigrations.class);

    @Inject
    @FlywayDataSource("ops")
    Flyway flyway;

    @ConfigProperty(name = "firebreak.ops.migrate-at-start", defaultValue = "true")
    boolean migrateAtStart;

    /** What a migration run did. */
    public record Applied(String from, String to, int migrations) {
    }

    void onStart(@Observes StartupEvent event) {
        if (migrateAtStart) {
            Applied applied = migrate();
            LOG.infof("ops database at schema version %s (%d migrations applied)", applied.to(), applied.migrations());
        }
    }

    public Applied migrate() {
        MigrateResult result = flyway.migrate();
        return new Applied(result.initialSchemaVersion, result.targetSchemaVersion == null
                ? result.initialSchemaVersion : result.targetSchemaVersion, result.migrationsExecuted);
    }
}
