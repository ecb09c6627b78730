package io.firebreak.functions.runfix;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.firebreak.platform.FunctionManifest.ApprovalPolicy;

/**
 * A data fix declared in functions.yaml: one target table and its key, typed parameters, which
 * rows ({@code match}: columns equal to a parameter or a constant, or NULL), and what happens to
 * them ({@code set} columns to parameters, constants, now() or a read-only sub-select; or
 * {@code delete}), at most {@code maxRows}, optionally logged in the app's own log table.
 */
public record DeclaredFix(String name, String description, String schema, String table, String key,
        List<Param> parameters, Map<String, Value> match, Map<String, Value> set, boolean delete, int maxRows,
        Optional<Log> log, Optional<ApprovalPolicy> approval) {

    public String qualifiedTable() {
        return schema + "." + table;
    }

    /** A typed parameter the caller gives by name: uuid, text, email, or integer within bounds. */
    public record Param(String name, String type, long min, long max) {
    }

    /**
     * One value in a declaration: {@code param} (a parameter by name), {@code constant} (text, cast
     * to the column's type), {@code null}, {@code now}, or {@code select} (a read-only sub-select
     * where {@code t} is the row being fixed).
     */
    public record Value(String kind, String text) {
    }

    /**
     * The app's own log row written in the fix's transaction (seed 003: "Log action" into
     * error_logs): constant columns, and the column that gets the fix's details as JSON.
     */
    public record Log(String schema, String table, Map<String, String> values, String detailsColumn) {
        public String qualifiedTable() {
            return schema + "." + table;
        }
    }
}
