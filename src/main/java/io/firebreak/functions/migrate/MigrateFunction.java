package io.firebreak.functions.migrate;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;

import io.firebreak.db.OpsMigrations;
import io.firebreak.platform.LogText;

/** Applies the ops database migrations, as an explicit deploy step; a dry run unless apply is true. */
@Singleton
public class MigrateFunction {

    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("28")
                            || sql.getSQLState().startsWith("3D"))
                    || String.valueOf(t.getMessage()).contains("Unable to obtain connection")) {
                return true;
            }
        }
        return false;
    }

    @Inject
    OpsMigrations migrations;

    @Funq("migrate")
    public OpsMigrations.Report migrate(MigrateInput input) {
        boolean apply = input != null && Boolean.TRUE.equals(input.getApply());
        try {
            return apply ? migrations.migrate() : migrations.pending();
        } catch (org.flywaydb.core.api.FlywayException e) {
            String why = LogText.firstLine(e.getMessage());
            if (unreachable(e)) {
                // Flyway could not reach the database as its owner (OPS_MIGRATION_DATABASE_URL, else OPS_DATABASE_URL).
                throw new io.firebreak.db.DatabaseUnavailable("ops", why, false);
            }
            throw new io.firebreak.platform.FunctionError(409, "migration_failed", "the migration stopped: " + why
                    + " (nothing after it ran; fix it and run migrate again)", null);
        }
    }
}
