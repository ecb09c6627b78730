package io.firebreak.incident;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import io.firebreak.platform.FunctionError;

/** The input checks lifecycle functions share for people and tenants. */
public final class IncidentPeople {

    /** A name, Slack handle or email: what a timeline shows and a role check compares. */
    static final Pattern PERSON = Pattern.compile("[A-Za-z0-9._@+' -]{1,64}");

    static final int MAX_TENANTS = 100;

    private IncidentPeople() {
    }

    public static String person(String value, String field, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw FunctionError.badInput("missing_field", field, field + " is required");
            }
            return null;
        }
        String v = value.strip();
        if (!PERSON.matcher(v).matches()) {
            throw FunctionError.badInput("invalid_value", field,
                    field + " is a name, @handle or email of at most 64 characters");
        }
        return v;
    }

    /** Tenant ids as UUID strings, deduplicated, at most 100. */
    public static List<String> tenants(List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_TENANTS) {
            throw FunctionError.badInput("invalid_value", "tenants", "at most " + MAX_TENANTS + " tenants per call");
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            try {
                String id = UUID.fromString(String.valueOf(v)).toString();
                if (!out.contains(id)) {
                    out.add(id);
                }
            } catch (IllegalArgumentException e) {
                throw FunctionError.badInput("invalid_value", "tenants", "tenants are tenant UUIDs; " + v + " is not one");
            }
        }
        return out;
    }
}
