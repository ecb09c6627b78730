package io.firebreak.functions.runfix;

import java.util.Map;

import io.firebreak.safety.ActionInput;

/** Which declared fix to run and its parameters by name (seed 002: DELETE FROM login_attempts WHERE email = '…'). */
public class RunFixInput extends ActionInput {

    private String name;
    private Map<String, Object> params;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Map<String, Object> getParams() {
        return params;
    }

    public void setParams(Map<String, Object> params) {
        this.params = params;
    }
}
