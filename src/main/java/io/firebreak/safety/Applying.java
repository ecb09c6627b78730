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

    /** A provider's id of something this apply created or changed there. */
    public synchronized void external(String id) {
        externalIds.add(id);
    }

    public synchronized int committedCount() {
        return committed.values().stream().mapToInt(Set::size).sum();
    }

    public synchronized int inDoubtCount() {
        return inDoubt.values().stream().mapToInt(Set::size).sum();
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
        return result;
    }

    /** Whether a stored result lists anything committed or in doubt, of any kind. */
    public static boolean listsChanges(JsonNode result) {
        if (result == null || result.isNull() || result.isMissingNode()) {
            return false;
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
