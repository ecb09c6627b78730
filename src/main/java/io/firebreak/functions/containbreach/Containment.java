package io.firebreak.functions.containbreach;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.OpsJson;
import io.firebreak.db.TargetCatalog;
import io.firebreak.db.TargetDb;
import io.firebreak.safety.ActionConfig;
import io.firebreak.safety.TargetWrites;

/**
 * What containing a breach reads and changes in the databases: the last 24 h of audit_logs copied
 * into the ops database as evidence, Supabase auth sessions, and ERP integrations, for the whole
 * project or one tenant ({@code tenant} null = project); and each step's outcome per plan.
 */
@ApplicationScoped
public class Containment {

    static final String EVIDENCE_COUNT = """
            SELECT count(*) AS n FROM public.audit_logs
            WHERE created_at > now() - interval '24 hours' AND ($1::uuid IS NULL OR tenant_id = $1)""";

    static final String EVIDENCE_PAGE = """
            SELECT id, row_to_json(a)::text AS row FROM public.audit_logs a
            WHERE created_at > now() - interval '24 hours' AND ($1::uuid IS NULL OR tenant_id = $1) AND id > $2
            ORDER BY id LIMIT $3""";

    static final String KEEP_EVIDENCE = """
            INSERT INTO evidence_audit_logs (plan_id, scope, captured_at, source_id, row_data)
            SELECT $1, $2, $3, s, r::jsonb FROM unnest($4::bigint[], $5::text[]) AS t (s, r)
            ON CONFLICT (plan_id, source_id) DO NOTHING""";

    static final String SESSION_COUNT = """
            SELECT count(*) AS n FROM auth.sessions
            WHERE $1::uuid IS NULL OR user_id IN (SELECT id FROM public.profiles WHERE tenant_id = $1)""";

    /** Refresh tokens cascade from auth.sessions in Supabase; one batch per short transaction. */
    static final String SIGN_OUT_BATCH = """
            DELETE FROM auth.sessions WHERE id IN (
                SELECT id FROM auth.sessions
                WHERE $1::uuid IS NULL OR user_id IN (SELECT id FROM public.profiles WHERE tenant_id = $1)
                LIMIT $2)
            RETURNING id::text""";

    static final String ACTIVE_INTEGRATIONS = """
            SELECT id::text AS id FROM public.erp_integrations
            WHERE is_active AND ($1::uuid IS NULL OR tenant_id = $1) ORDER BY id""";

    static final String STEPS = "SELECT step, state, detail::text AS detail FROM action_steps WHERE plan_id = $1";

    static final String RECORD_STEP = """
            INSERT INTO action_steps (plan_id, step, state, detail, at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (plan_id, step) DO UPDATE SET state = $3, detail = $4, at = $5""";

    /** A step's recorded outcome. */
    public record Step(String step, String state, JsonNode detail) {
    }

    @Inject
    TargetWrites target;

    @Inject
    TargetDb reads;

    @Inject
    io.firebreak.db.OpsDb ops;

    @Inject
    OpsJson json;

    @Inject
    ActionConfig config;

    @Inject
    Clock clock;

    public Uni<Long> evidenceCount(UUID tenant) {
        return evidenceContract().flatMap(v -> reads.read(tx -> tx.preparedQuery(EVIDENCE_COUNT).execute(Tuple.of(tenant))))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    /** Copies the evidence page by page; running it again copies nothing twice. Returns rows kept. */
    public Uni<Long> preserveEvidence(UUID plan, String scope, UUID tenant) {
        return page(plan, scope, tenant, 0L, 0L);
    }

    private Uni<Long> page(UUID plan, String scope, UUID tenant, long after, long kept) {
        return reads.read(tx -> tx.preparedQuery(EVIDENCE_PAGE).execute(Tuple.of(tenant, after, config.batchSize())))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(kept);
                    }
                    List<Long> ids = new ArrayList<>();
                    List<String> data = new ArrayList<>();
                    for (Row r : rows) {
                        ids.add(r.getLong("id"));
                        data.add(r.getString("row"));
                    }
                    return ops.preparedQuery(KEEP_EVIDENCE).execute(Tuple.tuple(Arrays.asList(plan, scope,
                            OffsetDateTime.now(clock), ids.toArray(new Long[0]), data.toArray(new String[0]))))
                            .flatMap(x -> page(plan, scope, tenant, ids.get(ids.size() - 1), kept + ids.size()));
                });
    }

    @Inject
    TargetCatalog catalog;

    /** Whether the target has Supabase's auth.sessions (and profiles to scope it by): else there is nothing to sign out. */
    public Uni<Boolean> hasSessions() {
        return catalog.columns("auth.sessions").map(c -> c.contains("id") && c.contains("user_id"));
    }

    /** Evidence reads audit_logs by id, tenant and time (the contract's columns, checked first). */
    public Uni<Void> evidenceContract() {
        return catalog.require("public.audit_logs", "id", "tenant_id", "created_at");
    }

    public Uni<Long> sessionCount(UUID tenant) {
        return reads.read(tx -> tx.preparedQuery(SESSION_COUNT).execute(Tuple.of(tenant)))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    /** Deletes the scope's sessions in batches until none is left, inside an audited apply; returns how many went. */
    public Uni<Long> signOut(io.firebreak.safety.Applying apply, UUID tenant) {
        return signOut(apply, tenant, 0L);
    }

    private Uni<Long> signOut(io.firebreak.safety.Applying apply, UUID tenant, long total) {
        // A lost batch's sessions are unknown until read again; the next batch (or the retry) ends them anyway.
        return target.write(apply, "auth.sessions", List.of(), tx -> GuardedPool.keys(tx, SIGN_OUT_BATCH,
                Tuple.of(tenant, config.batchSize()))).map(List::size)
                .flatMap(n -> n == 0 ? Uni.createFrom().item(total) : signOut(apply, tenant, total + n));
    }

    /** A bounded sign-out: how many sessions went, and whether it stopped at the bound with some possibly left. */
    public record Bounded(long signedOut, boolean cut) {
    }

    /**
     * As {@link #signOut(io.firebreak.safety.Applying, UUID)}, but at most {@code maxBatches} batches
     * and no new batch once {@code within} has passed: a caller with a deadline of its own (a wait
     * before it, a Lambda timeout) stops and says what is left instead of being cut off mid-way.
     */
    public Uni<Bounded> signOut(io.firebreak.safety.Applying apply, UUID tenant, int maxBatches, java.time.Duration within) {
        return signOut(apply, tenant, 0L, maxBatches, System.nanoTime() + within.toNanos());
    }

    private Uni<Bounded> signOut(io.firebreak.safety.Applying apply, UUID tenant, long total, int batchesLeft, long deadline) {
        if (batchesLeft <= 0 || System.nanoTime() > deadline) {
            return Uni.createFrom().item(new Bounded(total, true));
        }
        return target.write(apply, "auth.sessions", List.of(), tx -> GuardedPool.keys(tx, SIGN_OUT_BATCH,
                Tuple.of(tenant, config.batchSize()))).map(List::size)
                .flatMap(n -> n == 0 ? Uni.createFrom().item(new Bounded(total, false))
                        : signOut(apply, tenant, total + n, batchesLeft - 1, deadline));
    }

    public Uni<List<String>> activeIntegrations(UUID tenant) {
        return reads.read(tx -> tx.preparedQuery(ACTIVE_INTEGRATIONS).execute(Tuple.of(tenant))).map(rows -> {
            List<String> ids = new ArrayList<>();
            rows.forEach(r -> ids.add(r.getString("id")));
            return ids;
        });
    }

    public Uni<List<Step>> steps(UUID plan) {
        return ops.preparedQuery(STEPS).execute(Tuple.of(plan)).map(rows -> {
            List<Step> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Step(r.getString("step"), r.getString("state"), json.tree(r.getString("detail")))));
            return out;
        });
    }

    public Uni<Void> recordStep(UUID plan, String step, String state, Object detail) {
        return ops.preparedQuery(RECORD_STEP).execute(Tuple.tuple(Arrays.asList(plan, step, state, json.jsonb(detail),
                OffsetDateTime.now(clock)))).replaceWithVoid();
    }
}
