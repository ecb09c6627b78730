package io.firebreak.functions.verifypayment;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A sweep's work queue in the ops database (V3__sweeps.sql): items are queued, claimed in batches
 * with FOR UPDATE SKIP LOCKED and a lease, and finished only by their lease holder.
 */
@ApplicationScoped
public class SweepQueue {

    /** New items queue; finished ones queue again (still stuck at the next sweep); leased ones are left alone. */
    static final String ENQUEUE = """
            INSERT INTO sweep_items (sweep, item, provider, state, queued_at)
            SELECT $1, item, provider, 'queued', $4 FROM unnest($2::text[], $3::text[]) AS t (item, provider)
            ON CONFLICT (sweep, item) DO UPDATE
               SET state = 'queued', leased_by = NULL, lease_until = NULL, finding = NULL, changed = NULL
             WHERE sweep_items.state = 'done'""";

    static final String CLAIM = """
            UPDATE sweep_items s
               SET leased_by = $2, lease_until = $3, attempts = s.attempts + 1
              FROM (SELECT sweep, item FROM sweep_items
                     WHERE sweep = $1 AND state = 'queued' AND (lease_until IS NULL OR lease_until < $4)
                     ORDER BY queued_at, item
                     LIMIT $5
                     FOR UPDATE SKIP LOCKED) c
             WHERE s.sweep = c.sweep AND s.item = c.item
            RETURNING s.item, s.provider""";

    static final String FINISH = """
            UPDATE sweep_items SET state = 'done', finding = $4, changed = $5, provider_id = $6, done_at = $7,
                                   leased_by = NULL, lease_until = NULL
             WHERE sweep = $1 AND item = $2 AND leased_by = $3 AND state = 'queued'""";

    /** One claimed item. */
    public record Item(String item, String provider) {
    }

    @Inject
    io.firebreak.db.OpsDb ops;

    @Inject
    Clock clock;

    public Uni<Integer> enqueue(String sweep, List<String> items, List<String> providers) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return ops.preparedQuery(ENQUEUE).execute(Tuple.of(sweep, items.toArray(new String[0]),
                providers.toArray(new String[0]), OffsetDateTime.now(clock))).map(rows -> rows.rowCount());
    }

    public Uni<List<Item>> claim(String sweep, String worker, int batch, Duration lease) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return ops.preparedQuery(CLAIM).execute(Tuple.tuple(Arrays.asList(sweep, worker, now.plus(lease), now, batch)))
                .map(rows -> {
                    List<Item> items = new ArrayList<>();
                    for (Row r : rows) {
                        items.add(new Item(r.getString("item"), r.getString("provider")));
                    }
                    return items;
                });
    }

    /** Finishes an item if this worker still holds it; false when its lease was lost to another worker. */
    public Uni<Boolean> finish(String sweep, String item, String worker, String finding, boolean changed,
            String providerId) {
        return ops.preparedQuery(FINISH).execute(Tuple.tuple(Arrays.asList(sweep, item, worker, finding, changed,
                providerId, OffsetDateTime.now(clock)))).map(rows -> rows.rowCount() == 1);
    }
}
