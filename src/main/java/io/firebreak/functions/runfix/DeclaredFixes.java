package io.firebreak.functions.runfix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.db.Identifiers;
import io.firebreak.platform.FunctionManifest.ApprovalPolicy;
import io.firebreak.platform.FunctionManifest;
import io.firebreak.safety.CheckGuard;

/** The manifest's {@code fixes:} section, parsed and refused here, where run-fix is the only reader. */
public final class DeclaredFixes {

    static final Set<String> TYPES = Set.of("uuid", "text", "email", "integer");

    private DeclaredFixes() {
    }

    /** Every declared fix by name; one that could not be run safely stops the service at start-up. */
    public static Map<String, DeclaredFix> parse(FunctionManifest manifest) {
        return manifest.section("fixes", "fix", DeclaredFixes::fix, DeclaredFix::name);
    }

    static DeclaredFix fix(JsonNode f) {
        String name = FunctionManifest.name(f, "fix");
        String[] table = FunctionManifest.required(f, "table").split("\\.", -1);
        String schema = table.length == 2 ? table[0] : "public";
        String relation = table[table.length - 1];
        String key = FunctionManifest.required(f, "key");
        List<DeclaredFix.Param> params = new ArrayList<>();
        for (JsonNode p : f.path("parameters")) {
            String type = FunctionManifest.required(p, "type");
            if (!TYPES.contains(type)) {
                throw refused(name, "parameter types are " + TYPES);
            }
            params.add(new DeclaredFix.Param(FunctionManifest.required(p, "name"), type, p.path("min").asLong(Long.MIN_VALUE),
                    p.path("max").asLong(Long.MAX_VALUE)));
        }
        List<String> names = params.stream().map(DeclaredFix.Param::name).toList();
        Map<String, DeclaredFix.Value> match = values(name, f.path("match"), names, false);
        if (match.isEmpty()) {
            throw refused(name, "match names at least one column: a fix never touches a whole table");
        }
        boolean delete = f.path("delete").asBoolean(false);
        Map<String, DeclaredFix.Value> set = values(name, f.path("set"), names, true);
        if (delete == !set.isEmpty()) {
            throw refused(name, "a fix either sets columns or deletes rows");
        }
        if (set.containsKey(key)) {
            throw refused(name, "set cannot change the key column");
        }
        int max = f.path("maxRows").asInt(0);
        if (max < 1 || max > 50_000) {
            throw refused(name, "maxRows is 1 to 50000");
        }
        List<String> identifiers = new ArrayList<>(List.of(schema, relation, key));
        identifiers.addAll(match.keySet());
        identifiers.addAll(set.keySet());
        Optional<DeclaredFix.Log> log = Optional.empty();
        JsonNode l = f.path("log");
        if (!l.isMissingNode()) {
            String[] lt = FunctionManifest.required(l, "table").split("\\.", -1);
            Map<String, String> values = new LinkedHashMap<>();
            l.path("values").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
            String details = FunctionManifest.required(l, "details");
            log = Optional.of(new DeclaredFix.Log(lt.length == 2 ? lt[0] : "public", lt[lt.length - 1], values, details));
            identifiers.addAll(List.of(log.get().schema(), log.get().table(), details));
            identifiers.addAll(values.keySet());
            if (lt.length > 2) {
                throw refused(name, "log.table is schema.table or table");
            }
        }
        if (table.length > 2 || !identifiers.stream().allMatch(i -> Identifiers.NAME.matcher(i).matches())) {
            throw refused(name, "tables and columns are plain identifiers (letters, digits, _)");
        }
        for (String p : names) {
            boolean used = match.values().stream().anyMatch(v -> v.kind().equals("param") && v.text().equals(p))
                    || set.values().stream().anyMatch(v -> v.kind().equals("param") && v.text().equals(p));
            if (!used) {
                throw refused(name, "parameter " + p + " is used nowhere");
            }
        }
        // Every fix that deletes needs the commander's or an admin's approval unless it declares its own policy.
        Optional<ApprovalPolicy> approval = f.has("approval")
                ? Optional.of(ApprovalPolicy.parse("fix " + name, f.get("approval")))
                : delete ? Optional.of(ApprovalPolicy.DEFAULT) : Optional.empty();
        return new DeclaredFix(name, FunctionManifest.required(f, "description"), schema, relation, key, List.copyOf(params),
                match, set, delete, max, log, approval);
    }

    /** match/set values: "$param", "now()" (set only), null, {select: ...} (set only), or a constant. */
    static Map<String, DeclaredFix.Value> values(String fix, JsonNode node, List<String> params, boolean set) {
        Map<String, DeclaredFix.Value> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            DeclaredFix.Value value;
            if (v.isNull()) {
                value = new DeclaredFix.Value("null", null);
            } else if (v.isObject() && v.has("select")) {
                if (!set) {
                    throw refused(fix, "a sub-select computes a new value (set), it does not pick rows");
                }
                String sql = v.get("select").asText();
                if (!balanced(sql) || sql.contains("$") || sql.contains(";")) {
                    throw refused(fix, "set " + e.getKey() + ": the sub-select is one self-contained SELECT "
                            + "(balanced parentheses, no $ parameters, no ;)");
                }
                CheckGuard.refusal(sql).ifPresent(why -> {
                    throw refused(fix, "set " + e.getKey() + ": the sub-select is refused: " + why);
                });
                value = new DeclaredFix.Value("select", sql.strip());
            } else if (v.isTextual() && v.asText().startsWith("$")) {
                String p = v.asText().substring(1);
                if (!params.contains(p)) {
                    throw refused(fix, e.getKey() + " names parameter " + p + ", which is not declared");
                }
                value = new DeclaredFix.Value("param", p);
            } else if (v.isTextual() && v.asText().equals("now()")) {
                if (!set) {
                    throw refused(fix, "now() is a value to set, not to match");
                }
                value = new DeclaredFix.Value("now", null);
            } else if (v.isValueNode()) {
                value = new DeclaredFix.Value("constant", v.asText());
            } else {
                throw refused(fix, e.getKey() + " is a \"$parameter\", a constant, null, now() or {select: ...}");
            }
            out.put(e.getKey(), value);
        });
        return out;
    }

    /** Parentheses balance outside quotes, so the sub-select cannot close its own and set more columns. */
    static boolean balanced(String sql) {
        int depth = 0;
        char quote = 0;
        for (char c : sql.toCharArray()) {
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth < 0) {
                return false;
            }
        }
        return depth == 0 && quote == 0;
    }

    static IllegalStateException refused(String fix, String why) {
        return new IllegalStateException(FunctionManifest.RESOURCE + ": fix " + fix + ": " + why);
    }
}
