package io.firebreak.functions.paymentwebhook;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;

/** The ops record of every signed provider event (V8): its type, reference and what came of it. */
@ApplicationScoped
public class ProviderEvents {

    static final String INSERT = """
            INSERT INTO provider_events (received_at, provider, event, reference, action, finding, audit_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""";

    @Inject
    OpsDb ops;

    @Inject
    Clock clock;

    public Uni<Void> record(String provider, String event, String reference, String action, String finding, Long auditId) {
        return ops.preparedQuery(INSERT).execute(Tuple.tuple(Arrays.asList(OffsetDateTime.now(clock), provider,
                event, reference, action, finding, auditId))).replaceWithVoid();
    }
}
