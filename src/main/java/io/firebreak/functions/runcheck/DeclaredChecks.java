package io.firebreak.functions.runcheck;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.platform.FunctionManifest;
import io.firebreak.safety.CheckGuard;

/** The manifest's {@code checks:} section, parsed and refused here, where run-check is the only reader. */
public final class DeclaredChecks {

    private DeclaredChecks() {
    }

    /** Every declared check by name; a check whose SQL could write or act on the server stops the service. */
    public static Map<String, DeclaredCheck> parse(FunctionManifest manifest) {
        return manifest.section("checks", "check", DeclaredChecks::check, DeclaredCheck::name);
    }

    /** A declared check, refused at load when its SQL could write or act on the server. */
    static DeclaredCheck check(JsonNode c) {
        String name = FunctionManifest.name(c, "check");
        String sql = FunctionManifest.required(c, "sql");
        CheckGuard.refusal(sql).ifPresent(why -> {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": check " + name + " is refused: " + why);
        });
        String measure = c.path("measure").asText("rows");
        if (!measure.equals("rows") && !measure.equals("value")) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": check " + name + ": measure is rows or value");
        }
        if (!c.path("threshold").isNumber()) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": check " + name + " needs a numeric threshold");
        }
        return new DeclaredCheck(name, FunctionManifest.required(c, "description"), sql.strip(),
                DeclaredCheck.Measure.valueOf(measure.toUpperCase(java.util.Locale.ROOT)), c.path("threshold").asDouble(),
                FunctionManifest.required(c, "severity"), c.path("schedule").asBoolean(true));
    }
}
