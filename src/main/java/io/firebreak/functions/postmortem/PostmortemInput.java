package io.firebreak.functions.postmortem;

import io.firebreak.incident.IncidentInput;

/** postmortem's input: which template to draft in, or that the post-mortem is written and where it lives. */
public class PostmortemInput extends IncidentInput {

    private String template;
    private Boolean written;
    private String link;

    public String getTemplate() {
        return template;
    }

    public void setTemplate(String template) {
        this.template = template;
    }

    public Boolean getWritten() {
        return written;
    }

    public void setWritten(Boolean written) {
        this.written = written;
    }

    public String getLink() {
        return link;
    }

    public void setLink(String link) {
        this.link = link;
    }
}
