package io.firebreak.functions.postmortem;

import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.IncidentConfig;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.SeverityScale;
import io.firebreak.platform.FunctionError;

/** Drafts the post-mortem from the record in the seeds' templates, and records when it is written. */
@Singleton
public class PostmortemFunction {

    @Inject
    IncidentStore incidents;

    @Inject
    IncidentActions actions;

    @Inject
    IncidentConfig config;

    @Inject
    SeverityScale scale;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    @Funq("postmortem")
    public Uni<JsonNode> postmortem(PostmortemInput input) {
        IncidentActions.requireId(input);
        String template = input.getTemplate() == null ? defaultTemplate() : input.getTemplate().strip().toLowerCase(Locale.ROOT);
        if (!PostmortemDraft.TEMPLATES.contains(template)) {
            throw FunctionError.badInput("invalid_value", "template", "template is one of " + PostmortemDraft.TEMPLATES);
        }
        if (Boolean.TRUE.equals(input.getWritten())) {
            String link = link(input.getLink());
            IncidentActions.text(input.getReason(), "reason", 1000, false);
            return actions.change("postmortem", input, true, i -> {
                if (i.open()) {
                    throw new FunctionError(409, "incident_open", i.id() + " is not resolved yet: the post-mortem follows resolution", "written");
                }
                var now = clock.instant();
                return Uni.createFrom().item(IncidentActions.Change.of()
                        .effect("post-mortem written: " + link, (tx, audit) -> tx.postmortemWritten(i.id(), now, link))
                        .event("postmortem-written", "Post-mortem written: " + link, Map.of("link", link)));
            });
        }
        if (input.getLink() != null) {
            throw FunctionError.badInput("invalid_value", "link", "link goes with written: true");
        }
        return incidents.find(input.getId()).map(found -> {
            var i = found.orElseThrow(() -> new FunctionError(404, "incident_not_found", "no incident " + input.getId(), "id"));
            ObjectNode answer = mapper.createObjectNode();
            answer.put("incidentId", i.id());
            answer.put("template", template);
            answer.put("written", i.postmortem().writtenAt() != null);
            if (i.postmortem().dueAt() != null) {
                answer.put("dueAt", i.postmortem().dueAt().toString());
            }
            answer.put("markdown", new PostmortemDraft(i, clock.instant()).render(template));
            return (JsonNode) answer;
        });
    }

    /** The template that goes with the configured scale, unless one is configured. */
    String defaultTemplate() {
        return config.postmortem().template().orElse(switch (scale.name()) {
            case "sev1-sev4" -> "seed-003";
            case "p1-p4" -> "seed-004";
            default -> "seed-001";
        });
    }

    static String link(String value) {
        if (value == null || value.isBlank()) {
            throw FunctionError.badInput("missing_field", "link", "written: true needs the link where the post-mortem lives");
        }
        try {
            URI uri = URI.create(value.strip());
            if (value.length() > 500 || uri.getHost() == null
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new IllegalArgumentException();
            }
            return uri.toString();
        } catch (IllegalArgumentException e) {
            throw FunctionError.badInput("invalid_value", "link", "link is an http(s) URL of at most 500 characters");
        }
    }
}
