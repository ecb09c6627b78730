package io.firebreak.functions.railwaydeploy;

import io.firebreak.safety.ActionInput;

/** Which declared Railway service, which act (restart, redeploy, rollback) and, for a rollback, its target or cut-off. */
public class RailwayDeployInput extends ActionInput {

    private String service;
    private String action;
    private String deploymentId;
    private String before;

    /** A service's name in functions.yaml's railway: block (api, worker). */
    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }

    /** restart (the live deployment, same build), redeploy (a new build of the service), rollback. */
    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    /** rollback only: the deployment to roll back to (the seed's railway rollback [deployment-id]). */
    public String getDeploymentId() {
        return deploymentId;
    }

    public void setDeploymentId(String deploymentId) {
        this.deploymentId = deploymentId;
    }

    /** rollback only: an ISO-8601 instant; the target is the last good deployment made before it. */
    public String getBefore() {
        return before;
    }

    public void setBefore(String before) {
        this.before = before;
    }
}
