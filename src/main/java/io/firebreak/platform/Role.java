package io.firebreak.platform;

import java.util.Locale;

/**
 * Who may call what: monitors confirm and report, responders read and act, admins do everything.
 * PROVIDER marks functions called by payment providers, who prove themselves by signing the body
 * instead of with a token; no token has that role.
 */
public enum Role {
    PROVIDER, MONITOR, RESPONDER, ADMIN;

    /** Roles are ranked: a role may call every function that requires it or a lower one. */
    public boolean permits(Role required) {
        return ordinal() >= required.ordinal();
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + value + "' (provider, monitor, responder or admin)");
        }
    }
}
