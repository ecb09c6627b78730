package io.firebreak.functions.restoresnapshot;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import io.firebreak.db.Identifiers;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogText;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Seed 004 "restore from backup" under the safety model: the dry run names the snapshot, its table,
 * rows and checksum (verified from the stored chunks now) and the new table it would create; the
 * apply, approved by the incident's commander or an admin, creates and fills exactly that table;
 * undo drops it again if it still holds exactly the restored rows.
 */
@ApplicationScoped
public class RestoreSnapshotFlow implements Undoable {

    public static final String FUNCTION = "restore-snapshot";

    /** The applied answer. */
    @RegisterForReflection
    public record Restored(boolean applied, String planId, long auditId, String snapshotId, String into, long rows) {
    }

    /** The applied answer of its undo. */
    @RegisterForReflection
    public record Dropped(boolean applied, long undoOf, long auditId, String table, boolean dropped) {
    }

    @Inject
    Restores restores;

    @Inject
    PlannedActions actions;

    @Inject
    AuditTrail audit;

    @Inject
    ObjectMapper mapper;

    @Override
    public String function() {
        return FUNCTION;
    }

    public Uni<JsonNode> plan(UUID snapshot, String into, ActionInput input) {
        return proposal(snapshot, into).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    public Uni<JsonNode> apply(UUID snapshot, String into, ActionInput input) {
        return actions.apply(FUNCTION, snapshot.toString(), input, proposal(snapshot, into), plan -> {
            JsonNode c = plan.content();
            Restores.Snapshot s = new Restores.Snapshot(snapshot, c.path("from").asText(), c.path("rows").asLong(),
                    c.path("bytes").asLong(), c.path("sha256").asText(), c.path("chunks").asInt());
            String target = c.path("into").asText();
            Map<String, Object> in = Map.of("snapshotId", snapshot.toString(), "into", target, "planId", input.getPlanId());
            return actions.audited(FUNCTION, input, in, c, apply -> blocking(() -> restores.restore(apply, s, target))
                    .map(rows -> new PlannedActions.Done<>(rows, (int) Math.min(rows, Integer.MAX_VALUE), "applied")))
                    .map(done -> (JsonNode) mapper.valueToTree(new Restored(true, plan.id().toString(), done.auditId(),
                            snapshot.toString(), target, done.result())));
        });
    }

    /** The dry run now: the snapshot, its checksum verified, the table it needs and the one it would create. */
    Uni<PlannedActions.Proposal> proposal(UUID snapshot, String into) {
        return blocking(() -> {
            Restores.Snapshot s = restores.find(snapshot).orElseThrow(() -> new FunctionError(404, "unknown_snapshot",
                    "no snapshot " + snapshot + " in the ops database", "snapshotId"));
            String target = into != null ? into : defaultName(s);
            List<Boolean> exist = restores.exist(List.of(s.table(), target));
            if (!exist.get(0)) {
                throw new FunctionError(409, "restore_needs_table", s.table() + " is not on the target: the restore makes its "
                        + "new table LIKE it; create the table from the app's schema first", "snapshotId");
            }
            if (exist.get(1)) {
                throw new FunctionError(409, "restore_target_exists", target + " exists already: name another table (into); "
                        + "a restore never overwrites", "into");
            }
            boolean verified = restores.checksum(snapshot).equals(s.sha256());
            if (!verified) {
                throw new FunctionError(409, "snapshot_corrupt", "snapshot " + snapshot + "'s stored chunks do not hash to "
                        + "its checksum: it cannot be restored", "snapshotId");
            }
            ObjectNode changes = mapper.createObjectNode();
            changes.put("snapshotId", snapshot.toString());
            changes.put("from", s.table());
            changes.put("into", target);
            changes.put("rows", s.rows());
            changes.put("bytes", s.bytes());
            changes.put("chunks", s.chunks());
            changes.put("sha256", s.sha256());
            changes.put("checksumVerified", true);
            // One new table: no existing row changes, so the row bound of changes does not apply (the snapshot's byte bound did).
            return new PlannedActions.Proposal(snapshot.toString(), PlannedActions.sha256(changes.toString()), 1, changes);
        });
    }

    /** Undo's dry run: the restored table, dropped if it still holds exactly the restored rows. */
    @Override
    public Uni<JsonNode> undoPlan(AuditTrail.Record applied, ActionInput input) {
        return undoProposal(applied).flatMap(p -> actions.plan("undo", input.getActor(), p));
    }

    @Override
    public Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input) {
        return actions.apply("undo", "audit:" + applied.id(), input, undoProposal(applied), plan -> {
            String table = plan.content().path("drop").asText();
            long rows = plan.content().path("rows").asLong();
            Map<String, Object> in = Map.of("auditId", applied.id(), "planId", input.getPlanId());
            return actions.auditedUndo(input, in, plan.content(), applied.id(), apply -> blocking(() -> restores.drop(apply,
                    table, rows)).map(dropped -> new PlannedActions.Done<>(dropped, dropped ? 1 : 0,
                            dropped ? "applied" : "partial: the table changed since")))
                    .map(done -> (JsonNode) mapper.valueToTree(new Dropped(true, applied.id(), done.auditId(), table,
                            done.result())));
        });
    }

    Uni<PlannedActions.Proposal> undoProposal(AuditTrail.Record applied) {
        String table = applied.plan().path("into").asText();
        long rows = applied.plan().path("rows").asLong();
        return audit.notUndone(applied.id()).flatMap(v -> blocking(() -> restores.exist(List.of(table)).get(0)))
                .map(exists -> {
                    if (!exists) {
                        throw new FunctionError(409, "not_undoable", table + " is not on the target any more", "auditId");
                    }
                    ObjectNode changes = mapper.createObjectNode();
                    changes.put("drop", table);
                    changes.put("rows", rows);
                    changes.put("onlyIf", "it still holds exactly " + rows + " rows");
                    return new PlannedActions.Proposal("audit:" + applied.id(), PlannedActions.sha256("undo=" + applied.id()
                            + ";" + table), 1, changes);
                });
    }

    /** The new table's default name: the original's, then _restored_ and the snapshot's first 8 hex characters. */
    static String defaultName(Restores.Snapshot s) {
        Identifiers.Table t = Identifiers.Table.of(s.table());
        String suffix = "_restored_" + s.id().toString().substring(0, 8);
        String base = t.name().length() + suffix.length() > 63 ? t.name().substring(0, 63 - suffix.length()) : t.name();
        return t.schema() + "." + base + suffix;
    }

    /** JDBC work on a worker thread; its SQL and I/O failures become callers' answers, never a 500. */
    private static <T> Uni<T> blocking(Callable<T> work) {
        return Uni.createFrom().item(() -> {
            try {
                return work.call();
            } catch (FunctionError e) {
                throw e;
            } catch (Restores.Corrupt e) {
                throw new FunctionError(409, "snapshot_corrupt", e.getMessage(), "snapshotId");
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57") && !state.equals("57014")) {
                    throw FunctionError.unavailable("target_unavailable", "the restore could not reach a database: "
                            + LogText.firstLine(e.getMessage()));
                }
                throw new FunctionError(409, "target_refused", "the target refused: " + LogText.firstLine(e.getMessage()) + " ("
                        + state + ")", null);
            } catch (IOException e) {
                throw new FunctionError(409, "target_refused", "the restore stopped: " + LogText.firstLine(e.getMessage()), null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
