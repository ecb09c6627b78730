package io.firebreak.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.platform.FunctionError;

/**
 * What the target's catalog says it has, so firebreak touches only the contract's columns or those
 * it found: a column beyond the contract (updated_at) is written only where it exists, and one the
 * contract needs but the application lacks is a 409 target_contract_mismatch naming
 * {@code schema.table.column}, before any statement runs. Read once a minute per table at most.
 */
@ApplicationScoped
public class TargetCatalog {

    static final String COLUMNS = """
            SELECT a.attname::text AS name
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND a.attnum > 0 AND NOT a.attisdropped""";

    /**
     * Each column with its type as format_type names it without modifiers: what declared requeues
     * and fixes cast their values to (a cast to varchar(100) would silently truncate; the column's
     * own modifier still refuses a value that does not fit).
     */
    static final String TYPES = """
            SELECT a.attname::text AS name, format_type(a.atttypid, NULL) AS type
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""";

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "firebreak.target.catalog-ttl", defaultValue = "60s")
    Duration ttl;

    /** A table's columns when read (empty: no such table). */
    private record Seen(Set<String> columns, long at) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    @Inject
    TargetDb target;

    /** The columns of schema.table; empty when the table is not there. */
    public Uni<Set<String>> columns(String table) {
        Seen s = seen.get(table);
        if (s != null && System.nanoTime() - s.at() < ttl.toNanos()) {
            return Uni.createFrom().item(s.columns());
        }
        String[] parts = table.split("\\.", 2);
        return target.read(tx -> GuardedPool.rows(tx, COLUMNS, Tuple.of(parts[0], parts[1]), r -> r.getString("name")))
                .map(list -> {
                    Set<String> columns = Set.copyOf(list);
                    seen.put(table, new Seen(columns, System.nanoTime()));
                    return columns;
                });
    }

    /** A table's columns and their types, read now (declarations are checked against the catalog at each call); empty: no table. */
    public Uni<Map<String, String>> types(String schema, String table) {
        return target.read(tx -> GuardedPool.rows(tx, TYPES, Tuple.of(schema, table),
                row -> Map.entry(row.getString("name"), row.getString("type")))).map(list -> {
                    Map<String, String> types = new java.util.LinkedHashMap<>();
                    list.forEach(e -> types.put(e.getKey(), e.getValue()));
                    return types;
                });
    }

    public Uni<Boolean> has(String table, String column) {
        return columns(table).map(c -> c.contains(column));
    }

    /** The SET fragment that also stamps updated_at where the table has one (it is not in the contract), else "". */
    public Uni<String> touchUpdatedAt(String table) {
        return has(table, "updated_at").map(has -> has ? ", updated_at = now()" : "");
    }

    /** Refuses (409) when the table, or any of the columns, is not on the target. */
    public Uni<Void> require(String table, String... columns) {
        return columns(table).map(found -> {
            if (found.isEmpty()) {
                throw mismatch(table + " (the table)");
            }
            List<String> missing = new ArrayList<>();
            for (String c : columns) {
                if (!found.contains(c)) {
                    missing.add(table + "." + c);
                }
            }
            if (!missing.isEmpty()) {
                throw mismatch(String.join(", ", missing));
            }
            return null;
        });
    }

    static FunctionError mismatch(String what) {
        return new FunctionError(409, "target_contract_mismatch", "the target database lacks " + what
                + ", which firebreak's contract needs (docs/databases.md, The target contract)", null);
    }
}
