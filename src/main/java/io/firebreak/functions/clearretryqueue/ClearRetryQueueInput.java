package io.firebreak.functions.clearretryqueue;

import io.firebreak.safety.ActionInput;

/** clear-retry-queue's input: without integrationId, the dead-letter report; with it, a plan or an apply. */
public class ClearRetryQueueInput extends ActionInput {

    private String integrationId;

    public String getIntegrationId() {
        return integrationId;
    }

    public void setIntegrationId(String integrationId) {
        this.integrationId = integrationId;
    }
}
