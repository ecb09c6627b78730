package io.firebreak.functions.runcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.firebreak.platform.FunctionManifest;
import io.firebreak.safety.CheckGuard;

/** The guard of declared checks: what reads passes, what writes, locks or acts on the server does not. */
class CheckGuardTest {

    @Test
    void theSeedsDiagnosticQueriesPass() {
        for (String sql : List.of(
                "SELECT phone_number, error_message, COUNT(*) FROM sms_delivery_log WHERE delivery_status = 'failed' GROUP BY 1, 2",
                "SELECT l.id FROM lots l LEFT JOIN reservation_lines rl ON l.id = rl.lot_id GROUP BY l.id HAVING count(*) > 1;",
                "WITH recent AS (SELECT * FROM login_attempts WHERE attempted_at > now() - interval '1 hour') SELECT count(*) FROM recent",
                "select updated_at, deleted_at, is_deleted from t -- a comment that says DELETE FROM t",
                "SELECT 'please update your card' AS advice, $$ insert $$ AS t",
                "SELECT \"into_col\" FROM t",
                "VALUES (1)", "TABLE email_log")) {
            assertEquals(Optional.empty(), CheckGuard.refusal(sql), sql);
        }
    }

    @Test
    void writesDdlSeveralStatementsAndServerActionsAreRefused() {
        record Case(String sql, String why) {
        }
        for (Case c : List.of(
                new Case("INSERT INTO t VALUES (1)", "not INSERT"),
                new Case("UPDATE email_log SET status = 'pending'", "not UPDATE"),
                new Case("DELETE FROM login_attempts", "not DELETE"),
                new Case("DROP TABLE lots", "not DROP"),
                new Case("CREATE TABLE x AS SELECT 1", "not CREATE"),
                new Case("TRUNCATE lots", "not TRUNCATE"),
                new Case("SELECT 1; DROP TABLE lots", "one statement"),
                new Case("WITH d AS (DELETE FROM lots RETURNING *) SELECT count(*) FROM d", "(DELETE)"),
                new Case("SELECT * INTO copy_of_lots FROM lots", "(INTO)"),
                new Case("SELECT * FROM lots FOR UPDATE", "(FOR UPDATE)"),
                new Case("SELECT * FROM lots FOR NO KEY UPDATE", "(FOR NO KEY UPDATE)"),
                new Case("SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "pg_terminate_backend()"),
                new Case("SELECT \"pg_terminate_backend\" (42)", "pg_terminate_backend()"),
                new Case("SELECT pg_catalog.pg_cancel_backend(42)", "pg_cancel_backend()"),
                new Case("SELECT set_config('statement_timeout', '0', false)", "set_config()"),
                new Case("SELECT pg_advisory_lock(1)", "pg_advisory_lock()"),
                new Case("SELECT nextval('orders_id_seq')", "nextval()"),
                new Case("SELECT query_to_xml('select pg_terminate_backend(1)', true, true, '')", "query_to_xml()"),
                new Case("SELECT pg_reload_conf()", "pg_reload_conf()"),
                new Case("SELECT lo_import('/etc/passwd')", "lo_import()"),
                new Case("SELECT 1 /* hidden */ ; /* still */ DELETE FROM t", "one statement"),
                new Case("", "no SQL"))) {
            Optional<String> refusal = CheckGuard.refusal(c.sql());
            assertTrue(refusal.isPresent() && refusal.get().contains(c.why()), c.sql() + " -> " + refusal);
        }
    }

    @Test
    void theManifestRefusesToLoadACheckThatCouldWrite() {
        String yaml = """
                functions: []
                checks:
                  - name: sneaky
                    description: looks like a check
                    sql: "WITH x AS (UPDATE api_keys SET is_active = true RETURNING 1) SELECT count(*) FROM x"
                    threshold: 0
                    severity: P1
                """;
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> DeclaredChecks.parse(FunctionManifest.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))));
        assertTrue(e.getMessage().contains("check sneaky is refused: a check cannot change or lock rows (UPDATE)"),
                e.getMessage());
    }

    @Test
    void twoChecksWithOneNameAreRefused() {
        String yaml = """
                functions: []
                checks:
                  - {name: twice, description: a, sql: "SELECT 1", threshold: 0, severity: P2}
                  - {name: twice, description: b, sql: "SELECT 2", threshold: 0, severity: P2}
                """;
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> DeclaredChecks.parse(FunctionManifest.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))));
        assertTrue(e.getMessage().contains("duplicate check twice"), e.getMessage());
    }
}
