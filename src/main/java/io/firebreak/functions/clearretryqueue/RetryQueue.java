package io.firebreak.functions.clearretryqueue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.TargetCatalog;
import io.firebreak.db.TargetDb;
import io.firebreak.safety.ActionConfig;
import io.firebreak.safety.TargetWrites;

/**
 * The ERP retry queue of the target database (seed 000 "If ERP sync storm", "ERP sync not
 * working"): the dead-letter report, the integration and its retrying rows, and the bounded,
 * batched writes that deactivate an integration and dismiss its retry queue — or undo both.
 */
@ApplicationScoped
public class RetryQueue {

    /** Seed 000's runbook query, with the integration's id and state added. */
    static final String DEAD_LETTERS = """
            SELECT i.id::text AS id, i.name, i.erp_system, i.is_active, COUNT(*) AS dead_letters,
                   max(l.created_at) AS last_at
            FROM public.erp_sync_logs l
            JOIN public.erp_integrations i ON i.id = l.integration_id
            WHERE l.sync_status = 'dead_letter'
              AND l.created_at > now() - interval '24 hours'
            GROUP BY i.id, i.name, i.erp_system, i.is_active
            ORDER BY dead_letters DESC""";

    /** Dead letters per integration in the window, against the 24 hours before it. */
    static final String DEAD_LETTER_WINDOW = """
            SELECT i.id::text AS id, i.name, i.erp_system,
                   COUNT(*) FILTER (WHERE l.created_at > now() - make_interval(mins => %d)) AS in_window,
                   COUNT(*) FILTER (WHERE l.created_at <= now() - make_interval(mins => %d)) AS before_window
            FROM public.erp_sync_logs l
            JOIN public.erp_integrations i ON i.id = l.integration_id
            WHERE l.sync_status = 'dead_letter'
              AND l.created_at > now() - interval '24 hours' - make_interval(mins => %d)
            GROUP BY i.id, i.name, i.erp_system""";

    /** An integration's dead letters in a window and in the 24 hours before it. */
    public record DeadLetterWindow(String integrationId, String name, String erpSystem, long inWindow,
            long beforeWindow) {
    }

    static final String INTEGRATION = """
            SELECT id::text AS id, name, erp_system, is_active FROM public.erp_integrations WHERE id = '%s'""";

    /** One more than the bound, so the caller can tell "at the bound" from "over it". */
    static final String RETRYING = """
            SELECT id FROM public.erp_sync_logs
            WHERE integration_id = '%s' AND sync_status = 'retrying'
            ORDER BY id LIMIT %d""";

    /** Which of the given rows are in a status now (the ids are firebreak's own, from an audit record). */
    static final String IN_STATUS = """
            SELECT id FROM public.erp_sync_logs WHERE id = ANY('{%s}'::bigint[]) AND sync_status = '%s' ORDER BY id""";

    /** %s: ", updated_at = now()" where the application has that column (it is not in the contract). */
    static final String SET_ACTIVE = """
            UPDATE public.erp_integrations SET is_active = $2%s
            WHERE id = $1 AND is_active = $3
            RETURNING id::text""";

    /** The seed's UPDATE, limited to the planned rows that are still in the state the plan saw. */
    static final String MOVE = """
            UPDATE public.erp_sync_logs SET sync_status = $3%s
            WHERE id = ANY($1) AND sync_status = $2
            RETURNING id::text""";

    public record DeadLetters(String integrationId, String name, String erpSystem, boolean active, long deadLetters,
            Instant lastAt) {
    }

    public record Integration(String id, String name, String erpSystem, boolean active) {
    }

    @Inject
    TargetDb reads;

    @Inject
    TargetWrites writes;

    @Inject
    ActionConfig config;

    @Inject
    TargetCatalog catalog;

    /** The contract's columns of both tables, checked before anything is read or planned. */
    public Uni<Void> contract() {
        return catalog.require("public.erp_integrations", "id", "tenant_id", "name", "erp_system", "is_active")
                .flatMap(v -> catalog.require("public.erp_sync_logs", "id", "integration_id", "sync_status", "created_at"));
    }

    public Uni<List<DeadLetters>> deadLetters() {
        return contract().flatMap(v -> reads.readOnly(DEAD_LETTERS)).map(rows -> {
            List<DeadLetters> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new DeadLetters(r.getString("id"), r.getString("name"), r.getString("erp_system"),
                        r.getBoolean("is_active"), r.getLong("dead_letters"), r.getOffsetDateTime("last_at").toInstant()));
            }
            return out;
        });
    }

    public Uni<List<DeadLetterWindow>> deadLetterWindows(int windowMinutes) {
        return contract().flatMap(v -> reads.readOnly(DEAD_LETTER_WINDOW.formatted(windowMinutes, windowMinutes,
                windowMinutes))).map(rows -> {
            List<DeadLetterWindow> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new DeadLetterWindow(r.getString("id"), r.getString("name"), r.getString("erp_system"),
                        r.getLong("in_window"), r.getLong("before_window")));
            }
            return out;
        });
    }

    public Uni<Optional<Integration>> integration(UUID id) {
        return contract().flatMap(v -> reads.readOnly(INTEGRATION.formatted(id))).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row r = it.next();
            return Optional.of(new Integration(r.getString("id"), r.getString("name"), r.getString("erp_system"),
                    r.getBoolean("is_active")));
        });
    }

    /** The ids of the integration's retrying rows, at most {@code limit}. */
    public Uni<List<Long>> retrying(UUID integrationId, int limit) {
        return reads.readOnly(RETRYING.formatted(integrationId, limit)).map(rows -> {
            List<Long> ids = new ArrayList<>(rows.size());
            for (Row r : rows) {
                ids.add(r.getLong("id"));
            }
            return ids;
        });
    }

    public Uni<List<Long>> inStatus(List<Long> ids, String status) {
        if (!status.matches("[a-z_]+")) {
            throw new IllegalArgumentException("status " + status);
        }
        String list = ids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        return reads.readOnly(IN_STATUS.formatted(list, status)).map(rows -> {
            List<Long> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                out.add(r.getLong("id"));
            }
            return out;
        });
    }

    /** Sets is_active where it is still {@code from}, inside an audited apply; 1 if it changed, 0 if not. */
    public Uni<Integer> setActive(io.firebreak.safety.Applying apply, UUID integrationId, boolean from, boolean to) {
        return catalog.touchUpdatedAt("public.erp_integrations").flatMap(touch -> writes.write(apply, INTEGRATIONS,
                List.of(integrationId.toString()), tx -> GuardedPool.keys(tx, SET_ACTIVE.formatted(touch),
                        Tuple.of(integrationId, to, from))).map(List::size));
    }

    /** The kinds of keys an apply records: integration ids, sync log ids. */
    public static final String INTEGRATIONS = "erp_integrations";
    public static final String SYNC_LOGS = "erp_sync_logs";

    /**
     * Moves the given rows from one status to another in batches, each its own short transaction
     * with statement and lock timeouts, inside an audited apply that records each batch's ids. Rows
     * no longer in {@code from} are left alone. Returns the rows moved; a failing batch fails the call
     * after the batches before it committed, and no later batch starts.
     */
    public Uni<Integer> move(io.firebreak.safety.Applying apply, List<Long> ids, String from, String to) {
        List<List<Long>> batches = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += config.batchSize()) {
            batches.add(ids.subList(i, Math.min(ids.size(), i + config.batchSize())));
        }
        return catalog.touchUpdatedAt("public.erp_sync_logs").flatMap(touch -> {
            String sql = MOVE.formatted(touch);
            Uni<Integer> moved = Uni.createFrom().item(0);
            for (List<Long> batch : batches) {
                List<String> attempted = batch.stream().map(String::valueOf).toList();
                moved = moved.flatMap(total -> writes.write(apply, SYNC_LOGS, attempted,
                        tx -> GuardedPool.keys(tx, sql, Tuple.of(batch.toArray(new Long[0]), from, to)))
                        .map(changed -> total + changed.size()));
            }
            return moved;
        });
    }

}
