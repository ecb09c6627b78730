package io.firebreak.functions.requeue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.firebreak.platform.FunctionManifest;

/** A declared requeue names a table and columns that end up in SQL: only plain identifiers load. */
class DeclaredRequeuesTest {

    @Test
    void requeueDeclarationsAreCheckedForShape() throws Exception {
        String base = """
                functions: []
                requeues:
                  - name: r
                    description: d
                    table: %s
                    idColumn: id
                    statusColumn: status
                    from: failed
                    to: %s
                    reset: {retry_count: 0}
                    maxRows: 10
                """;
        var ok = DeclaredRequeues.parse(FunctionManifest.parse(new ByteArrayInputStream(base.formatted("public.email_log", "pending")
                .getBytes(StandardCharsets.UTF_8))));
        assertEquals("public.email_log", ok.get("r").qualifiedTable());
        for (String[] bad : List.of(new String[] { "\"email_log; DROP TABLE x\"", "pending" },
                new String[] { "public.email_log", "failed" }, new String[] { "a.b.c", "pending" })) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> DeclaredRequeues.parse(FunctionManifest.parse(
                    new ByteArrayInputStream(base.formatted(bad[0], bad[1]).getBytes(StandardCharsets.UTF_8)))), bad[0]);
        }
    }
}
