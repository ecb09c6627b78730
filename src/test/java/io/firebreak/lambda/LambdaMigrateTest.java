package io.firebreak.lambda;

import static io.firebreak.lambda.LambdaEvents.event;
import static io.firebreak.lambda.LambdaEvents.invokeHttp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.OpsSchema;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** A cold start leaves the ops schema alone; migrate shows, then applies, then has nothing to do. */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "ops", value = "real-unmigrated"))
class LambdaMigrateTest {

    @TestDatabases.Inject
    TestDatabases db;


    boolean migrated() {
        return Sql.count(db.ops(), "SELECT count(*) FROM pg_tables WHERE tablename = 'incidents'") > 0;
    }

    @Test
    void migrateIsAnExplicitDryRunFirstStep() {
        assertFalse(migrated(), "the cold start did not migrate");

        ObjectNode dryRun = event("migrate.json", Map.of("TOKEN", Tokens.ADMIN));
        dryRun.put("body", "{}");
        var plan = invokeHttp(dryRun);
        assertEquals(200, plan.status(), plan.body().prettify());
        assertFalse(plan.body().getBoolean("applied"));
        assertEquals(OpsSchema.versions(), plan.body().getList("migrations.version"));
        assertFalse(migrated(), "a dry run changes nothing");

        ObjectNode responder = event("migrate.json", Map.of("TOKEN", Tokens.RESPONDER));
        assertEquals(403, invokeHttp(responder).status());
        assertFalse(migrated());

        var applied = invokeHttp(event("migrate.json", Map.of("TOKEN", Tokens.ADMIN)));
        assertTrue(applied.body().getBoolean("applied"));
        assertEquals(OpsSchema.latest(), applied.body().getString("currentVersion"));
        assertEquals(OpsSchema.versions(), applied.body().getList("migrations.version"));
        assertTrue(migrated());

        var again = invokeHttp(event("migrate.json", Map.of("TOKEN", Tokens.ADMIN)));
        assertEquals(List.of(), again.body().getList("migrations"), "idempotent");
    }
}
