package io.firebreak.functions.requeue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.Identifiers;
import io.firebreak.db.OpsJson;
import io.firebreak.db.TargetDb;
import io.firebreak.safety.TargetWrites;

/**
 * The declared requeues' SQL (seed 002 "UPDATE email_log SET status = 'pending', retry_count = 0,
 * next_retry_at = now()"): every table and column is looked up in the target's catalog first, and
 * only those catalog names (quoted) and catalog types enter the statements; values are parameters.
 */
@ApplicationScoped
public class QueueTables {

    @Inject
    TargetWrites target;

    @Inject
    TargetDb reads;

    @Inject
    io.firebreak.db.TargetCatalog catalog;

    @Inject
    OpsJson json;

    /** A declared requeue whose table and columns the catalog confirmed, with each column's type. */
    public record Queue(DeclaredRequeue declared, Map<String, String> types) {

        String table() {
            return Identifiers.qualified(declared.schema(), declared.table());
        }

        String id() {
            return Identifiers.quote(declared.idColumn());
        }

        String status() {
            return Identifiers.quote(declared.statusColumn());
        }

        String type(String column) {
            return types.get(column);
        }
    }

    /** One row as it is before the requeue: its id (as text) and the columns the requeue changes. */
    public record Before(String id, JsonNode values) {
    }

    /** The catalog's view of the declaration; a missing table or column is named in the failure. */
    public Uni<Queue> describe(DeclaredRequeue r) {
        return catalog.types(r.schema(), r.table()).map(types -> {
                    if (types.isEmpty()) {
                        throw new IllegalStateException("no table " + r.qualifiedTable() + " on the target");
                    }
                    List<String> needed = new ArrayList<>(List.of(r.idColumn(), r.statusColumn()));
                    needed.addAll(r.reset().keySet());
                    for (String column : needed) {
                        if (!types.containsKey(column)) {
                            throw new IllegalStateException(r.qualifiedTable() + " has no column " + column);
                        }
                    }
                    return new Queue(r, types);
                });
    }

    /** Rows in the status the requeue moves from (only the given ids, when some are given), at most limit. */
    public Uni<List<Before>> candidates(Queue q, List<String> ids, int limit) {
        String sql = "SELECT " + q.id() + "::text AS id, " + snapshot(q) + "::text AS before FROM " + q.table()
                + " WHERE " + q.status() + " = $1::text::" + q.type(q.declared().statusColumn())
                + (ids.isEmpty() ? "" : " AND " + q.id() + " = ANY($3::text[]::" + q.type(q.declared().idColumn()) + "[])")
                + " ORDER BY " + q.id() + " LIMIT $2";
        Tuple args = ids.isEmpty() ? Tuple.of(q.declared().from(), limit)
                : Tuple.of(q.declared().from(), limit, ids.toArray(new String[0]));
        return reads.read(tx -> GuardedPool.rows(tx, sql, args, this::before));
    }

    /** Of the given ids, those still in the given status, with their current values. */
    public Uni<List<Before>> inStatus(Queue q, List<String> ids, String status) {
        String sql = "SELECT " + q.id() + "::text AS id, " + snapshot(q) + "::text AS before FROM " + q.table() + " WHERE "
                + q.id() + " = ANY($1::text[]::" + q.type(q.declared().idColumn()) + "[]) AND " + q.status() + " = $2::text::"
                + q.type(q.declared().statusColumn()) + " ORDER BY " + q.id();
        return reads.read(tx -> GuardedPool.rows(tx, sql, Tuple.of(ids.toArray(new String[0]), status),
                this::before));
    }

    /**
     * Moves the rows from → to with the resets, in batches (each its own short transaction), only
     * where the row is still in the from status: a repeat changes nothing. Answers rows changed.
     */
    public Uni<Integer> requeue(io.firebreak.safety.Applying apply, Queue q, List<String> ids) {
        DeclaredRequeue r = q.declared();
        StringBuilder set = new StringBuilder(q.status() + " = $1::text::" + q.type(r.statusColumn()));
        List<Object> values = new ArrayList<>();
        values.add(r.to());
        for (Map.Entry<String, Object> e : r.reset().entrySet()) {
            set.append(", ").append(Identifiers.quote(e.getKey())).append(" = ");
            if (e.getValue() == null) {
                set.append("NULL");
            } else if (DeclaredRequeue.NOW.equals(e.getValue())) {
                set.append("now()");
            } else {
                values.add(String.valueOf(e.getValue()));
                set.append("$").append(values.size()).append("::text::").append(q.type(e.getKey()));
            }
        }
        int idsParam = values.size() + 1;
        int fromParam = values.size() + 2;
        String sql = "UPDATE " + q.table() + " SET " + set + " WHERE " + q.id() + " = ANY($" + idsParam + "::text[]::"
                + q.type(r.idColumn()) + "[]) AND " + q.status() + " = $" + fromParam + "::text::" + q.type(r.statusColumn())
                + " RETURNING " + q.id() + "::text";
        return target.inBatches(ids, batch -> {
            List<Object> args = new ArrayList<>(values);
            args.add(batch.toArray(new String[0]));
            args.add(r.from());
            return target.write(apply, r.qualifiedTable(), batch, tx -> GuardedPool.keys(tx, sql, Tuple.from(args)))
                    .map(List::size);
        });
    }

    /**
     * Undo: rows still in the to status get their recorded before values back (status and resets),
     * in batches. Answers rows restored.
     */
    public Uni<Integer> restore(io.firebreak.safety.Applying apply, Queue q, List<Before> rows) {
        DeclaredRequeue r = q.declared();
        StringBuilder set = new StringBuilder(q.status() + " = (b.before ->> $1)::" + q.type(r.statusColumn()));
        List<String> columns = new ArrayList<>(r.reset().keySet());
        for (int i = 0; i < columns.size(); i++) {
            set.append(", ").append(Identifiers.quote(columns.get(i))).append(" = (b.before ->> $").append(i + 2)
                    .append(")::").append(q.type(columns.get(i)));
        }
        int idsParam = columns.size() + 2;
        String sql = "UPDATE " + q.table() + " AS t SET " + set + " FROM (SELECT unnest($" + idsParam + "::text[]) AS id, unnest($"
                + (idsParam + 1) + "::text[])::jsonb AS before) AS b WHERE t." + q.id() + " = b.id::" + q.type(r.idColumn())
                + " AND t." + q.status() + " = $" + (idsParam + 2) + "::text::" + q.type(r.statusColumn())
                + " RETURNING t." + q.id() + "::text";
        return target.inBatches(rows, batch -> {
            List<Object> args = new ArrayList<>();
            args.add(r.statusColumn());
            args.addAll(columns);
            args.add(batch.stream().map(Before::id).toArray(String[]::new));
            args.add(batch.stream().map(b -> b.values().toString()).toArray(String[]::new));
            args.add(r.to());
            return target.write(apply, r.qualifiedTable(), batch.stream().map(Before::id).toList(),
                    tx -> GuardedPool.keys(tx, sql, Tuple.from(args))).map(List::size);
        });
    }

    /** jsonb_build_object of the status and reset columns: the before-state an undo restores. */
    private static String snapshot(Queue q) {
        StringBuilder s = new StringBuilder("jsonb_build_object('" + q.declared().statusColumn().replace("'", "''") + "', "
                + q.status());
        for (String column : q.declared().reset().keySet()) {
            s.append(", '").append(column.replace("'", "''")).append("', ").append(Identifiers.quote(column));
        }
        return s.append(")").toString();
    }

    private Before before(Row row) {
        return new Before(row.getString("id"), json.tree(row.getString("before")));
    }
}
