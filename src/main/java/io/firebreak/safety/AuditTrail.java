package io.firebreak.safety;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsJson;
import io.firebreak.platform.Actor;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogFields;

/**
 * The append-only, hash-chained audit trail in the ops database (V2__safety.sql, V7__integrity.sql):
 * every apply, undo and external call, with who, what, why and what it changed. The chain is linked
 * by a trigger, so no writer can forget it; an apply's "started" record commits, with the claim on
 * its plan, before anything changes; and {@link #verify()} reports the first broken link.
 */
@ApplicationScoped
public class AuditTrail {

    static final String INSERT = """
            INSERT INTO audit_records (at, token_id, role, function, action, reason, input, plan, rows_affected,
                                       external_ids, outcome, undo_of, result)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            RETURNING id""";

    static final String FIND = """
            SELECT id, at, token_id, role, function, action, reason, input::text AS input, plan::text AS plan,
                   rows_affected, outcome, undo_of, result::text AS result
            FROM audit_records WHERE id = $1""";

    static final String UNDONE = """
            SELECT id FROM audit_records WHERE undo_of = $1 AND action = 'undo' AND outcome = 'applied' LIMIT 1""";

    /** Claims taken with an apply-started record; a claim already held names the record holding it. */
    static final String CLAIM = """
            INSERT INTO action_claims (claim, audit_id, claimed_at) SELECT c, $2, $3 FROM unnest($1::text[]) AS c
            ON CONFLICT (claim) DO NOTHING RETURNING claim""";

    /** The first of these claims that a record holds, and that record. */
    static final String HOLDER = """
            SELECT claim, audit_id FROM action_claims WHERE claim = ANY($1::text[]) ORDER BY array_position($1::text[], claim)
            LIMIT 1""";

    static final String RELEASE = "DELETE FROM action_claims WHERE audit_id = $1 AND claim = ANY($2::text[])";

    /**
     * The chain walked in the database: the count, the head, and the first record whose content no
     * longer matches its hash, whose link to its predecessor is broken, or before which records are missing.
     */
    static final String CHAIN = """
            WITH chain AS (
                SELECT chain_seq, id, hash, prev_hash, audit_digest_of(r) AS recomputed,
                       coalesce(lag(hash) OVER (ORDER BY chain_seq), 'genesis') AS expected_prev,
                       row_number() OVER (ORDER BY chain_seq) AS position
                FROM audit_records r),
            broken AS (
                SELECT id, chain_seq,
                       CASE WHEN hash <> recomputed THEN 'edited'
                            WHEN prev_hash <> expected_prev THEN 'unlinked'
                            ELSE 'missing' END AS problem
                FROM chain
                WHERE hash <> recomputed OR prev_hash <> expected_prev OR chain_seq <> position
                ORDER BY chain_seq LIMIT 1)
            SELECT (SELECT count(*) FROM chain) AS records,
                   (SELECT hash FROM chain ORDER BY chain_seq DESC LIMIT 1) AS head,
                   (SELECT id FROM broken) AS broken_id,
                   (SELECT chain_seq FROM broken) AS broken_seq,
                   (SELECT problem FROM broken) AS problem""";

    /** Whether the role firebreak runs as could rewrite the trail it writes. */
    static final String PROTECTION = """
            SELECT current_user AS runtime_role, r.rolsuper AS superuser,
                   pg_has_role(current_user, c.relowner, 'USAGE') AS owner,
                   has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE')
                       OR has_table_privilege(c.oid, 'TRUNCATE') AS can_write
            FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = 'audit_records'::regclass""";

    /** What to write: the action, its actor and reason, its input and plan, and what came of it. */
    public record Entry(Actor actor, String function, String action, String reason, Object input, Object plan,
            int rowsAffected, List<String> externalIds, String outcome, Long undoOf, JsonNode result) {

        public Entry(Actor actor, String function, String action, String reason, Object input, Object plan,
                int rowsAffected, List<String> externalIds, String outcome, Long undoOf) {
            this(actor, function, action, reason, input, plan, rowsAffected, externalIds, outcome, undoOf, null);
        }
    }

    /** A stored record, as undo and tests read it. */
    public record Record(long id, Instant at, String tokenId, String role, String function, String action,
            String reason, JsonNode input, JsonNode plan, int rowsAffected, String outcome, Long undoOf, JsonNode result) {
    }

    /** The result of walking the chain, and whether the runtime role could rewrite it. */
    @RegisterForReflection
    public record Verification(boolean intact, long records, String headHash, Long firstBrokenId,
            Long firstBrokenSeq, String problem, Protection protection) {
    }

    /** What the role firebreak connects as may do to the trail. */
    @RegisterForReflection
    public record Protection(String runtimeRole, boolean superuser, boolean owner, boolean canRewrite, String warning) {
    }

    @Inject
    io.firebreak.db.OpsDb ops;

    @Inject
    OpsJson json;

    @Inject
    Clock clock;

    @ConfigProperty(name = "firebreak.audit.verify-timeout", defaultValue = "30s")
    Duration verifyTimeout;

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AuditTrail.class);

    /** At start: a runtime role that could rewrite the trail is worth a warning in the log (verify-audit says it too). */
    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        protection().subscribe().with(p -> {
            if (p.canRewrite()) {
                LOG.warn(p.warning());
            }
        }, unreachable -> {
            // the ops database is not up yet: verify-audit reports it when asked
        });
    }

    public Uni<Long> record(Entry e) {
        return ops.withConnection(conn -> record(conn, e));
    }

    /** Records inside the caller's transaction: the change and its audit record commit together or not at all. */
    public Uni<Long> record(SqlClient client, Entry e) {
        return client.preparedQuery(INSERT).execute(Tuple.tuple(Arrays.asList(OffsetDateTime.now(clock),
                e.actor().tokenId(), e.actor().role(), e.function(), e.action(), e.reason(), json.jsonb(e.input()),
                json.jsonb(e.plan()), e.rowsAffected(),
                json.jsonb(e.externalIds() == null ? List.of() : e.externalIds()), e.outcome(), e.undoOf(),
                e.result() == null ? null : json.jsonb(e.result()))))
                .map(rows -> rows.iterator().next().getLong("id"))
                // The call's later log lines name the record that says what it did.
                .invoke(LogFields::audit);
    }

    /**
     * The "started" record of a change and its claims (a plan, an undone record), in one
     * transaction: it commits before the change begins, or the change does not begin. A claim held
     * by another record refuses the change (409), naming that record.
     */
    public Uni<Long> start(Entry started, List<String> claims) {
        return ops.withTransaction(tx -> record(tx, started).flatMap(id -> claims.isEmpty() ? Uni.createFrom().item(id)
                : tx.preparedQuery(CLAIM).execute(Tuple.of(claims.toArray(new String[0]), id, OffsetDateTime.now(clock)))
                        .flatMap(taken -> {
                            if (taken.size() == claims.size()) {
                                return Uni.createFrom().item(id);
                            }
                            java.util.Set<String> got = new java.util.HashSet<>();
                            taken.forEach(r -> got.add(r.getString("claim")));
                            List<String> lost = claims.stream().filter(c -> !got.contains(c)).toList();
                            // The holder may have given its claim back since: then it is "another apply".
                            return refuseHeld(tx, lost).map(v -> {
                                throw claimed(lost.get(0), null);
                            });
                        })));
    }

    /** The outcome record of a change, releasing the claims it should no longer hold, in one transaction. */
    public Uni<Long> finish(Entry outcome, long startedId, List<String> release) {
        return ops.withTransaction(tx -> record(tx, outcome).call(id -> release.isEmpty() ? Uni.createFrom().voidItem()
                : tx.preparedQuery(RELEASE).execute(Tuple.of(startedId, release.toArray(new String[0]))).replaceWithVoid()));
    }

    /** Refuses, before any work, a change whose claim another record already holds. */
    public Uni<Void> unclaimed(List<String> claims) {
        return ops.withConnection(conn -> refuseHeld(conn, claims));
    }

    /** Fails with the refusal naming the holder when a record holds any of the claims. */
    private static Uni<Void> refuseHeld(SqlClient client, List<String> claims) {
        return client.preparedQuery(HOLDER).execute(Tuple.of(claims.toArray(new String[0]))).map(rows -> {
            if (rows.iterator().hasNext()) {
                Row held = rows.iterator().next();
                throw claimed(held.getString("claim"), held.getLong("audit_id"));
            }
            return null;
        });
    }

    static FunctionError claimed(String claim, Long holder) {
        String by = holder == null ? "another apply" : "audit record " + holder;
        java.util.Map<String, Object> details = holder == null ? java.util.Map.of() : java.util.Map.of("auditId", holder);
        if (claim.startsWith("undo:")) {
            return new FunctionError(409, "already_undone", "audit record " + claim.substring(5) + " is undone, or being "
                    + "undone, by " + by, "auditId", details, true);
        }
        if (!claim.startsWith("plan:")) {
            // A claim on what a change acts on (railway:<serviceId>:<newest deployment>): another change of it is under way.
            // Not replayed: once that change ends, the same call is judged afresh (its plan is then stale, or it runs).
            return new FunctionError(409, "change_in_progress", "another change of " + claim + " is under way (" + by
                    + "): nothing was changed; run the dry run again once it has ended", null, details, false);
        }
        return new FunctionError(409, "plan_already_applied", "plan " + claim.substring(claim.indexOf(':') + 1)
                + " was already applied by " + by + ": a plan applies once; run the dry run again", "planId", details, true);
    }

    public Uni<Optional<Record>> find(long id) {
        return ops.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row r = it.next();
            return Optional.of(new Record(r.getLong("id"), r.getOffsetDateTime("at").toInstant(),
                    r.getString("token_id"), r.getString("role"), r.getString("function"), r.getString("action"),
                    r.getString("reason"), json.tree(r.getString("input")), json.tree(r.getString("plan")),
                    r.getInteger("rows_affected"), r.getString("outcome"), r.getLong("undo_of"),
                    r.getString("result") == null ? null : json.tree(r.getString("result"))));
        });
    }

    /** Refuses (409 already_undone) to plan the undo of a record an applied undo already restored. */
    public Uni<Void> notUndone(long id) {
        return undoneBy(id).map(undone -> {
            if (undone.isPresent()) {
                throw new FunctionError(409, "already_undone", "audit record " + id + " was undone by audit record "
                        + undone.get(), "auditId", java.util.Map.of("auditId", undone.get()), true);
            }
            return null;
        });
    }

    /** The audit id of the applied undo of a record, if it was undone. */
    public Uni<Optional<Long>> undoneBy(long id) {
        return ops.preparedQuery(UNDONE).execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of(it.next().getLong("id")) : Optional.<Long>empty();
        });
    }

    public Uni<Verification> verify() {
        String sql = "SET LOCAL statement_timeout = " + verifyTimeout.toMillis() + "; " + CHAIN;
        Duration deadline = verifyTimeout.plusSeconds(2);
        return ops.withTransaction(deadline, tx -> tx.query(sql).execute()).flatMap(set -> {
            var rows = set;
            while (rows.next() != null) {
                rows = rows.next();
            }
            Row r = rows.iterator().next();
            long records = r.getLong("records");
            Long brokenId = r.getLong("broken_id");
            String problem = r.getString("problem");
            return protection().map(p -> brokenId == null
                    ? new Verification(true, records, records == 0 ? "genesis" : r.getString("head"), null, null, null, p)
                    : new Verification(false, records, null, brokenId, r.getLong("broken_seq"), switch (problem) {
                        case "edited" -> "the record's content no longer matches its hash (edited)";
                        case "unlinked" -> "the link to the previous record is broken (a record was removed or reordered)";
                        default -> "records are missing before this one";
                    }, p));
        });
    }

    /** Whether the runtime role could rewrite the trail: a superuser or the owner can, whatever the triggers say. */
    public Uni<Protection> protection() {
        return ops.query(PROTECTION).execute().map(rows -> {
            Row r = rows.iterator().next();
            boolean superuser = Boolean.TRUE.equals(r.getBoolean("superuser"));
            boolean owner = Boolean.TRUE.equals(r.getBoolean("owner"));
            boolean canWrite = Boolean.TRUE.equals(r.getBoolean("can_write"));
            boolean canRewrite = superuser || owner || canWrite;
            return new Protection(r.getString("runtime_role"), superuser, owner, canRewrite, canRewrite
                    ? "firebreak runs as " + r.getString("runtime_role") + ", which "
                            + (superuser ? "is a superuser" : owner ? "owns audit_records" : "may update or delete it")
                            + " and so could rewrite this trail: migrate with OPS_MIGRATION_DATABASE_URL (the owner) and run "
                            + "with a role that only has the migrations' grants (docs/databases.md, Two roles)"
                    : null);
        });
    }
}
