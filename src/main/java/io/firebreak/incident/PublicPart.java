package io.firebreak.incident;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The optional {@code public} part of declare/update/resolve-incident: the only words the status
 * page ever publishes about an incident (a public title, a status in Statuspage's terms, the text,
 * and each affected component's state). The internal title, impact and updates never leave the ops database.
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public class PublicPart {

    private String title;
    private String status;
    private String text;
    private Map<String, String> components;
    private String planId;
    /** The approved post a planId names, once the gate let it pass (never bound from input). */
    @JsonIgnore
    private transient PublicPosts.Approved approved;

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    public Map<String, String> getComponents() {
        return components;
    }

    public void setComponents(Map<String, String> components) {
        this.components = components;
    }

    /** An approved post's plan: publishes exactly what was approved (the other fields stay empty). */
    public String getPlanId() {
        return planId;
    }

    public void setPlanId(String planId) {
        this.planId = planId;
    }

    PublicPosts.Approved approved() {
        return approved;
    }

    void approved(PublicPosts.Approved approved) {
        this.approved = approved;
    }
}
