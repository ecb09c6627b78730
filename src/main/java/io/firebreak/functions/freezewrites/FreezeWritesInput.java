package io.firebreak.functions.freezewrites;

import java.util.List;

import io.firebreak.safety.ActionInput;

/** Which of the application's login roles to make read-only; without roles, FIREBREAK_FREEZE_ROLES. */
public class FreezeWritesInput extends ActionInput {

    private List<String> roles;

    public List<String> getRoles() {
        return roles;
    }

    public void setRoles(List<String> roles) {
        this.roles = roles;
    }
}
