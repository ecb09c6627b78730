package io.firebreak.functions.runcheck;

import java.net.URI;
import java.util.List;

/**
 * A vendor-account check a user declares in functions.yaml ({@code http-checks:}): GET a declared
 * https URL with an auth header from the environment, read one JSON pointer, and compare it with a
 * threshold (below, above) or an expected value. {@code url} is null while a placeholder it needs is
 * unset ({@code missing} names them): the check is then not configured, never a start-up failure.
 */
public record HttpCheck(String name, String description, String rawUrl, URI url, List<String> missing, Auth auth,
        String pointer, Rule rule, String severity, boolean scheduled) {

    /** How the request proves itself: a header whose value comes from the environment, never from the manifest. */
    public record Auth(String header, String scheme, String env, String userEnv) {
        static final Auth NONE = new Auth(null, "none", null, null);
    }

    /** What makes the value a breach: below or above a number, or anything but the expected text. */
    public record Rule(Double below, Double above, String expect) {
        String describe() {
            return below != null ? "below " + RunCheckFlow.number(below)
                    : above != null ? "above " + RunCheckFlow.number(above) : "not " + expect;
        }
    }

    public boolean configured() {
        return url != null;
    }
}
