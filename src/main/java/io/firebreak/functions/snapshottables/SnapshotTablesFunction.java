package io.firebreak.functions.snapshottables;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.Identifiers;
import io.firebreak.db.TargetDb;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.InputText;
import io.firebreak.platform.LogText;
import io.firebreak.safety.ActionTimeline;
import io.firebreak.safety.AuditTrail;

/** Copies named tables of the target into the ops database as evidence (COPY, streamed), bounded by size, with row counts and a checksum on the timeline. */
@Singleton
public class SnapshotTablesFunction {

    /** What each table would cost: the planner's row estimate and its size on disk (the CSV is usually smaller). */
    static final String SIZES = """
            SELECT n.nspname || '.' || c.relname AS "table", greatest(c.reltuples, 0)::bigint AS rows_estimate,
                   pg_total_relation_size(c.oid) AS bytes_on_disk
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname || '.' || c.relname = ANY($1::text[]) AND c.relkind IN ('r', 'p')""";

    @Inject
    Snapshots snapshots;

    @Inject
    TargetDb target;

    @Inject
    AuditTrail audit;

    @Inject
    ActionTimeline timeline;

    @Inject
    ObjectMapper mapper;

    @Funq("snapshot-tables")
    public Uni<JsonNode> snapshotTables(SnapshotTablesInput input) {
        SnapshotTablesInput in = input == null ? new SnapshotTablesInput() : input;
        List<String> tables = tables(in.getTables());
        return sizes(tables).flatMap(sizes -> {
            if (!Boolean.TRUE.equals(in.getApply())) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("dryRun", true);
                answer.put("tables", sizes);
                answer.put("maxBytes", snapshots.maxBytes());
                return Uni.createFrom().item((JsonNode) mapper.valueToTree(answer));
            }
            String reason = InputText.reason(in.getReason(), "a snapshot needs a reason, kept in the audit record");
            String incidentId = in.getIncidentId();
            Uni<Void> known = incidentId == null ? Uni.createFrom().voidItem() : timeline.requireKnown(incidentId);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("tables", tables);
            record.put("incidentId", incidentId);
            AuditTrail.Entry started = new AuditTrail.Entry(in.getActor(), "snapshot-tables", "snapshot-started", reason, record,
                    null, 0, List.of(), "started", null);
            return known.flatMap(v -> audit.record(started)).flatMap(startedId -> take(tables, incidentId, in, reason)
                    .onFailure().call(e -> audit.record(new AuditTrail.Entry(in.getActor(), "snapshot-tables", "snapshot",
                            reason, record, null, 0, List.of(), "failed: " + LogText.firstLine(e.getMessage()), null)))
                    .flatMap(taken -> {
                        long rows = taken.stream().mapToLong(Snapshots.Taken::rows).sum();
                        JsonNode result = mapper.valueToTree(Map.of("snapshots", taken));
                        AuditTrail.Entry outcome = new AuditTrail.Entry(in.getActor(), "snapshot-tables", "snapshot", reason,
                                record, null, (int) Math.min(rows, Integer.MAX_VALUE),
                                taken.stream().map(Snapshots.Taken::snapshotId).toList(), "taken", null, result);
                        return audit.record(outcome).call(auditId -> timeline.event(incidentId, in.getActor(),
                                "snapshot-taken", "Snapshot of " + String.join(", ", tables) + ": " + rows + " rows, "
                                        + taken.stream().mapToLong(Snapshots.Taken::bytes).sum() + " bytes (audit record "
                                        + auditId + ")",
                                Map.of("auditId", auditId, "snapshots", mapper.convertValue(taken, List.class))))
                                .map(auditId -> {
                                    Map<String, Object> answer = new LinkedHashMap<>();
                                    answer.put("taken", true);
                                    answer.put("auditId", auditId);
                                    answer.put("snapshots", taken);
                                    return (JsonNode) mapper.valueToTree(answer);
                                });
                    }));
        });
    }

    /** The copy itself, on a worker thread (JDBC COPY blocks); its failures become the caller's answer. */
    private Uni<List<Snapshots.Taken>> take(List<String> tables, String incidentId, SnapshotTablesInput in, String reason) {
        return Uni.createFrom().item(() -> {
            try {
                return snapshots.take(tables, incidentId, in.getActor().tokenId(), reason);
            } catch (Snapshots.TooLarge e) {
                throw new FunctionError(409, "snapshot_too_large", e.getMessage(), "tables");
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (state.startsWith("08") || state.startsWith("57") || state.startsWith("53")) {
                    throw FunctionError.unavailable("target_unavailable", "the snapshot could not be taken: "
                            + LogText.firstLine(e.getMessage()));
                }
                throw new FunctionError(409, "target_refused", "the snapshot was refused: " + LogText.firstLine(e.getMessage())
                        + " (" + state + "); nothing was stored", "tables");
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Uni<List<Map<String, Object>>> sizes(List<String> tables) {
        return target.read(tx -> GuardedPool.rows(tx, SIZES, Tuple.of(tables.toArray(new String[0])), r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", r.getString("table"));
            m.put("rowsEstimate", r.getLong("rows_estimate"));
            m.put("bytesOnDisk", r.getLong("bytes_on_disk"));
            return m;
        })).map(found -> {
            List<String> missing = new ArrayList<>(tables);
            found.forEach(m -> missing.remove((String) m.get("table")));
            if (!missing.isEmpty()) {
                throw new FunctionError(404, "unknown_table", "no table " + String.join(", ", missing) + " on the target",
                        "tables");
            }
            return found;
        });
    }

    static List<String> tables(List<String> given) {
        if (given == null || given.isEmpty()) {
            throw FunctionError.badInput("missing_field", "tables", "name the tables to snapshot (schema.table or table)");
        }
        if (given.size() > 20) {
            throw FunctionError.badInput("invalid_value", "tables", "at most 20 tables per snapshot");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String field = "tables[" + i + "]";
            String qualified = Identifiers.Table.parse(given.get(i)).orElseThrow(() -> FunctionError.badInput("invalid_value",
                    field, "a table is schema.table or table")).toString();
            if (!out.contains(qualified)) {
                out.add(qualified);
            }
        }
        return out;
    }
}
