package io.firebreak.safety;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An apply whose "started" audit record has committed: the capability every change to the target
 * or a provider needs (only {@link PlannedActions#audited} makes one), and the ledger of what it
 * changed — keys per kind that committed, keys whose COMMIT was in doubt when a connection was lost,
 * and the providers' ids — which the outcome record carries, success or failure, and undo restores.
 */
public final class Applying {

    private final long startedAuditId;
    private final Map<String, Set<String>> committed = new LinkedHashMap<>();
    private final Map<String, Set<String>> inDoubt = new LinkedHashMap<>();
    private final List<String> externalIds = new ArrayList<>();
    /** Stored sets applied chunk by chunk, in order: what committed is "chunks up to n", less the keys that did not change. */
    private final Map<String, SetProgress> sets = new LinkedHashMap<>();

    /** How far an apply got through one stored set. */
    private static final class SetProgress {
        final java.util.UUID planId;
        int committedThrough = -1;
        long changed;
        final List<String> notChanged = new ArrayList<>();
        Integer inDoubtChunk;
        int inDoubtKeys;

        SetProgress(java.util.UUID planId) {
            this.planId = planId;
        }
    }

    Applying(long startedAuditId) {
        this.startedAuditId = startedAuditId;
    }

    /** The apply-started record this apply completes. */
    public long startedAuditId() {
        return startedAuditId;
    }

    public synchronized void committed(String kind, Collection<String> keys) {
        committed.computeIfAbsent(kind, k -> new LinkedHashSet<>()).addAll(keys);
        Set<String> doubtful = inDoubt.get(kind);
        if (doubtful != null) {
            doubtful.removeAll(keys);
        }
    }

    public synchronized void inDoubt(String kind, Collection<String> keys) {
        Set<String> known = committed.getOrDefault(kind, Set.of());
        Set<String> doubtful = inDoubt.computeIfAbsent(kind, k -> new LinkedHashSet<>());
        keys.stream().filter(k -> !known.contains(k)).forEach(doubtful::add);
    }

    /**
     * Chunk {@code seq} of a stored set committed: of its keys, {@code changed} changed and the rest
     * (no longer in the planned state) did not, and are listed so undo leaves them alone.
     */
    public synchronized void committedChunk(String kind, java.util.UUID planId, int seq, Collection<String> attempted,
            Collection<String> changed) {
        SetProgress p = sets.computeIfAbsent(kind, k -> new SetProgress(planId));
        p.committedThrough = Math.max(p.committedThrough, seq);
        p.changed += changed.size();
        if (changed.size() < attempted.size()) {
            Set<String> did = new java.util.HashSet<>(changed);
            attempted.stream().filter(k -> !did.contains(k)).forEach(p.notChanged::add);
        }
        if (p.inDoubtChunk != null && p.inDoubtChunk == seq) {
            p.inDoubtChunk = null;
            p.inDoubtKeys = 0;
        }
    }

    /** Chunk {@code seq}'s COMMIT was in doubt: any of its keys may have changed. */
    public synchronized void inDoubtChunk(String kind, java.util.UUID planId, int seq, int keys) {
        SetProgress p = sets.computeIfAbsent(kind, k -> new SetProgress(planId));
        p.inDoubtChunk = seq;
        p.inDoubtKeys = keys;
    }

    /** A provider's id of something this apply created or changed there. */
    public synchronized void external(String id) {
        externalIds.add(id);
    }

    public synchronized int committedCount() {
        return committed.values().stream().mapToInt(Set::size).sum()
                + (int) sets.values().stream().mapToLong(p -> p.changed).sum();
    }

    public synchronized int inDoubtCount() {
        return inDoubt.values().stream().mapToInt(Set::size).sum() + sets.values().stream().mapToInt(p -> p.inDoubtKeys).sum();
    }

    /** Whether anything may have changed: committed, in doubt, or done at a provider. */
    public synchronized boolean changedAnything() {
        return committedCount() > 0 || inDoubtCount() > 0 || !externalIds.isEmpty();
    }

    public synchronized List<String> externalIds() {
        return List.copyOf(externalIds);
    }

    /** The ledger as the outcome record stores it. */
    public synchronized ObjectNode result() {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("startedAuditId", startedAuditId);
        ObjectNode c = result.putObject("committed");
        committed.forEach((kind, keys) -> keys.forEach(c.withArray(kind)::add));
        ObjectNode d = result.putObject("inDoubt");
        inDoubt.forEach((kind, keys) -> {
            if (!keys.isEmpty()) {
                keys.forEach(d.withArray(kind)::add);
            }
        });
        if (!sets.isEmpty()) {
            ObjectNode s = result.putObject("sets");
            sets.forEach((kind, p) -> {
                ObjectNode set = s.putObject(kind);
                set.put("planId", p.planId.toString());
                set.put("committedThrough", p.committedThrough);
                set.put("changed", p.changed);
                p.notChanged.forEach(set.withArray("notChanged")::add);
                if (p.inDoubtChunk != null) {
                    set.put("inDoubtChunk", p.inDoubtChunk);
                }
            });
        }
        return result;
    }

    /**
     * What an audited apply may have changed of a stored set, from its stored result: the chunks
     * through {@code committedThrough} less {@code notChanged}, and the chunk in doubt; empty when
     * the apply did not go through a stored set of that kind.
     */
    public record SetChanges(java.util.UUID planId, int committedThrough, Set<String> notChanged, Integer inDoubtChunk) {
    }

    public static java.util.Optional<SetChanges> changedSet(JsonNode result, String kind) {
        JsonNode set = result == null ? null : result.path("sets").path(kind);
        if (set == null || !set.has("planId")) {
            return java.util.Optional.empty();
        }
        Set<String> notChanged = new java.util.HashSet<>();
        set.path("notChanged").forEach(n -> notChanged.add(n.asText()));
        return java.util.Optional.of(new SetChanges(java.util.UUID.fromString(set.get("planId").asText()),
                set.path("committedThrough").asInt(-1), notChanged,
                set.hasNonNull("inDoubtChunk") ? set.get("inDoubtChunk").asInt() : null));
    }

    /** Whether a stored result lists anything committed or in doubt, of any kind. */
    public static boolean listsChanges(JsonNode result) {
        if (result == null || result.isNull() || result.isMissingNode()) {
            return false;
        }
        for (JsonNode set : result.path("sets")) {
            if (set.path("changed").asLong() > 0 || set.hasNonNull("inDoubtChunk")) {
                return true;
            }
        }
        for (String part : new String[] { "committed", "inDoubt" }) {
            for (JsonNode keys : result.path(part)) {
                if (keys.size() > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What an audited apply may have changed of one kind, from its stored result: the keys that
     * committed and those in doubt; null when the record predates results (its plan is all there is).
     */
    public static List<String> changedKeys(JsonNode result, String kind) {
        if (result == null || result.isNull() || result.isMissingNode()) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        result.path("committed").path(kind).forEach(n -> keys.add(n.asText()));
        result.path("inDoubt").path(kind).forEach(n -> keys.add(n.asText()));
        return keys;
    }
}
