package io.firebreak.functions.rotatesecret;

import io.firebreak.safety.ActionInput;

/** Which declared secret variable of which Railway service to rotate. */
public class RotateSecretInput extends ActionInput {

    private String service;
    private String name;

    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
