package io.firebreak.functions.runfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.firebreak.platform.FunctionManifest;

/** A declared fix becomes SQL: only what cannot change the statement around it loads, and the shipped ones all do. */
class DeclaredFixesTest {

    static Map<String, DeclaredFix> parse(String fix) throws Exception {
        return DeclaredFixes.parse(FunctionManifest.parse(new ByteArrayInputStream(("functions: []\nfixes:\n" + fix)
                .getBytes(StandardCharsets.UTF_8))));
    }

    static String refusal(String fix) {
        return assertThrows(IllegalStateException.class, () -> parse(fix)).getMessage();
    }

    @Test
    void theShippedFixesLoadAndDeletesNeedApproval() {
        Map<String, DeclaredFix> fixes = DeclaredFixes.parse(FunctionManifest.load());
        assertTrue(fixes.keySet().containsAll(java.util.List.of("clear-login-attempts", "revoke-api-key", "raise-rate-limit",
                "fix-reserved-meters", "pause-campaign", "flag-empty-readings")), fixes.keySet().toString());
        assertTrue(fixes.get("clear-login-attempts").approval().isPresent(), "a delete needs approval by default");
        assertTrue(fixes.get("revoke-api-key").approval().isEmpty());
    }

    @Test
    void aSubSelectCannotCloseItsOwnParenthesesOrWrite() {
        String base = """
                  - name: sneaky
                    description: d
                    table: public.lots
                    key: id
                    parameters: [{name: lot, type: text}]
                    match: {lot_number: $lot}
                    set:
                      reserved_meters: {select: "%s"}
                    maxRows: 1
                """;
        assertTrue(refusal(base.formatted("SELECT 1), id = (SELECT 2")).contains("balanced parentheses"));
        assertTrue(refusal(base.formatted("SELECT $1")).contains("no $ parameters"));
        assertTrue(refusal(base.formatted("WITH x AS (DELETE FROM lots RETURNING 1) SELECT count(*) FROM x"))
                .contains("is refused"));
    }

    @Test
    void aFixNeverTouchesAWholeTableAndUsesEveryParameter() {
        assertTrue(refusal("""
                  - {name: all, description: d, table: t, key: id, match: {}, delete: true, maxRows: 1}
                """).contains("at least one column"));
        assertTrue(refusal("""
                  - {name: unused, description: d, table: t, key: id, parameters: [{name: x, type: text}], match: {a: 1},
                     delete: true, maxRows: 1}
                """).contains("parameter x is used nowhere"));
        assertTrue(refusal("""
                  - {name: key, description: d, table: t, key: id, match: {a: 1}, set: {id: 2}, maxRows: 1}
                """).contains("key column"));
        assertEquals("integer", assertDoesNotThrow().parameters().get(0).type());
    }

    static DeclaredFix assertDoesNotThrow() {
        try {
            return parse("""
                      - {name: ok, description: d, table: t, key: id, parameters: [{name: n, type: integer, min: 1, max: 9}],
                         match: {a: $n}, set: {b: now()}, maxRows: 1}
                    """).get("ok");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
