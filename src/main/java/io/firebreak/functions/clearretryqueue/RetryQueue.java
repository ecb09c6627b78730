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

    /**
     * The integration's retrying rows, at most the bound plus one (so the caller can tell "at the
     * bound" from "over it"), in chunks of the batch size in id order, each as PostgreSQL's array text: a
     * million ids come back as a thousand rows, streamed by a cursor into the plan's stored set.
     */
    static final String RETRYING_CHUNKS = """
            SELECT array_agg(id ORDER BY id)::text AS keys, count(*)::int AS n
            FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / %d AS chunk
                  FROM public.erp_sync_logs
                  WHERE integration_id = '%s' AND sync_status = 'retrying'
                  ORDER BY id LIMIT %d) planned
            GROUP BY chunk ORDER BY chunk""";

    /** Which of one stored chunk's rows are in a status now, less those the apply did not change. */
    static final String CHUNK_IN_STATUS = """
            SELECT coalesce(array_agg(id ORDER BY id)::text, '{}') AS keys, count(*)::int AS n
            FROM public.erp_sync_logs
            WHERE id = ANY($1::text::bigint[]) AND sync_status = $2 AND NOT (id = ANY($3::text::bigint[]))""";

    /** The seed's UPDATE over one stored chunk, limited to its rows still in the state the plan saw. */
    static final String MOVE_CHUNK = """
            UPDATE public.erp_sync_logs SET sync_status = $3%s
            WHERE id = ANY($1::text::bigint[]) AND sync_status = $2
            RETURNING id::text""";

    /** Chunks the cursor fetches per round trip (each up to a batch of ids). */
    static final int CHUNKS_PER_FETCH = 50;

    /** %s: ", updated_at = now()" where the application has that column (it is not in the contract). */
    static final String SET_ACTIVE = """
            UPDATE public.erp_integrations SET is_active = $2%s
            WHERE id = $1 AND is_active = $3
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

    /**
     * Streams the ids of the integration's retrying rows, at most {@code limit}, into {@code into}
     * in chunks of the batch size; answers how many were read.
     */
    public Uni<Long> retrying(UUID integrationId, int limit, io.firebreak.safety.ChangeSets.Writer into) {
        String sql = RETRYING_CHUNKS.formatted(config.batchSize(), integrationId, limit);
        return reads.read(tx -> tx.prepare(sql).flatMap(ps -> drain(ps.cursor(), into))).map(v -> into.count());
    }

    private static Uni<Void> drain(io.vertx.mutiny.sqlclient.Cursor cursor, io.firebreak.safety.ChangeSets.Writer into) {
        return cursor.read(CHUNKS_PER_FETCH).flatMap(rows -> {
            Uni<Void> added = Uni.createFrom().voidItem();
            for (Row r : rows) {
                String keys = r.getString("keys");
                int n = r.getInteger("n");
                added = added.flatMap(v -> into.add(keys, n));
            }
            return added.flatMap(v -> cursor.hasMore() ? drain(cursor, into) : cursor.close());
        });
    }

    /** Of one stored chunk (array text), the rows in {@code status} now, less {@code except}: array text and count. */
    public Uni<Row> chunkInStatus(String chunk, String status, String except) {
        return reads.read(tx -> tx.preparedQuery(CHUNK_IN_STATUS).execute(Tuple.of(chunk, status, except)))
                .map(rows -> rows.iterator().next());
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
     * Moves the rows of a plan's stored set from one status to another, one stored chunk per short
     * transaction, read from the ops database as it goes (never the whole set at once); rows no
     * longer in {@code from} are left alone and counted. A failing chunk fails the call after the
     * chunks before it committed ("committed through seq n" in the audit record), and no later one starts.
     */
    public Uni<Moved> move(io.firebreak.safety.Applying apply, io.firebreak.safety.ChangeSets sets, UUID planId, int chunks,
            String from, String to) {
        return catalog.touchUpdatedAt("public.erp_sync_logs").flatMap(touch -> moveFrom(apply, sets, planId, chunks, 0,
                MOVE_CHUNK.formatted(touch), from, to, new Moved(0, 0)));
    }

    /** What a stored-set move did: rows moved, and planned rows no longer in the planned state. */
    public record Moved(long moved, long skipped) {
    }

    private Uni<Moved> moveFrom(io.firebreak.safety.Applying apply, io.firebreak.safety.ChangeSets sets, UUID planId,
            int chunks, int seq, String sql, String from, String to, Moved sofar) {
        if (seq >= chunks) {
            return Uni.createFrom().item(sofar);
        }
        return sets.chunk(planId, SYNC_LOGS, seq).flatMap(found -> {
            String chunk = found.orElseThrow(() -> new IllegalStateException("plan " + planId + " lacks chunk " + seq));
            List<String> attempted = List.of(io.firebreak.safety.ChangeSets.parse(chunk));
            return writes.writeChunk(apply, SYNC_LOGS, planId, seq, attempted,
                    tx -> GuardedPool.keys(tx, sql, Tuple.of(chunk, from, to)))
                    .flatMap(changed -> moveFrom(apply, sets, planId, chunks, seq + 1, sql, from, to,
                            new Moved(sofar.moved() + changed.size(), sofar.skipped() + attempted.size() - changed.size())));
        });
    }
}
