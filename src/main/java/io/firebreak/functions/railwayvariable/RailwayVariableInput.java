package io.firebreak.functions.railwayvariable;

import io.firebreak.safety.ActionInput;

/** Which declared Railway service variable to set to which value (or unset), and whether Railway deploys with it. */
public class RailwayVariableInput extends ActionInput {

    private String service;
    private String name;
    private String value;
    private Boolean unset;
    private Boolean skipDeploys;

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

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }

    public Boolean getUnset() {
        return unset;
    }

    public void setUnset(Boolean unset) {
        this.unset = unset;
    }

    /** true: the variable changes without a deployment (it takes effect at the next one); unset always deploys. */
    public Boolean getSkipDeploys() {
        return skipDeploys;
    }

    public void setSkipDeploys(Boolean skipDeploys) {
        this.skipDeploys = skipDeploys;
    }
}
