package io.firebreak.safety;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsJson;
import io.firebreak.platform.Actor;

/** Dry-run plans in the ops database: what an apply may change, pinned by a digest, for a limited time. */
@ApplicationScoped
public class Plans {

    static final String INSERT = """
            INSERT INTO plans (id, function, scope, digest, content, token_id, created_at, expires_at, rows_affected, person)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""";

    static final String FIND = """
            SELECT id, function, scope, digest, content::text AS content, expires_at, coalesce(rows_affected, 0) AS rows,
                   token_id, person
            FROM plans WHERE id = $1""";

    /** A stored plan. */
    public record Plan(UUID id, String function, String scope, String digest, JsonNode content, Instant expiresAt, int rows,
            String tokenId, String person) {
    }

    @Inject
    io.firebreak.db.OpsDb ops;

    @Inject
    ObjectMapper mapper;

    @Inject
    OpsJson json;

    @Inject
    Clock clock;

    public Uni<Plan> save(String function, String scope, String digest, Object content, int rows, Actor actor, Duration ttl) {
        return save(UUID.randomUUID(), function, scope, digest, content, rows, actor, ttl);
    }

    /** Stores a plan under an id chosen before (its change set was stored under it: ChangeSets). */
    public Uni<Plan> save(UUID id, String function, String scope, String digest, Object content, int rows, Actor actor,
            Duration ttl) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        JsonNode tree = mapper.valueToTree(content);
        return ops.preparedQuery(INSERT).execute(Tuple.tuple(Arrays.asList(id, function, scope, digest,
                json.jsonb(tree), actor.tokenId(), now, now.plus(ttl), rows, actor.name())))
                .map(ignored -> new Plan(id, function, scope, digest, tree, now.plus(ttl).toInstant(), rows, actor.tokenId(),
                        actor.name()));
    }

    public Uni<Optional<Plan>> find(UUID id) {
        return ops.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row r = it.next();
            return Optional.of(new Plan(r.getUUID("id"), r.getString("function"), r.getString("scope"),
                    r.getString("digest"), json.tree(r.getString("content")), r.getOffsetDateTime("expires_at").toInstant(),
                    r.getInteger("rows"), r.getString("token_id"), r.getString("person")));
        });
    }
}
