package io.firebreak.functions.containbreach;

import java.util.List;

import io.firebreak.safety.ActionInput;

/** contain-breach's input: the scope (project or one tenant) and which steps (default all that apply). */
public class ContainBreachInput extends ActionInput {

    private String scope;
    private String tenantId;
    private List<String> steps;

    public String getScope() {
        return scope;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    public String getTenantId() {
        return tenantId;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    public List<String> getSteps() {
        return steps;
    }

    public void setSteps(List<String> steps) {
        this.steps = steps;
    }
}
