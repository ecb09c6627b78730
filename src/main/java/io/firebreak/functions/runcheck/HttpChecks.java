package io.firebreak.functions.runcheck;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.platform.FunctionManifest;
import io.firebreak.providers.DeclaredUrl;

/** The manifest's {@code http-checks:} section, parsed and refused here, where run-check is the only reader. */
public final class HttpChecks {

    private HttpChecks() {
    }

    /** Every declared HTTP check by name; a malformed one stops the service, an unconfigured one is kept and skipped. */
    public static Map<String, HttpCheck> parse(FunctionManifest manifest) {
        return manifest.section("http-checks", "http check", HttpChecks::check, HttpCheck::name);
    }

    static HttpCheck check(JsonNode c) {
        String name = FunctionManifest.name(c, "http check");
        String what = "http check " + name;
        String raw = FunctionManifest.required(c, "url");
        List<String> missing = DeclaredUrl.unset(raw);
        URI url = missing.isEmpty() ? DeclaredUrl.parse(raw, what) : null;
        String pointer = FunctionManifest.required(c, "pointer");
        if (!pointer.startsWith("/")) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": " + what + ": pointer is a JSON pointer such as /balance");
        }
        int rules = (c.has("below") ? 1 : 0) + (c.has("above") ? 1 : 0) + (c.has("expect") ? 1 : 0);
        if (rules != 1 || (c.has("below") && !c.get("below").isNumber()) || (c.has("above") && !c.get("above").isNumber())) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": " + what
                    + " needs exactly one of below: <number>, above: <number>, expect: <value>");
        }
        HttpCheck.Rule rule = new HttpCheck.Rule(c.has("below") ? c.get("below").asDouble() : null,
                c.has("above") ? c.get("above").asDouble() : null, c.has("expect") ? c.get("expect").asText() : null);
        return new HttpCheck(name, FunctionManifest.required(c, "description"), raw, url, List.copyOf(missing),
                auth(c.path("auth"), what), pointer, rule, FunctionManifest.required(c, "severity"),
                c.path("schedule").asBoolean(true));
    }

    private static HttpCheck.Auth auth(JsonNode a, String what) {
        if (a.isMissingNode() || a.isNull()) {
            return HttpCheck.Auth.NONE;
        }
        String scheme = a.path("scheme").asText("Bearer");
        String header = a.path("header").asText("Authorization");
        String env = FunctionManifest.required(a, "env");
        String userEnv = a.path("userEnv").isMissingNode() ? null : a.path("userEnv").asText();
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "bearer", "raw" -> {
                if (userEnv != null) {
                    throw new IllegalStateException(FunctionManifest.RESOURCE + ": " + what + ": userEnv is for scheme Basic");
                }
            }
            case "basic" -> {
                if (userEnv == null) {
                    throw new IllegalStateException(FunctionManifest.RESOURCE + ": " + what
                            + ": scheme Basic needs userEnv (the user) and env (the password)");
                }
            }
            default -> throw new IllegalStateException(FunctionManifest.RESOURCE + ": " + what
                    + ": auth scheme is Bearer, Basic or raw");
        }
        if (!header.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": " + what + ": auth header is not a header name");
        }
        return new HttpCheck.Auth(header, scheme.toLowerCase(Locale.ROOT), env, userEnv);
    }
}
