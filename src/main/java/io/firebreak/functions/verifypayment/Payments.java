package io.firebreak.functions.verifypayment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.TargetCatalog;
import io.firebreak.db.TargetDb;
import io.firebreak.safety.TargetWrites;

/** payment_transactions of the target database: the seed's stuck-payment query, and guarded settlement. */
@ApplicationScoped
public class Payments {

    /** Seed 000 "Payment stuck in pending", with the columns verification needs. */
    static final String STUCK = """
            SELECT id::text AS id, transaction_reference, provider, amount, currency, status, created_at,
                   tenant_id::text AS tenant_id
            FROM public.payment_transactions
            WHERE status = 'pending'
              AND created_at < now() - interval '1 hour'
            ORDER BY created_at
            LIMIT %d""";

    static final String BY_REFERENCE = """
            SELECT id::text AS id, transaction_reference, provider, amount, currency, status, created_at,
                   tenant_id::text AS tenant_id
            FROM public.payment_transactions WHERE transaction_reference = $1""";

    /**
     * Only a row still pending moves: a second verification of the same row changes nothing. %s:
     * ", updated_at = now()" where the application has that column (it is not in the contract).
     */
    static final String SETTLE = """
            UPDATE public.payment_transactions SET status = $2%s
            WHERE transaction_reference = $1 AND status = 'pending'
            RETURNING transaction_reference""";

    static final String REOPEN = """
            UPDATE public.payment_transactions SET status = 'pending'%s
            WHERE transaction_reference = $1 AND status = $2
            RETURNING transaction_reference""";

    /** A payment as the application recorded it; amount in minor units. */
    public record Payment(String id, String reference, String provider, long amount, String currency, String status,
            Instant createdAt, String tenantId) {
    }

    @Inject
    TargetDb reads;

    @Inject
    TargetWrites target;

    @Inject
    TargetCatalog catalog;

    static final String TABLE = "public.payment_transactions";

    /** The contract's columns, checked before anything is read or planned. */
    public Uni<Void> contract() {
        return catalog.require(TABLE, "id", "transaction_reference", "provider", "amount", "currency", "status",
                "created_at", "tenant_id");
    }

    public Uni<List<Payment>> stuck(int limit) {
        return contract().flatMap(v -> reads.readOnly(STUCK.formatted(limit))).map(Payments::payments);
    }

    /** One payment by reference, read-only (the reference is the caller's: it travels as a parameter). */
    public Uni<Optional<Payment>> find(String reference) {
        return contract().flatMap(v -> reads.read(tx -> tx.preparedQuery(BY_REFERENCE).execute(Tuple.of(reference))))
                .map(rows -> payments(rows).stream().findFirst());
    }

    /** The kind of key an apply records: payment references. */
    public static final String KIND = "payment_transactions";

    /** Puts a payment back from {@code from} (what a verification set) to pending; 1 if it moved. */
    public Uni<Integer> reopen(io.firebreak.safety.Applying apply, String reference, String from) {
        return catalog.touchUpdatedAt(TABLE).flatMap(touch -> target.write(apply, KIND, List.of(reference),
                tx -> GuardedPool.keys(tx, REOPEN.formatted(touch), Tuple.of(reference, from))).map(List::size));
    }

    /** Moves a pending payment to its verified status; 1 if it moved, 0 if it was no longer pending. */
    public Uni<Integer> settle(io.firebreak.safety.Applying apply, String reference, String status) {
        return catalog.touchUpdatedAt(TABLE).flatMap(touch -> target.write(apply, KIND, List.of(reference),
                tx -> GuardedPool.keys(tx, SETTLE.formatted(touch), Tuple.of(reference, status))).map(List::size));
    }

    private static List<Payment> payments(RowSet<Row> rows) {
        List<Payment> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new Payment(r.getString("id"), r.getString("transaction_reference"), r.getString("provider"),
                    r.getLong("amount"), r.getString("currency"), r.getString("status"),
                    r.getOffsetDateTime("created_at").toInstant(), r.getString("tenant_id")));
        }
        return out;
    }
}
