package io.firebreak.functions.requeue;

import java.util.Map;

/**
 * A queue-like table a user declares in functions.yaml (seed 002's email retry): rows of table in
 * status {@code from} go back to {@code to}, with the columns in {@code reset} set to literal values
 * (or now()), at most maxRows per call.
 */
public record DeclaredRequeue(String name, String description, String schema, String table, String idColumn,
        String statusColumn, String from, String to, Map<String, Object> reset, int maxRows) {

    /** A reset value that is the time of the change rather than a literal. */
    public static final String NOW = "now()";

    public String qualifiedTable() {
        return schema + "." + table;
    }
}
