package io.firebreak.incident;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;
import io.firebreak.db.OpsJson;
import io.firebreak.platform.Actor;
import io.firebreak.platform.FunctionError;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.Approvals;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Plans;

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

    /** The plans of posts that need approval are this pseudo-function's (the gate finds their policy by it). */
    public static final String PLAN = "status-post";

    static final String USED = """
            SELECT 1 FROM status_posts WHERE incident_id = $1 AND approved_digest = $2""";

    /** What resolution posts when the caller gave no public words: the fact, nothing internal. */
    public static final String RESOLVED_TEXT = "This incident has been resolved.";

    /** A post as it will be written. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Post(String status, String title, String text, Map<String, String> components, String impact) {
    }

    /** A post an approved plan holds, with the digest it was approved for and what let it pass. */
    public record Approved(Post post, String digest, String gate) {
    }

    @Inject
    OpsDb ops;

    @Inject
    OpsJson json;

    @Inject
    StatusComponents declared;

    @Inject
    jakarta.enterprise.inject.Instance<StatusPublisher> publishers;

    @Inject
    Clock clock;

    @Inject
    Plans plans;

    @Inject
    Approvals approvals;

    @Inject
    ObjectMapper mapper;

    /**
     * Before the change's transaction (the gate may record a request naming the incident): a public
     * part that names a plan is resolved to the post that plan holds, once enough approvals for its
     * digest exist. A dry run only shows it. Nothing to do for a part without a plan.
     */
    public Uni<Void> approve(PublicPart part, String incidentId, Actor actor, boolean dry) {
        if (part == null || part.getPlanId() == null) {
            return Uni.createFrom().voidItem();
        }
        if (part.getText() != null || part.getTitle() != null || part.getStatus() != null || part.getComponents() != null) {
            throw FunctionError.badInput("invalid_value", "public.planId",
                    "public.planId publishes exactly what was approved: give no other public field");
        }
        UUID planId;
        try {
            planId = UUID.fromString(part.getPlanId());
        } catch (IllegalArgumentException e) {
            throw FunctionError.badInput("invalid_value", "public.planId", "public.planId is a plan id (UUID)");
        }
        return plans.find(planId).flatMap(found -> {
            Plans.Plan plan = found.orElseThrow(() -> new FunctionError(404, "unknown_plan", "no plan " + planId, "public.planId"));
            if (!plan.function().equals(PLAN) || !plan.scope().startsWith(incidentId + ":")) {
                throw new FunctionError(409, "plan_mismatch", "plan " + planId + " is not a public post of " + incidentId,
                        "public.planId");
            }
            if (plan.expiresAt().isBefore(clock.instant())) {
                throw new FunctionError(409, "expired_plan", "plan " + planId + " expired at " + plan.expiresAt(),
                        "public.planId");
            }
            Post post;
            try {
                post = mapper.treeToValue(plan.content(), Post.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("plan " + planId + " holds no post", e);
            }
            if (dry) {
                part.approved(new Approved(post, plan.digest(), "dry run: not checked"));
                return Uni.createFrom().voidItem();
            }
            ActionInput gate = new ActionInput();
            gate.setActor(actor);
            gate.setReason("public post: " + post.title());
            return approvals.gate(PLAN, plan, 1, gate, incidentId).map(passed -> {
                part.approved(new Approved(post, plan.digest(), passed));
                return (Void) null;
            });
        });
    }

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
            PublicPart part, boolean resolving, Actor actor) {
        if (part == null && !resolving) {
            return Uni.createFrom().item(c);
        }
        return add(c, incidentId, last(incidentId), rank, internalStatus, part, resolving, actor);
    }

    /** The first post of an incident being declared (a dry run's has no id yet). */
    public Uni<IncidentActions.Change> first(IncidentActions.Change c, String incidentId, Severity rank, PublicPart part,
            Actor actor) {
        if (part == null) {
            return Uni.createFrom().item(c);
        }
        if (part.getPlanId() != null) {
            throw FunctionError.badInput("invalid_value", "public.planId",
                    "a declaration's public part is approved after it is declared: publish it with update-incident");
        }
        return add(c, incidentId, Uni.createFrom().item(Optional.empty()), rank, "investigating", part, false, actor);
    }

    private Uni<IncidentActions.Change> add(IncidentActions.Change c, String incidentId, Uni<Optional<Post>> previous,
            Severity rank, String internalStatus, PublicPart part, boolean resolving, Actor actor) {
        String by = actor.display();
        return previous.flatMap(prev -> {
            if (part == null && prev.isEmpty()) {
                return Uni.createFrom().item(c); // never public: nothing to resolve on the page
            }
            if (part != null && part.approved() != null) {
                if (resolving || "resolved".equals(part.approved().post().status())) {
                    throw FunctionError.badInput("invalid_value", "public.planId",
                            "an approved post is published with update-incident; a resolution is never held (give public.text)");
                }
                return Uni.createFrom().item(write(c, incidentId, part.approved().post(), by, part.approved()));
            }
            Post post = post(part, prev, rank, internalStatus, resolving);
            boolean held = declared.approval().filter(a -> a.severities().contains(rank)).isPresent();
            // A resolution is never held: nothing could publish it once the incident is resolved, and the
            // page must not keep showing an outage that is over.
            if (held && incidentId != null && part != null && !resolving) {
                return needsApproval(c, incidentId, rank, post, actor);
            }
            return Uni.createFrom().item(write(c, incidentId, post, by, null));
        });
    }

    /**
     * A post the policy holds back: stored as a plan (its digest is what approvers sign), shown in
     * the answer with how to publish it; the change itself goes ahead without it.
     */
    private Uni<IncidentActions.Change> needsApproval(IncidentActions.Change c, String incidentId, Severity rank, Post post,
            Actor actor) {
        String digest = PlannedActions.sha256(PLAN + "\u001f" + incidentId + "\u001f" + json.jsonb(post));
        return plans.save(PLAN, incidentId + ":" + rank.name(), digest, post, 1, actor, java.time.Duration.ofHours(2))
                .map(plan -> {
                    c.effect("status page post held for approval (plan " + plan.id() + "): " + post.status() + " \""
                            + post.title() + "\"", null);
                    c.event("public-post-held", "Status page post awaits approval: " + post.text(),
                            Map.of("planId", plan.id().toString(), "digest", digest));
                    Map<String, Object> held = new LinkedHashMap<>();
                    held.put("state", "needs_approval");
                    held.put("planId", plan.id().toString());
                    held.put("digest", digest);
                    held.put("post", post);
                    held.put("next", "request-approval and approve plan " + plan.id()
                            + ", then update-incident with public.planId to publish exactly this");
                    c.answer().put("publicPost", held);
                    return c;
                });
    }

    private IncidentActions.Change write(IncidentActions.Change c, String incidentId, Post post, String by,
            Approved approved) {
        {
            String digest = approved == null ? null : approved.digest();
            c.effect("status page: " + post.status() + " \"" + post.title() + "\" (" + post.impact() + ")"
                    + (post.components().isEmpty() ? "" : " " + post.components())
                    + (approved == null ? "" : "; approved: " + approved.gate()),
                    (tx, auditId) -> unused(tx, incidentId, digest).flatMap(free -> tx.connection().preparedQuery(INSERT)
                            .execute(Tuple.from(new Object[] {incidentId, post.status(), post.title(), post.text(),
                                json.jsonb(post.components()), post.impact(), IncidentStore.utc(clock.instant()), by,
                                auditId, digest}))));
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", post.status());
            detail.put("title", post.title());
            detail.put("components", post.components());
            if (digest != null) {
                detail.put("approvedDigest", digest);
            }
            c.event("public-post", "Status page: " + post.status() + ": " + post.text(), detail);
            c.answer().put("publicPost", post);
            return c;
        }
    }

    /** An approved post is published once: checked inside the change's transaction, which holds the incident's lock. */
    private static Uni<Void> unused(IncidentStore.Tx tx, String incidentId, String digest) {
        if (digest == null) {
            return Uni.createFrom().voidItem();
        }
        return tx.connection().preparedQuery(USED).execute(Tuple.of(incidentId, digest)).map(rows -> {
            if (rows.size() > 0) {
                throw new FunctionError(409, "plan_used", "this approved post is on the page already", "public.planId");
            }
            return (Void) null;
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

    /** After a commit: the page is published as the deployment says (a failure there never fails the change). */
    public Uni<Void> changed(String why) {
        if (publishers.isUnsatisfied()) {
            return Uni.createFrom().voidItem();
        }
        return publishers.get().afterChange(why).onFailure().recoverWithNull().replaceWithVoid();
    }

}
