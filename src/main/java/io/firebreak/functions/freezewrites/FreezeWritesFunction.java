package io.firebreak.functions.freezewrites;

import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.db.Identifiers;
import io.firebreak.platform.FunctionError;

/** Stops the application's writes: its login roles become read-only on the target and their sessions end, planned, approved, audited and undoable. */
@Singleton
public class FreezeWritesFunction {

    @Inject
    FreezeWritesFlow flow;

    /** The application's login roles (on Supabase: authenticator, which PostgREST logs in as, and the pooler's user). */
    @ConfigProperty(name = "firebreak.freeze.roles")
    Optional<List<String>> configured;

    /** The roles the app's API switches to per request (on Supabase: anon, authenticated, service_role). */
    @ConfigProperty(name = "firebreak.freeze.api-roles")
    Optional<List<String>> configuredApi;

    @Funq("freeze-writes")
    public Uni<JsonNode> freezeWrites(FreezeWritesInput input) {
        FreezeWritesInput in = input == null ? new FreezeWritesInput() : input;
        List<String> roles = in.getRoles() != null ? in.getRoles() : configured.orElse(List.of());
        if (roles.isEmpty()) {
            throw FunctionError.badInput("missing_field", "roles", "name the application's login roles (roles), or set "
                    + "FIREBREAK_FREEZE_ROLES");
        }
        List<String> distinct = checked(roles, "roles");
        List<String> api = checked(in.getApiRoles() != null ? in.getApiRoles() : configuredApi.orElse(List.of()), "apiRoles");
        return in.applying() ? flow.apply(distinct, api, in) : flow.plan(distinct, api, in);
    }

    static List<String> checked(List<String> roles, String field) {
        if (roles.size() > 20) {
            throw FunctionError.badInput("invalid_value", field, "at most 20 roles");
        }
        for (int i = 0; i < roles.size(); i++) {
            String r = roles.get(i);
            if (r == null || !Identifiers.NAME.matcher(r.strip()).matches()) {
                throw FunctionError.badInput("invalid_value", field + "[" + i + "]", "a role name is letters, digits and _");
            }
        }
        return roles.stream().map(String::strip).distinct().sorted().toList();
    }
}
