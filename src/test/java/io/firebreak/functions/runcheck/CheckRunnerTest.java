package io.firebreak.functions.runcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.TestSessions;

/**
 * The database's walls around a declared check, tested without the guard in front: whatever SQL
 * got past it still cannot write, lock, signal another session or run long.
 */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "seed-002"))
class CheckRunnerTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    CheckRunner runner;

    CheckRunner.Outcome unguarded(String sql) {
        return runner.runUnguarded(new DeclaredCheck("wall", "wall", sql, DeclaredCheck.Measure.ROWS, 0, "P3", false))
                .await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void writesInsideACheckAreRefusedByTheReadOnlyTransaction() {
        long attempts = Sql.count(db.target(), "SELECT count(*) FROM login_attempts");
        Sql.exec(db.target(), """
                CREATE OR REPLACE FUNCTION public.sneaky_insert() RETURNS int LANGUAGE sql AS
                $$ INSERT INTO login_attempts (email, attempted_at) VALUES ('x@example.com', now()) RETURNING 1 $$;
                CREATE SEQUENCE IF NOT EXISTS public.wall_seq""");
        for (String sql : List.of("SELECT public.sneaky_insert()",
                "SELECT nextval('public.wall_seq')")) {
            CheckRunner.Outcome o = unguarded(sql);
            assertNotNull(o.error(), sql);
            // Whichever wall stands first: the READ ONLY transaction or the read-only role.
            assertTrue(o.error().contains("read-only transaction") || o.error().contains("permission denied"),
                    sql + " -> " + o.error());
        }
        for (String sql : List.of("INSERT INTO login_attempts (email, attempted_at) VALUES ('x@example.com', now())",
                "UPDATE email_log SET status = 'pending'", "DELETE FROM login_attempts",
                "WITH d AS (DELETE FROM login_attempts RETURNING 1) SELECT count(*) FROM d",
                "CREATE TABLE public.planted (id int)", "DROP TABLE public.lots", "SELECT 1; DELETE FROM login_attempts")) {
            CheckRunner.Outcome o = unguarded(sql);
            assertNotNull(o.error(), sql + " must fail");
        }
        assertEquals(attempts, Sql.count(db.target(), "SELECT count(*) FROM login_attempts"));
        assertEquals(0, Sql.count(db.target(), "SELECT count(*) FROM pg_tables WHERE tablename = 'planted'"));
        assertEquals(1, Sql.count(db.target(), "SELECT count(*) FROM pg_tables WHERE tablename = 'lots'"));
    }

    @Test
    void theChecksRoleCannotSignalOtherSessions() {
        try (TestSessions sessions = new TestSessions(db.target())) {
            int victim = sessions.idle("app", false);
            Sql.exec(db.target(), "CREATE OR REPLACE FUNCTION public.kill(p int) RETURNS boolean LANGUAGE sql AS "
                    + "$$ SELECT pg_terminate_backend(p) $$");
            CheckRunner.Outcome o = unguarded("SELECT public.kill(" + victim + ")");
            assertNotNull(o.error());
            // 42501: the checks role is neither the victim's role nor in pg_signal_backend.
            assertTrue(o.error().contains("member of pg_signal_backend"), o.error());
            assertTrue(sessions.alive(victim));
        }
    }

    @Test
    void aCheckThatRunsTooLongIsCancelled() {
        CheckRunner.Outcome o = unguarded("SELECT pg_sleep(30)");
        assertTrue(o.error().contains("statement timeout"), o.error());
        assertTrue(o.tookMs() < 10_000, o.tookMs() + " ms");
    }

    @Test
    void theGuardRefusesBeforeTheDatabaseIsAsked() {
        CheckRunner.Outcome o = runner.run(new DeclaredCheck("x", "x", "SELECT pg_terminate_backend(1)",
                DeclaredCheck.Measure.ROWS, 0, "P3", false)).await().atMost(Duration.ofSeconds(5));
        assertEquals("refused: a check cannot call pg_terminate_backend()", o.error());
    }
}
