package io.firebreak.functions.assignrole;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.IncidentMessages;
import io.firebreak.incident.IncidentPeople;
import io.firebreak.platform.FunctionError;

/** Assigns an incident role (commander, deputy, scribe, communications lead) to a person. */
@Singleton
public class AssignRoleFunction {

    static final List<String> ROLES = List.of("commander", "deputy", "scribe", "communications");

    /** Seed 003 and 004 spell the roles several ways. */
    static final Map<String, String> ALIASES = Map.of("incident-commander", "commander", "ic", "commander",
            "communications-lead", "communications", "comms", "communications");

    @Inject
    IncidentActions actions;

    @Inject
    IncidentMessages messages;

    @Inject
    Clock clock;

    @Funq("assign-role")
    public Uni<JsonNode> assignRole(AssignRoleInput input) {
        IncidentActions.requireId(input);
        String raw = input.getRole() == null ? null : input.getRole().strip().toLowerCase(Locale.ROOT).replace(' ', '-');
        if (raw == null || raw.isEmpty()) {
            throw FunctionError.badInput("missing_field", "role", "role is one of " + ROLES);
        }
        String role = ALIASES.getOrDefault(raw, raw);
        if (!ROLES.contains(role)) {
            throw FunctionError.badInput("invalid_value", "role", "role is one of " + ROLES);
        }
        String person = IncidentPeople.person(input.getPerson(), "person", true);
        IncidentActions.text(input.getReason(), "reason", 1000, false);
        return actions.change("assign-role", input, false, i -> {
            Instant now = clock.instant();
            String before = i.roles().get(role);
            IncidentActions.Change c = IncidentActions.Change.of();
            if (person.equals(before)) {
                c.answer().put("unchanged", true);
                c.effect(person + " already holds " + role, null);
                return Uni.createFrom().item(c);
            }
            String summary = person + " is " + role + (before == null ? "" : " (was " + before + ")");
            Map<String, Object> detail = new HashMap<>();
            detail.put("role", role);
            detail.put("person", person);
            if (before != null) {
                detail.put("previous", before);
            }
            c.effect(summary, (tx, audit) -> tx.assign(i.id(), role, person, now, input.getActor().display()))
                    .event("role-assigned", summary, detail)
                    .messages(messages.toIncidentChannel("role", i.id() + ": " + summary,
                            i.id() + "/role/" + role + "/" + now.toEpochMilli()));
            return Uni.createFrom().item(c);
        });
    }
}
