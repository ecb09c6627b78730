package io.firebreak.incident;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;
import io.firebreak.db.OpsJson;
import io.firebreak.platform.FunctionError;

/**
 * The one way words reach the status page: a post written from an explicit {@code public} part, in
 * the same transaction and audit record as the incident change it accompanies. Resolving an
 * incident that was ever public always posts its resolution, so the page can never be left showing
 * an outage that is over.
 */
@ApplicationScoped
public class PublicPosts {

    static final String LAST = """
            SELECT title, status, components::text AS components FROM status_posts
            WHERE incident_id = $1 ORDER BY posted_at DESC, id DESC LIMIT 1""";

    static final String INSERT = """
            INSERT INTO status_posts (incident_id, status, title, body, components, impact, posted_at, posted_by,
                                      audit_id, approved_digest)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""";

    /** What resolution posts when the caller gave no public words: the fact, nothing internal. */
    public static final String RESOLVED_TEXT = "This incident has been resolved.";

    /** Told after every change that may move the page (the page re-renders and re-exports). */
    public record Changed(String why) {
    }

    /** A post as it will be written. */
    public record Post(String status, String title, String text, Map<String, String> components, String impact) {
    }

    @Inject
    OpsDb ops;

    @Inject
    OpsJson json;

    @Inject
    StatusComponents declared;

    @Inject
    Event<Changed> changed;

    @Inject
    Clock clock;

    /** The public incident's last post, if it has been public. */
    public Uni<Optional<Post>> last(String incidentId) {
        return ops.preparedQuery(LAST).execute(Tuple.of(incidentId)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            var r = rows.iterator().next();
            Map<String, String> components = new LinkedHashMap<>();
            json.tree(r.getString("components")).fields()
                    .forEachRemaining(f -> components.put(f.getKey(), f.getValue().asText()));
            return Optional.of(new Post(r.getString("status"), r.getString("title"), null, components, null));
        });
    }

    /**
     * Checks a public part and adds its post to a change (shown in a dry run, written with the
     * change): status defaults from the incident's, the title and components carry over from the
     * previous post; {@code resolving} makes it the resolution post. A resolution without a public
     * part still posts one when the incident was public.
     */
    public Uni<IncidentActions.Change> add(IncidentActions.Change c, String incidentId, Severity rank, String internalStatus,
            PublicPart part, boolean resolving, String by) {
        if (part == null && !resolving) {
            return Uni.createFrom().item(c);
        }
        return add(c, incidentId, last(incidentId), rank, internalStatus, part, resolving, by);
    }

    /** The first post of an incident being declared (a dry run's has no id yet). */
    public Uni<IncidentActions.Change> first(IncidentActions.Change c, String incidentId, Severity rank, PublicPart part,
            String by) {
        if (part == null) {
            return Uni.createFrom().item(c);
        }
        return add(c, incidentId, Uni.createFrom().item(Optional.empty()), rank, "investigating", part, false, by);
    }

    private Uni<IncidentActions.Change> add(IncidentActions.Change c, String incidentId, Uni<Optional<Post>> previous,
            Severity rank, String internalStatus, PublicPart part, boolean resolving, String by) {
        return previous.map(prev -> {
            if (part == null && prev.isEmpty()) {
                return c; // never public: nothing to resolve on the page
            }
            Post post = post(part, prev, rank, internalStatus, resolving);
            c.effect("status page: " + post.status() + " \"" + post.title() + "\" (" + post.impact() + ")"
                    + (post.components().isEmpty() ? "" : " " + post.components()),
                    (tx, auditId) -> tx.connection().preparedQuery(INSERT).execute(Tuple.from(new Object[] {
                        incidentId, post.status(), post.title(), post.text(), json.jsonb(post.components()),
                        post.impact(), IncidentStore.utc(clock.instant()), by, auditId, null})));
            c.event("public-post", "Status page: " + post.status() + ": " + post.text(),
                    Map.of("status", post.status(), "title", post.title(), "components", post.components()));
            c.answer().put("publicPost", post);
            return c;
        });
    }

    Post post(PublicPart part, Optional<Post> prev, Severity rank, String internalStatus, boolean resolving) {
        String status = resolving ? "resolved"
                : part.getStatus() != null ? check(part.getStatus()) : publicStatus(internalStatus);
        if (!resolving && "resolved".equals(status)) {
            throw FunctionError.badInput("invalid_value", "public.status",
                    "a public post is resolved only by resolve-incident (investigating, identified or monitoring)");
        }
        String title = part != null && part.getTitle() != null ? IncidentActions.text(part.getTitle(), "public.title", 200, true)
                : prev.map(Post::title).orElse(null);
        Map<String, String> components = new LinkedHashMap<>();
        if (part != null && part.getComponents() != null) {
            part.getComponents().forEach((id, state) -> {
                declared.ids(List.of(id), "public.components");
                if (state == null || !StatusComponents.STATES.contains(state) || state.equals("under_maintenance")) {
                    throw FunctionError.badInput("invalid_value", "public.components",
                            "component " + id + "'s state is one of degraded_performance, partial_outage, major_outage, operational");
                }
                components.put(id, state);
            });
        } else {
            prev.ifPresent(p -> components.putAll(p.components()));
        }
        if (resolving) {
            components.replaceAll((id, state) -> "operational");
        }
        if (title == null) {
            List<String> names = new ArrayList<>();
            components.keySet().forEach(id -> names.add(declared.components().get(id).name()));
            title = names.isEmpty() ? "Service disruption" : "Service disruption: " + String.join(", ", names);
        }
        String text = part == null || part.getText() == null ? null : IncidentActions.text(part.getText(), "public.text", 2000, true);
        if (text == null) {
            if (!resolving) {
                throw FunctionError.badInput("missing_field", "public.text",
                        "public.text is required: the status page publishes only words given for it");
            }
            text = RESOLVED_TEXT;
        }
        return new Post(status, title, text, components, impact(rank));
    }

    private static String check(String status) {
        if (!StatusComponents.POST_STATUSES.contains(status)) {
            throw FunctionError.badInput("invalid_value", "public.status",
                    "public.status is one of " + StatusComponents.POST_STATUSES);
        }
        return status;
    }

    /** The incident's own status in Statuspage's words (mitigating is "identified" to the public). */
    public static String publicStatus(String internal) {
        return switch (internal) {
            case "mitigating" -> "identified";
            case "monitoring" -> "monitoring";
            case "resolved" -> "resolved";
            default -> "investigating";
        };
    }

    /** Statuspage's impact from the canonical rank. */
    public static String impact(Severity rank) {
        return switch (rank) {
            case P0 -> "critical";
            case P1 -> "major";
            default -> "minor";
        };
    }

    /** After a commit: the page re-renders (asynchronously; a failure there never fails the change). */
    public void changed(String why) {
        changed.fireAsync(new Changed(why));
    }

}
