package io.firebreak.functions.declareincident;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

import io.firebreak.incident.Incident;
import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.IncidentConfig;
import io.firebreak.incident.IncidentMessages;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.PublicPosts;
import io.firebreak.incident.Severity;
import io.firebreak.incident.SeverityScale;
import io.firebreak.platform.Role;

/**
 * Seed 001 Phase 1 and seed 003's declaration: the incident is recorded with its severity, impact,
 * commander and tenants, acknowledged by the person declaring it, and announced with the
 * declaration template in its channel and to the first escalation level. Declaring the same title
 * while it is open joins the open incident instead of opening a second one.
 */
@ApplicationScoped
public class DeclareIncidentFlow {

    static final String FUNCTION = "declare-incident";

    @Inject
    IncidentStore incidents;

    @Inject
    IncidentActions actions;

    @Inject
    IncidentMessages messages;

    @Inject
    IncidentConfig config;

    @Inject
    SeverityScale scale;

    @Inject
    ObjectMapper mapper;

    @Inject
    PublicPosts posts;

    @Inject
    Clock clock;

    public Uni<JsonNode> declare(DeclareIncidentInput input, String title, Severity rank, String impact, String commander,
            List<String> tenants) {
        String fingerprint = fingerprint(title);
        if (input.dry()) {
            return incidents.transaction(tx -> tx.openIncident(fingerprint)).map(open -> {
                Instant now = clock.instant();
                Incident draft = draft("INC-(assigned at declaration)", title, rank, impact, commander, tenants, now);
                IncidentActions.Change c = change(draft, input, now);
                open.ifPresent(id -> c.answer().put("joins", id));
                return c;
            }).flatMap(c -> posts.first(c, null, rank, input.getPublic(), input.getActor()))
                    .map(c -> actions.dryAnswer(null, c));
        }
        String source = IncidentActions.source(input.getActor());
        return actions.once(FUNCTION, input, () -> incidents.transaction(tx -> {
            Instant now = clock.instant();
            return tx.declareOrAttach(fingerprint, title, rank, source, now).flatMap(link -> {
                if (!link.declared()) {
                    return Uni.createFrom().item((JsonNode) mapper.createObjectNode().put("incidentId", link.incidentId())
                            .put("declared", false)
                            .put("note", "an incident with this title is open: nothing new was declared"));
                }
                boolean person = Role.parse(input.getActor().role()).permits(Role.RESPONDER);
                String by = input.getActor().display();
                Uni<Void> described = tx.describe(link.incidentId(), impact, by, tenants, person ? now : null,
                        person ? by : null);
                if (commander != null) {
                    described = described.flatMap(v -> tx.assign(link.incidentId(), "commander", commander, now, by));
                }
                return described.flatMap(v -> tx.escalate(link.incidentId(), 0, 1, now))
                        .flatMap(v -> tx.lock(link.incidentId()))
                        .flatMap(found -> {
                            Incident i = found.orElseThrow();
                            IncidentActions.Change c = change(i, input, now);
                            c.answer().put("declared", true);
                            return posts.first(c, i.id(), rank, input.getPublic(), input.getActor())
                                    .flatMap(posted -> actions.record(tx, FUNCTION, input, i, posted));
                        });
            });
        }).flatMap(answer -> answer.path("declared").asBoolean() ? actions.after(answer.path("incidentId").asText(), input, answer)
                : Uni.createFrom().item(answer)));
    }

    /** What declaring records and posts (the declared event itself is written by declareOrAttach). */
    IncidentActions.Change change(Incident i, DeclareIncidentInput input, Instant now) {
        Map<String, String> fields = messages.fields(i, now);
        if (messages.slack() && config.channel().perIncident() && i.channel() == null) {
            fields.put("channel", "#incident-" + IncidentMessages.CHANNEL_FORMAT.format(i.openedAt()));
        }
        String text = IncidentMessages.render(config.templates().declaration(), fields);
        IncidentActions.Change c = IncidentActions.Change.of()
                .effect("declare " + i.severity() + " " + i.id() + ": " + i.title(), null)
                .effect("escalation level 1 (" + config.escalation().levels().get(0).name() + ") paged", null)
                .messages(messages.toIncidentChannel("declaration", text, i.id() + "/declaration"))
                .messages(messages.toContacts(1, "escalation", "[" + i.severity() + "] " + i.title(), text,
                        i.id() + "/escalation/1"))
                .messages(messages.page(i, i.rank(), 1));
        if (i.commander() != null) {
            c.effect("commander: " + i.commander(), null).event("role-assigned", i.commander() + " is incident commander",
                    Map.of("role", "commander", "person", i.commander()));
        }
        c.event("escalated", "Escalated to level 1 (" + config.escalation().levels().get(0).name() + "): declared",
                Map.of("level", 1, "reason", "declared"));
        if (!i.tenants().isEmpty()) {
            c.effect("affected tenants: " + i.tenants().size(), null);
        }
        c.answer().put("severity", i.severity());
        c.answer().put("nextUpdateDue", i.nextUpdateDue() == null ? "no cadence at " + i.severity()
                : i.nextUpdateDue().toString());
        return c;
    }

    private Incident draft(String id, String title, Severity rank, String impact, String commander, List<String> tenants,
            Instant now) {
        return new Incident(id, title, scale.label(rank), "investigating", null, "declare-incident", now, null, impact,
                null, now, null, commander == null ? Map.of() : Map.of("commander", commander), 1, now,
                incidents.nextUpdateDue(rank, "investigating", now, now), null, tenants, null, null, null,
                new Incident.Postmortem(null, null, null, null), List.of(), rank, new Incident.Reminders(null, null), null,
                null);
    }

    /** Manual declarations of the same title while it is open are one incident. */
    static String fingerprint(String title) {
        String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return "declared/" + (slug.length() > 100 ? slug.substring(0, 100) : slug);
    }
}
