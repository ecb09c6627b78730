package io.firebreak.db;

import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import io.quarkus.flyway.FlywayDataSource;
import io.quarkus.runtime.StartupEvent;

/**
 * Applies the ops database's versioned migrations (db/ops): at start for the HTTP service when
 * firebreak.ops.migrate-at-start is true, and through the migrate function for deployments that
 * migrate as a step (the Lambda build never migrates on a cold start).
 */
@ApplicationScoped
public class OpsMigrations {

    private static final Logger LOG = Logger.getLogger(OpsMigrations.class);

    @Inject
    @FlywayDataSource("ops")
    Flyway flyway;

    @ConfigProperty(name = "firebreak.ops.migrate-at-start", defaultValue = "true")
    boolean migrateAtStart;

    /** A migration the ops database has not had yet. */
    public record Migration(String version, String description) {
    }

    /** Where the schema stands and what a run did or would do. */
    public record Report(boolean applied, String currentVersion, List<Migration> migrations) {
    }

    void onStart(@Observes StartupEvent event) {
        if (migrateAtStart) {
            Report report = migrate();
            LOG.infof("ops database at schema version %s (%d migrations applied)", report.currentVersion(),
                    report.migrations().size());
        }
    }

    /** What migrate would apply, without applying it. */
    public Report pending() {
        var info = flyway.info();
        MigrationInfo current = info.current();
        return new Report(false, current == null ? null : current.getVersion().getVersion(),
                Arrays.stream(info.pending()).map(OpsMigrations::migration).toList());
    }

    /** Applies every pending migration; running it again applies nothing. */
    public synchronized Report migrate() {
        List<Migration> pending = pending().migrations();
        MigrateResult result = flyway.migrate();
        String version = result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion;
        return new Report(true, version, pending.subList(0, Math.min(pending.size(), result.migrationsExecuted)));
    }

    private static Migration migration(MigrationInfo m) {
        return new Migration(m.getVersion().getVersion(), m.getDescription());
    }
}
