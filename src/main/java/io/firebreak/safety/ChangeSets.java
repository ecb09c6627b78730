package io.firebreak.safety;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;
import io.firebreak.platform.FunctionError;

/**
 * Change sets too large for a plan's answer (a million row ids), kept beside the stored plan in
 * chunks (V17__plan_items.sql): written as the dry run reads them, digested incrementally, paged by
 * {@code planId} + {@code cursor}, and read back one chunk per apply transaction, so neither the
 * answer, the audit record nor the heap ever holds the whole set.
 */
@ApplicationScoped
public class ChangeSets {

    static final String INSERT = """
            INSERT INTO plan_items (plan_id, kind, seq, first_key, key_count, keys) VALUES ($1, $2, $3, $4, $5, $6::text::text[])""";

    /** The chunks holding keys [offset, offset + size) of a set. */
    static final String RANGE = """
            SELECT seq, first_key, keys FROM plan_items
            WHERE plan_id = $1 AND kind = $2 AND first_key < $3::bigint + $4::bigint AND first_key + key_count > $3::bigint
            ORDER BY seq""";

    static final String CHUNK = """
            SELECT keys::text AS keys, key_count FROM plan_items WHERE plan_id = $1 AND kind = $2 AND seq = $3""";

    static final String DELETE = "DELETE FROM plan_items WHERE plan_id = $1";

    /** Chunks per multi-row insert: a few hundred KiB per round trip. */
    static final int FLUSH_EVERY = 64;

    /** Keys a dry run's answer shows as its sample. */
    public static final int SAMPLE = 10;

    @Inject
    OpsDb ops;

    @Inject
    ObjectMapper mapper;

    @Inject
    ActionConfig config;

    /** A stored set as its plan records it: which set, how many keys in how many chunks, and their digest. */
    public record Stored(UUID planId, String kind, long count, int chunks, String digest, boolean numeric,
            List<String> firstPage) {

        /** The descriptor kept in the plan (and so in the apply's audit record): no keys but a sample. */
        public ObjectNode descriptor(ObjectMapper mapper) {
            ObjectNode set = mapper.createObjectNode();
            set.put("kind", kind);
            set.put("count", count);
            set.put("chunks", chunks);
            set.put("digest", digest);
            set.put("numeric", numeric);
            return set;
        }

        public List<String> sample() {
            return firstPage.subList(0, Math.min(SAMPLE, firstPage.size()));
        }

        /** The cursor of the page after the first, or null when the first page holds the whole set. */
        public String nextCursor() {
            return firstPage.size() < count ? cursor(kind, firstPage.size()) : null;
        }
    }

    /** A set being written under a plan id not yet stored: chunks arrive in key order. */
    public final class Writer {
        private final UUID planId;
        private final String kind;
        private final boolean numeric;
        private final MessageDigest digest = sha256();
        private final List<Tuple> pending = new ArrayList<>();
        private final List<String> firstPage = new ArrayList<>();
        private long count;
        private int seq;

        Writer(UUID planId, String kind, boolean numeric) {
            this.planId = planId;
            this.kind = kind;
            this.numeric = numeric;
        }

        /** Keys written so far. */
        public long count() {
            return count;
        }

        /**
         * One chunk as PostgreSQL's array text ({@code {1,2,3}}, unquoted keys: ids), with its
         * key count; an empty chunk is skipped. Flushes to the ops database every few chunks.
         */
        public Uni<Void> add(String arrayText, int keys) {
            return append(arrayText, keys, null);
        }

        /** One chunk as keys (any text). */
        public Uni<Void> add(List<String> keys) {
            return append(arrayText(keys), keys.size(), keys);
        }

        private Uni<Void> append(String arrayText, int keys, List<String> given) {
            if (keys == 0) {
                return Uni.createFrom().voidItem();
            }
            List<String> parsed = given != null ? given
                    : firstPage.size() < config.planPageSize() ? List.of(parse(arrayText)) : null;
            if (given == null) {
                // The digest covers the keys, not how they were chunked: each key and a comma.
                digest.update(arrayText.substring(1, arrayText.length() - 1).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) ',');
            } else {
                given.forEach(k -> digest.update((k + ",").getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; parsed != null && i < parsed.size() && firstPage.size() < config.planPageSize(); i++) {
                firstPage.add(parsed.get(i));
            }
            pending.add(Tuple.of(planId, kind, seq++, count, keys, arrayText));
            count += keys;
            return pending.size() >= FLUSH_EVERY ? flush() : Uni.createFrom().voidItem();
        }

        private Uni<Void> flush() {
            if (pending.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<Tuple> batch = List.copyOf(pending);
            pending.clear();
            return ops.withConnection(conn -> conn.preparedQuery(INSERT).executeBatch(batch)).replaceWithVoid();
        }

        /** Writes what is left and answers the set as stored. */
        public Uni<Stored> finish() {
            return flush().map(v -> new Stored(planId, kind, count, seq, HexFormat.of().formatHex(digest.digest()), numeric,
                    List.copyOf(firstPage)));
        }
    }

    /** A new set of {@code kind} for the plan {@code planId} is about to be stored under. */
    public Writer writer(UUID planId, String kind, boolean numeric) {
        return new Writer(planId, kind, numeric);
    }

    /** Removes a plan's sets (a dry run that failed after writing some). */
    public Uni<Void> delete(UUID planId) {
        return ops.preparedQuery(DELETE).execute(Tuple.of(planId)).replaceWithVoid();
    }

    /** One chunk of a stored set, as PostgreSQL's array text, or empty past its last. */
    public Uni<Optional<String>> chunk(UUID planId, String kind, int seq) {
        return ops.preparedQuery(CHUNK).execute(Tuple.of(planId, kind, seq)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of(it.next().getString("keys")) : Optional.empty();
        });
    }

    /** The descriptor of a plan's set of {@code kind} (wherever the plan's content keeps it), if it has one. */
    public static Optional<JsonNode> descriptor(JsonNode content, String kind) {
        for (JsonNode set : content.findValues("set")) {
            if (set.path("kind").asText().equals(kind) && set.has("chunks")) {
                return Optional.of(set);
            }
        }
        return Optional.empty();
    }

    /** Cursors of a list kept whole in the plan's content (not a stored set) name it by JSON pointer. */
    static final String IN_CONTENT = "json:";

    /**
     * A plan's changes as its dry run answers them: any list longer than a page (requeue's or
     * run-fix's rows, up to FIREBREAK_MAX_ROWS) answers its first page, with {@code <name>Count}
     * and {@code <name>NextCursor} beside it; the plan keeps the whole list, paged by that cursor.
     */
    public JsonNode answered(JsonNode changes) {
        if (!longList(changes)) {
            return changes;
        }
        JsonNode copy = changes.deepCopy();
        bound(copy, "");
        return copy;
    }

    private boolean longList(JsonNode node) {
        if (node.isArray() && node.size() > config.planPageSize()) {
            return true;
        }
        for (JsonNode child : node) {
            if (longList(child)) {
                return true;
            }
        }
        return false;
    }

    private void bound(JsonNode node, String pointer) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode child = object.get(name);
            String at = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
            if (child.isArray() && child.size() > config.planPageSize()) {
                ArrayNode first = mapper.createArrayNode();
                for (int i = 0; i < config.planPageSize(); i++) {
                    first.add(child.get(i));
                }
                object.put(name + "Count", child.size());
                object.put(name + "NextCursor", cursor(IN_CONTENT + at, config.planPageSize()));
                object.set(name, first);
            } else {
                bound(child, at);
            }
        }
    }

    /** A page of a list the plan's content keeps whole. */
    private JsonNode contentPage(Plans.Plan plan, String kind, long offset) {
        JsonNode list = plan.content().at(kind.substring(IN_CONTENT.length()));
        if (!list.isArray() || offset > list.size()) {
            throw FunctionError.badInput("invalid_value", "cursor", "cursor is not one plan " + plan.id() + "'s dry run or a page answered");
        }
        ObjectNode answer = mapper.createObjectNode();
        answer.put("dryRun", true);
        answer.put("planId", plan.id().toString());
        answer.put("expiresAt", plan.expiresAt().toString());
        answer.put("list", kind.substring(IN_CONTENT.length()));
        answer.put("count", list.size());
        answer.put("offset", offset);
        ArrayNode items = answer.putArray("items");
        for (long i = offset; i < list.size() && items.size() < config.planPageSize(); i++) {
            items.add(list.get((int) i));
        }
        long next = offset + items.size();
        answer.put("nextCursor", next < list.size() ? cursor(kind, next) : null);
        return answer;
    }

    /** A page of a stored plan's set, read-only: the keys from the cursor's offset, and the next cursor. */
    public Uni<JsonNode> page(Plans.Plan plan, String cursor) {
        String[] at = decode(cursor);
        String kind = at[0];
        long offset = Long.parseLong(at[1]);
        if (kind.startsWith(IN_CONTENT)) {
            return Uni.createFrom().item(() -> contentPage(plan, kind, offset));
        }
        JsonNode set = descriptor(plan.content(), kind).orElseThrow(() -> FunctionError.badInput("invalid_value", "cursor",
                "plan " + plan.id() + " keeps no set " + kind + ": use a cursor its dry run or a page answered"));
        long count = set.path("count").asLong();
        if (offset > count) {
            throw FunctionError.badInput("invalid_value", "cursor", "the cursor is past the end of plan " + plan.id() + "'s set");
        }
        boolean numeric = set.path("numeric").asBoolean();
        return ops.preparedQuery(RANGE).execute(Tuple.of(plan.id(), kind, offset, (long) config.planPageSize())).map(rows -> {
            ObjectNode answer = mapper.createObjectNode();
            answer.put("dryRun", true);
            answer.put("planId", plan.id().toString());
            answer.put("expiresAt", plan.expiresAt().toString());
            answer.put("kind", kind);
            answer.put("count", count);
            answer.put("offset", offset);
            ArrayNode keys = answer.putArray("ids");
            for (Row r : rows) {
                long first = r.getLong("first_key");
                String[] chunk = r.getArrayOfStrings("keys");
                for (int i = (int) Math.max(0, offset - first); i < chunk.length && keys.size() < config.planPageSize(); i++) {
                    if (numeric) {
                        keys.add(Long.parseLong(chunk[i]));
                    } else {
                        keys.add(chunk[i]);
                    }
                }
            }
            long next = offset + keys.size();
            answer.put("nextCursor", next < count ? cursor(kind, next) : null);
            return answer;
        });
    }

    /** The opaque cursor of a set's key offset. */
    public static String cursor(String kind, long offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    static String[] decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = text.lastIndexOf(':');
            if (colon > 0 && text.substring(colon + 1).matches("[0-9]{1,12}")) {
                return new String[] { text.substring(0, colon), text.substring(colon + 1) };
            }
        } catch (IllegalArgumentException e) {
            // not base64: the same answer as any other cursor firebreak never gave
        }
        throw FunctionError.badInput("invalid_value", "cursor", "cursor is not one a dry run or a page answered");
    }

    /** The keys of PostgreSQL's array text of unquoted keys (ids). */
    public static String[] parse(String arrayText) {
        String inner = arrayText.substring(1, arrayText.length() - 1);
        return inner.isEmpty() ? new String[0] : inner.split(",");
    }

    /** PostgreSQL's array text of keys, each quoted, so any text fits. */
    public static String arrayText(List<String> keys) {
        StringBuilder text = new StringBuilder(keys.size() * 8).append('{');
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append('"').append(keys.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return text.append('}').toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
