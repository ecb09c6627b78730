package io.firebreak.functions.recentchanges;

import static io.firebreak.testing.Lifecycle.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * recent-changes with nothing configured but a migrations table declared in functions.yaml (through
 * its placeholders): GitHub and Railway say why they are skipped, and the declared table is read by
 * its applied-at column once the catalog confirms it, a missing table or column a plain skip.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(RecentChangesDeclaredMigrationsTest.Declared.class)
class RecentChangesDeclaredMigrationsTest {

    /** functions.yaml's migrations block names public.app_migrations, with an applied-at column. */
    public static class Declared implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("FIREBREAK_MIGRATIONS_TABLE", "public.app_migrations", "FIREBREAK_MIGRATIONS_NAME_COLUMN", "description",
                    "FIREBREAK_MIGRATIONS_APPLIED_AT_COLUMN", "applied_at");
        }

        @Override
        public void stop() {
        }
    }

    @TestDatabases.Inject
    TestDatabases db;

    @Test
    void unconfiguredSourcesSaySkippedAndTheDeclaredTableIsReadOnceItIsThere() {
        Sql.exec(db.target(), "DROP TABLE IF EXISTS public.app_migrations");
        JsonPath a = call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertEquals("GITHUB_REPOSITORY is not set (owner/name)", a.getString("github.skipped"));
        assertEquals("functions.yaml railway ids are empty: RAILWAY_PROJECT_ID, RAILWAY_ENVIRONMENT_ID, RAILWAY_API_SERVICE_ID,"
                + " RAILWAY_WORKER_SERVICE_ID", a.getString("railway.skipped"));
        assertEquals("the declared migrations table public.app_migrations is not on the target", a.getString("migrations.skipped"));
        assertTrue(a.getString("summary").startsWith("no source could be read (GitHub skipped"), a.getString("summary"));

        Sql.exec(db.target(), "CREATE TABLE public.app_migrations (id serial PRIMARY KEY, version text, description text)");
        call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).body("migrations.skipped",
                org.hamcrest.Matchers.is("the declared migrations table lacks public.app_migrations.applied_at"));

        Sql.exec(db.target(), """
                ALTER TABLE public.app_migrations ADD COLUMN applied_at timestamptz;
                INSERT INTO public.app_migrations (version, description, applied_at) VALUES
                    ('41', 'old', now() - interval '3 days'),
                    ('20200101000000_written_long_ago', 'applied just now', now() - interval '10 minutes'),
                    ('43', 'never applied', NULL);""");
        JsonPath b = call("recent-changes", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertEquals("public.app_migrations", b.getString("migrations.source"));
        // By when it was applied, not by the date in its name.
        assertEquals(List.of("applied just now", "old", "never applied"), b.getList("migrations.latest.name"));
        assertEquals(List.of(true, false, false), b.getList("migrations.latest.inWindow"));
        assertEquals(1, b.getInt("migrations.inWindow"));
        Sql.exec(db.target(), "DROP TABLE public.app_migrations");
    }
}
