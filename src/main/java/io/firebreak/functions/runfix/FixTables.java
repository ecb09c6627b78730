package io.firebreak.functions.runfix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.Identifiers;
import io.firebreak.db.OpsJson;
import io.firebreak.db.TargetCatalog;
import io.firebreak.db.TargetDb;
import io.firebreak.safety.Applying;
import io.firebreak.safety.TargetWrites;

/**
 * The declared fixes' SQL (seed 002 "DELETE FROM login_attempts WHERE email = …", "UPDATE api_keys
 * SET is_active = false …", "UPDATE lots SET reserved_meters = (SELECT …)"; seed 003 "Emergency
 * data fix" with its log row). Only catalog names (quoted) and catalog types enter the statements;
 * every value is a parameter cast to its column's type. The table is aliased {@code t}, as the
 * declared sub-selects expect.
 */
@ApplicationScoped
public class FixTables {

    @Inject
    TargetCatalog catalog;

    @Inject
    TargetDb reads;

    @Inject
    TargetWrites target;

    @Inject
    OpsJson json;

    /** A fix whose table and columns the catalog confirmed, with each column's type. */
    public record Fix(DeclaredFix declared, Map<String, String> types, Map<String, String> logTypes) {

        String table() {
            return Identifiers.qualified(declared.schema(), declared.table());
        }

        String key() {
            return "t." + Identifiers.quote(declared.key());
        }

        String type(String column) {
            return types.get(column);
        }
    }

    /** One row the fix touches: its key (as text), the whole row before, and (for a set) the values it would get. */
    public record Row(String key, JsonNode before, JsonNode after) {
    }

    /** The catalog's view of the declaration; what is missing is named in the failure. */
    public Uni<Fix> describe(DeclaredFix f) {
        Uni<Map<String, String>> logTypes = f.log().isEmpty() ? Uni.createFrom().item(Map.of())
                : catalog.types(f.log().get().schema(), f.log().get().table());
        return catalog.types(f.schema(), f.table()).flatMap(types -> logTypes.map(log -> {
            if (types.isEmpty()) {
                throw new IllegalStateException("no table " + f.qualifiedTable() + " on the target");
            }
            List<String> needed = new ArrayList<>(List.of(f.key()));
            needed.addAll(f.match().keySet());
            needed.addAll(f.set().keySet());
            for (String column : needed) {
                if (!types.containsKey(column)) {
                    throw new IllegalStateException(f.qualifiedTable() + " has no column " + column);
                }
            }
            if (f.log().isPresent()) {
                DeclaredFix.Log l = f.log().get();
                if (log.isEmpty()) {
                    throw new IllegalStateException("no log table " + l.qualifiedTable() + " on the target");
                }
                List<String> logColumns = new ArrayList<>(l.values().keySet());
                logColumns.add(l.detailsColumn());
                for (String column : logColumns) {
                    if (!log.containsKey(column)) {
                        throw new IllegalStateException(l.qualifiedTable() + " has no column " + column);
                    }
                }
            }
            return new Fix(f, types, log);
        }));
    }

    /** The rows the fix matches now with their before (and after) values, at most limit. */
    public Uni<List<Row>> matching(Fix fix, Map<String, String> params, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(fix, params, args);
        StringBuilder after = new StringBuilder();
        if (!fix.declared().delete()) {
            after.append(", jsonb_build_object(");
            boolean first = true;
            for (Map.Entry<String, DeclaredFix.Value> e : fix.declared().set().entrySet()) {
                // now() is shown as itself: the plan (and its digest) must not change from one second to the next.
                after.append(first ? "" : ", ").append(literal(e.getKey())).append(", ")
                        .append(e.getValue().kind().equals("now") ? "'now()'::text"
                                : value(fix, e.getKey(), e.getValue(), params, args));
                first = false;
            }
            after.append(")::text AS after");
        }
        args.add(limit);
        String sql = "SELECT " + fix.key() + "::text AS key, to_jsonb(t)::text AS before" + after + " FROM " + fix.table()
                + " t WHERE " + where + " ORDER BY " + fix.key() + " LIMIT $" + args.size();
        return reads.read(tx -> GuardedPool.rows(tx, sql, Tuple.from(args), r -> new Row(r.getString("key"),
                json.tree(r.getString("before")), fix.declared().delete() ? null : json.tree(r.getString("after")))));
    }

    /**
     * Applies the fix to exactly the planned keys, in batches, only where the row still matches:
     * each batch one short transaction, with the log row (if declared) in the first. Answers rows changed.
     */
    public Uni<Integer> apply(Applying apply, Fix fix, Map<String, String> params, List<String> keys, JsonNode details) {
        DeclaredFix f = fix.declared();
        List<Object> base = new ArrayList<>();
        String change;
        if (f.delete()) {
            String where = where(fix, params, base);
            change = "DELETE FROM " + fix.table() + " t WHERE " + where + " AND " + fix.key() + " = ANY($"
                    + (base.size() + 1) + "::text[]::" + fix.type(f.key()) + "[]) RETURNING " + fix.key() + "::text";
        } else {
            StringBuilder set = new StringBuilder();
            for (Map.Entry<String, DeclaredFix.Value> e : f.set().entrySet()) {
                set.append(set.length() == 0 ? "" : ", ").append(Identifiers.quote(e.getKey())).append(" = ")
                        .append(value(fix, e.getKey(), e.getValue(), params, base));
            }
            String where = where(fix, params, base);
            change = "UPDATE " + fix.table() + " t SET " + set + " WHERE " + where + " AND " + fix.key() + " = ANY($"
                    + (base.size() + 1) + "::text[]::" + fix.type(f.key()) + "[]) RETURNING " + fix.key() + "::text";
        }
        boolean[] logged = { f.log().isEmpty() };
        return target.inBatches(keys, batch -> {
            List<Object> args = new ArrayList<>(base);
            args.add(batch.toArray(new String[0]));
            boolean withLog = !logged[0];
            logged[0] = true;
            return target.write(apply, f.qualifiedTable(), batch, tx -> GuardedPool.keys(tx, change, Tuple.from(args))
                    .call(changed -> withLog ? log(tx, fix, details) : Uni.createFrom().voidItem())).map(List::size);
        });
    }

    /**
     * Undo: a set's rows whose fixed columns still hold what the fix gave them get their before
     * values back; a delete's rows are put back whole (unless a row with that key exists again).
     */
    public Uni<Integer> restore(Applying apply, Fix fix, List<Row> rows) {
        DeclaredFix f = fix.declared();
        String sql;
        if (f.delete()) {
            sql = "INSERT INTO " + fix.table() + " OVERRIDING SYSTEM VALUE SELECT (jsonb_populate_record(NULL::" + fix.table()
                    + ", b.before)).* FROM (SELECT unnest($1::text[])::jsonb AS before) b ON CONFLICT DO NOTHING RETURNING "
                    + Identifiers.quote(f.key()) + "::text";
        } else {
            StringBuilder set = new StringBuilder();
            StringBuilder still = new StringBuilder();
            for (Map.Entry<String, DeclaredFix.Value> e : f.set().entrySet()) {
                String q = Identifiers.quote(e.getKey());
                set.append(set.length() == 0 ? "" : ", ").append(q).append(" = r.").append(q);
                // A column set to now() holds the apply's time, not the plan's: it is restored but not compared.
                if (!e.getValue().kind().equals("now")) {
                    still.append(" AND to_jsonb(t) -> ").append(literal(e.getKey())).append(" IS NOT DISTINCT FROM b.after -> ")
                            .append(literal(e.getKey()));
                }
            }
            sql = "UPDATE " + fix.table() + " t SET " + set + " FROM (SELECT unnest($1::text[]) AS key, unnest($2::text[])::jsonb"
                    + " AS before, unnest($3::text[])::jsonb AS after) b, LATERAL jsonb_populate_record(NULL::" + fix.table()
                    + ", b.before) r WHERE " + fix.key() + " = b.key::" + fix.type(f.key()) + still + " RETURNING " + fix.key() + "::text";
        }
        return target.inBatches(rows, batch -> {
            Tuple args = f.delete() ? Tuple.of(batch.stream().map(r -> r.before().toString()).toArray(String[]::new))
                    : Tuple.of(batch.stream().map(Row::key).toArray(String[]::new),
                            batch.stream().map(r -> r.before().toString()).toArray(String[]::new),
                            batch.stream().map(r -> r.after().toString()).toArray(String[]::new));
            return target.write(apply, f.qualifiedTable(), batch.stream().map(Row::key).toList(),
                    tx -> GuardedPool.keys(tx, sql, args)).map(List::size);
        });
    }

    /** Of the given keys, the rows that exist now (for a delete's undo: those are not put back). */
    public Uni<List<String>> existing(Fix fix, List<String> keys) {
        String sql = "SELECT " + fix.key() + "::text FROM " + fix.table() + " t WHERE " + fix.key() + " = ANY($1::text[]::"
                + fix.type(fix.declared().key()) + "[])";
        return reads.read(tx -> GuardedPool.keys(tx, sql, Tuple.of(keys.toArray(new String[0]))));
    }

    /** The current values of the fixed columns of the given rows, by key. */
    public Uni<Map<String, JsonNode>> current(Fix fix, List<String> keys) {
        StringBuilder cols = new StringBuilder("jsonb_build_object(");
        boolean first = true;
        for (String column : fix.declared().set().keySet()) {
            cols.append(first ? "" : ", ").append(literal(column)).append(", t.").append(Identifiers.quote(column));
            first = false;
        }
        cols.append(")::text");
        String sql = "SELECT " + fix.key() + "::text AS key, " + cols + " AS now FROM " + fix.table() + " t WHERE " + fix.key()
                + " = ANY($1::text[]::" + fix.type(fix.declared().key()) + "[])";
        return reads.read(tx -> GuardedPool.rows(tx, sql, Tuple.of(keys.toArray(new String[0])),
                r -> Map.entry(r.getString("key"), json.tree(r.getString("now"))))).map(list -> {
                    Map<String, JsonNode> out = new LinkedHashMap<>();
                    list.forEach(e -> out.put(e.getKey(), e.getValue()));
                    return out;
                });
    }

    private Uni<Void> log(io.vertx.mutiny.sqlclient.SqlConnection tx, Fix fix, JsonNode details) {
        DeclaredFix.Log l = fix.declared().log().get();
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        for (Map.Entry<String, String> e : l.values().entrySet()) {
            args.add(e.getValue());
            columns.add(Identifiers.quote(e.getKey()));
            values.add("$" + args.size() + "::text::" + fix.logTypes().get(e.getKey()));
        }
        args.add(details.toString());
        columns.add(Identifiers.quote(l.detailsColumn()));
        values.add("$" + args.size() + "::text::" + fix.logTypes().get(l.detailsColumn()));
        String sql = "INSERT INTO " + Identifiers.qualified(l.schema(), l.table()) + " (" + String.join(", ", columns)
                + ") VALUES (" + String.join(", ", values) + ")";
        return tx.preparedQuery(sql).execute(Tuple.from(args)).replaceWithVoid();
    }

    /** The match as SQL over {@code t}: each column equal to its parameter or constant (cast to its type), or NULL. */
    private static String where(Fix fix, Map<String, String> params, List<Object> args) {
        List<String> conditions = new ArrayList<>();
        for (Map.Entry<String, DeclaredFix.Value> e : fix.declared().match().entrySet()) {
            String column = "t." + Identifiers.quote(e.getKey());
            if (e.getValue().kind().equals("null")) {
                conditions.add(column + " IS NULL");
            } else {
                conditions.add(column + " = " + value(fix, e.getKey(), e.getValue(), params, args));
            }
        }
        return String.join(" AND ", conditions);
    }

    private static String value(Fix fix, String column, DeclaredFix.Value v, Map<String, String> params, List<Object> args) {
        return switch (v.kind()) {
            case "null" -> "NULL";
            case "now" -> "now()";
            case "select" -> "(" + v.text() + ")";
            case "param" -> {
                args.add(params.get(v.text()));
                yield "$" + args.size() + "::text::" + fix.type(column);
            }
            default -> {
                args.add(v.text());
                yield "$" + args.size() + "::text::" + fix.type(column);
            }
        };
    }

    /** A column name as an SQL string literal (catalog names only, quotes doubled). */
    private static String literal(String column) {
        return "'" + column.replace("'", "''") + "'";
    }
}
