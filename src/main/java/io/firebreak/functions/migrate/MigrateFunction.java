package io.firebreak.functions.migrate;

import jakarta.inject.Inject;

import io.firebreak.domain.OpsMigrations;
import io.quarkus.funqy.Funq;

/** Applies the ops database migrations, as an explicit deploy step; a dry run unless apply is true. */
public class MigrateFunction {

    @Inject
    OpsMigrations migrations;

    @Funq("migrate")
    public OpsMigrations.Report migrate(MigrateInput input) {
        boolean apply = input != null && Boolean.TRUE.equals(input.getApply());
        return apply ? migrations.migrate() : migrations.pending();
    }
}
