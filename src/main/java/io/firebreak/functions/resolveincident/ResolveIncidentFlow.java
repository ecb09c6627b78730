package io.firebreak.functions.resolveincident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.IncidentConfig;
import io.firebreak.incident.IncidentMessages;
import io.firebreak.incident.PublicPosts;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.Role;

/**
 * Resolution on evidence: the criteria are judged first; unmet ones refuse the resolution with the
 * list (409, nothing recorded) unless the incident's commander (or an admin) forces it with a
 * reason. Resolving posts seed 001's resolution template, may tell tenants, and starts the 48 h
 * post-mortem clock.
 */
@ApplicationScoped
public class ResolveIncidentFlow {

    static final String FUNCTION = "resolve-incident";

    @Inject
    IncidentActions actions;

    @Inject
    ResolutionEvidence evidence;

    @Inject
    IncidentMessages messages;

    @Inject
    IncidentConfig config;

    @Inject
    PublicPosts posts;

    @Inject
    Clock clock;

    public Uni<JsonNode> resolve(ResolveIncidentInput input, String resolution, boolean force, List<String> tenants) {
        return posts.approve(input.getPublic(), input.getId(), input.getActor(), input.dry())
                .flatMap(approved -> actions.change(FUNCTION, input, false, i -> evidence.judge().flatMap(criteria -> {
            List<ResolutionEvidence.Criterion> unmet = criteria.stream().filter(c -> !c.met()).toList();
            if (!unmet.isEmpty() && !force && !input.dry()) {
                throw new FunctionError(409, "resolution_criteria_unmet", "not resolved; unmet: " + unmet.stream()
                        .map(c -> c.name() + " (" + c.detail() + ")").collect(Collectors.joining("; "))
                        + ". Fix them, or the commander forces resolution with force and a reason", null);
            }
            if (force && !unmet.isEmpty()) {
                String who = input.getActor().name();
                boolean admin = Role.parse(input.getActor().role()).permits(Role.ADMIN);
                if (!admin && (who == null || !who.equals(i.commander()))) {
                    throw new FunctionError(403, "not_commander", "only the incident commander ("
                            + (i.commander() == null ? "none assigned" : i.commander())
                            + ") or an admin may force a resolution", "force");
                }
            }
            Instant now = clock.instant();
            boolean forced = force && !unmet.isEmpty();
            Map<String, String> f = messages.fields(i, now);
            f.put("duration", IncidentMessages.duration(Duration.between(i.openedAt(), now)));
            f.put("resolution", resolution);
            f.put("evidence", forced ? "FORCED by " + input.getActor().display() + ": " + input.getReason()
                    : criteria.stream().map(ResolutionEvidence.Criterion::detail).collect(Collectors.joining("; ")));
            f.put("postmortemDue", IncidentMessages.STAMP.format(now.plus(config.postmortem().due())));
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("resolution", resolution);
            detail.put("forced", forced);
            detail.put("criteria", criteria);
            if (forced) {
                detail.put("forceReason", input.getReason());
            }
            IncidentActions.Change c = IncidentActions.Change.of()
                    .effect("resolve " + i.id() + (forced ? " (FORCED, " + unmet.size() + " criteria unmet)" : " on evidence"),
                            (tx, audit) -> tx.resolve(i.id(), now, resolution, forced))
                    .event("resolved", (forced ? "Resolved (forced: " + input.getReason() + "): " : "Resolved: ")
                            + resolution, detail)
                    .messages(messages.toIncidentChannel("resolution",
                            IncidentMessages.render(config.templates().resolution(), f), i.id() + "/resolution"))
                    .messages(messages.pageAll(i, "resolve"));
            c.answer().put("criteria", criteria);
            c.answer().put("wouldResolve", unmet.isEmpty() || force);
            c.answer().put("forced", forced);
            c.answer().put("postmortemDue", now.plus(config.postmortem().due()).toString());
            return posts.add(c, i.id(), i.rank(), "resolved", input.getPublic(), true, input.getActor())
                    .flatMap(posted -> actions.withNotices(posted, i.id(), "resolved", tenants));
        })));
    }
}
