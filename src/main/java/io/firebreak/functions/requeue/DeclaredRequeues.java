package io.firebreak.functions.requeue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.db.Identifiers;
import io.firebreak.platform.FunctionManifest;

/** The manifest's {@code requeues:} section, parsed here, where requeue is the only reader. */
public final class DeclaredRequeues {

    private DeclaredRequeues() {
    }

    /** Every declared requeue by name; names are checked by shape here, against the target's catalog when it runs. */
    public static Map<String, DeclaredRequeue> parse(FunctionManifest manifest) {
        return manifest.section("requeues", "requeue", DeclaredRequeues::requeue, DeclaredRequeue::name);
    }

    /** A declared requeue: names checked here by shape, against the target's catalog when it runs. */
    static DeclaredRequeue requeue(JsonNode r) {
        String name = FunctionManifest.name(r, "requeue");
        String[] table = FunctionManifest.required(r, "table").split("\\.", -1);
        String schema = table.length == 2 ? table[0] : "public";
        String relation = table[table.length - 1];
        String id = FunctionManifest.required(r, "idColumn");
        String status = FunctionManifest.required(r, "statusColumn");
        Map<String, Object> reset = new LinkedHashMap<>();
        r.path("reset").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (!(v.isNull() || v.isNumber() || v.isBoolean() || v.isTextual())) {
                throw new IllegalStateException(FunctionManifest.RESOURCE + ": requeue " + name + ": reset " + e.getKey()
                        + " is a number, boolean, text, null or \"now()\"");
            }
            reset.put(e.getKey(), v.isNull() ? null : v.isNumber() ? v.numberValue() : v.isBoolean() ? v.asBoolean() : v.asText());
        });
        java.util.List<String> identifiers = new ArrayList<>(java.util.List.of(schema, relation, id, status));
        identifiers.addAll(reset.keySet());
        if (table.length > 2 || !identifiers.stream().allMatch(i -> Identifiers.NAME.matcher(i).matches())) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": requeue " + name
                    + ": table and columns are plain identifiers (letters, digits, _)");
        }
        if (reset.containsKey(id) || reset.containsKey(status)) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": requeue " + name + ": reset cannot change the id or status column");
        }
        String from = FunctionManifest.required(r, "from");
        String to = FunctionManifest.required(r, "to");
        int max = r.path("maxRows").asInt(0);
        if (from.equals(to) || max < 1 || max > 50_000) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": requeue " + name + ": from and to differ, maxRows is 1 to 50000");
        }
        return new DeclaredRequeue(name, FunctionManifest.required(r, "description"), schema, relation, id, status, from, to,
                Collections.unmodifiableMap(reset), max);
    }
}
