package io.firebreak.functions.freezewrites;

import java.util.List;

import io.firebreak.safety.ActionInput;

/** Which of the application's login roles to make read-only; without roles, FIREBREAK_FREEZE_ROLES. */
public class FreezeWritesInput extends ActionInput {

    private List<String> roles;
    private List<String> apiRoles;

    /** Roles the app's API switches to (Supabase: anon, authenticated, service_role): their write grants are revoked. */
    public List<String> getApiRoles() {
        return apiRoles;
    }

    public void setApiRoles(List<String> apiRoles) {
        this.apiRoles = apiRoles;
    }

    public List<String> getRoles() {
        return roles;
    }

    public void setRoles(List<String> roles) {
        this.roles = roles;
    }
}
