package io.firebreak.functions.notifytenant;

import java.util.List;

import io.firebreak.safety.ActionInput;

/** notify-tenant's input: which tenant, about which incident, at which phase, over which channels. */
public class NotifyTenantInput extends ActionInput {

    private String tenantId;
    private String phase;
    private List<String> channels;
    private String feature;

    public String getTenantId() {
        return tenantId;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    @Override
    public boolean recordsOwnTimeline() {
        return true;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public List<String> getChannels() {
        return channels;
    }

    public void setChannels(List<String> channels) {
        this.channels = channels;
    }

    public String getFeature() {
        return feature;
    }

    public void setFeature(String feature) {
        this.feature = feature;
    }
}
