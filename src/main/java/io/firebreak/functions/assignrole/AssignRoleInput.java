package io.firebreak.functions.assignrole;

import io.firebreak.incident.IncidentInput;

/** assign-role's input: which of seed 003's roles, and who takes it. */
public class AssignRoleInput extends IncidentInput {

    private String role;
    private String person;

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public String getPerson() {
        return person;
    }

    public void setPerson(String person) {
        this.person = person;
    }
}
