package io.firebreak.incident;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Actor;
import io.firebreak.platform.ActorInput;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.Role;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.IdempotentCalls;
import io.firebreak.safety.PlannedActions;

/**
 * How every incident lifecycle function changes the record: the change is decided from the
 * incident as it is (locked, so two changes to one incident queue up), and either shown (dry run)
 * or committed at once with its audit record, its timeline events and the messages announcing it;
 * a person's first act acknowledges the incident. With an Idempotency-Key a repeat gets the first answer.
 */
@ApplicationScoped
public class IncidentActions {


    @Inject
    IncidentStore incidents;

    @Inject
    AuditTrail audit;

    @Inject
    TeamMessages outbox;

    @Inject
    IncidentMessages messages;

    @Inject
    IdempotentCalls calls;

    @Inject
    TenantNotices notices;

    @Inject
    PublicPosts posts;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    /** One timeline event a change records. */
    public record Event(String kind, String summary, Map<String, Object> detail) {
    }

    /** A write that runs after the audit record exists, so it can name it. */
    public interface Write extends BiFunction<IncidentStore.Tx, Long, Uni<?>> {
    }

    /**
     * What a change does: what a person reads in a dry run (effects), the writes, the events, the
     * team messages, and fields for the answer.
     */
    public record Change(List<String> effects, List<Write> writes, List<Event> events, List<TeamMessages.Message> messages,
            Map<String, Object> answer) {

        public static Change of() {
            return new Change(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new LinkedHashMap<>());
        }

        public Change effect(String effect, Write write) {
            effects.add(effect);
            if (write != null) {
                writes.add(write);
            }
            return this;
        }

        public Change event(String kind, String summary, Map<String, Object> detail) {
            events.add(new Event(kind, summary, detail));
            return this;
        }

        public Change messages(List<TeamMessages.Message> more) {
            messages.addAll(more);
            return this;
        }
    }

    public static void requireId(IncidentInput input) {
        if (input == null || input.getId() == null || input.getId().isBlank()) {
            throw FunctionError.badInput("missing_field", "id", "id is required (INC-YYYY-MM-DD-NNN)");
        }
        if (!IncidentIds.valid(input.getId())) {
            throw FunctionError.badInput("invalid_value", "id", "id must look like INC-YYYY-MM-DD-NNN");
        }
    }

    public static String text(String value, String field, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw FunctionError.badInput("missing_field", field, field + " is required");
            }
            return null;
        }
        if (value.length() > max) {
            throw FunctionError.badInput("invalid_value", field, field + " is at most " + max + " characters");
        }
        return value.strip();
    }

    /** How timelines name who acted. */
    public static String source(Actor actor) {
        return "person:" + actor.display();
    }

    /** Changes an existing, open incident (resolve and update refuse resolved ones; notes may follow resolution). */
    public Uni<JsonNode> change(String function, IncidentInput input, boolean allowResolved,
            Function<Incident, Uni<Change>> decide) {
        if (input.dry()) {
            return incidents.find(input.getId()).flatMap(found -> {
                Incident i = check(found, input, allowResolved);
                return decide.apply(i).map(c -> dryAnswer(i.id(), c));
            });
        }
        return once(function, input, () -> incidents.transaction(tx -> tx.lock(input.getId()).flatMap(found -> {
            Incident i = check(found, input, allowResolved);
            return decide.apply(i).flatMap(c -> record(tx, function, input, i, c));
        })).flatMap(answer -> after(answer.path("incidentId").asText(), input, answer)));
    }

    /** Runs a change once per Idempotency-Key (no key: every call is a new change). */
    public Uni<JsonNode> once(String function, ActorInput input, java.util.function.Supplier<Uni<JsonNode>> work) {
        String key = input.getIdempotencyKey();
        if (key == null || key.isBlank()) {
            return work.get();
        }
        return calls.once(function, key, PlannedActions.sha256(function + "\u001f" + audited(input)), work);
    }

    private Incident check(java.util.Optional<Incident> found, IncidentInput input, boolean allowResolved) {
        Incident i = found.orElseThrow(() -> new FunctionError(404, "incident_not_found", "no incident " + input.getId(), "id"));
        if (!allowResolved && !i.open()) {
            throw new FunctionError(409, "incident_resolved", i.id() + " was resolved at " + i.resolvedAt()
                    + ": declare a new incident if it is back", "id");
        }
        return i;
    }

    /**
     * Inside the caller's transaction: the audit record, the writes, the events (each naming the
     * audit record), the acknowledgement of a person's first act, and the queued messages.
     */
    public Uni<JsonNode> record(IncidentStore.Tx tx, String function, IncidentInput input, Incident i, Change c) {
        Actor actor = input.getActor();
        String source = source(actor);
        JsonNode in = audited(input);
        // Lifecycle calls need no reason (the change says it); the audit record always has one.
        String reason = input.getReason() != null ? input.getReason() : String.join("; ", c.effects());
        AuditTrail.Entry entry = new AuditTrail.Entry(actor, function, "apply", reason.isEmpty() ? function : reason, in,
                Map.of("incidentId", i.id(), "effects", c.effects()), 1, List.of(), "recorded", null);
        return audit.record(tx.connection(), entry).flatMap(auditId -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Write w : c.writes()) {
                chain = chain.flatMap(v -> w.apply(tx, auditId).replaceWithVoid());
            }
            for (Event e : c.events()) {
                Map<String, Object> detail = new LinkedHashMap<>(e.detail());
                detail.put("auditId", auditId);
                detail.put("function", function);
                chain = chain.flatMap(v -> tx.addEvent(i.id(), clock.instant(), e.kind(), source, e.summary(), detail));
            }
            java.util.concurrent.atomic.AtomicBoolean acknowledgedNow = new java.util.concurrent.atomic.AtomicBoolean();
            if (i.acknowledgedAt() == null && Role.parse(actor.role()).permits(Role.RESPONDER)) {
                chain = chain.flatMap(v -> tx.acknowledge(i.id(), clock.instant(), actor.display()))
                        .flatMap(acked -> {
                            acknowledgedNow.set(acked);
                            return acked ? tx.addEvent(i.id(), clock.instant(), "acknowledged", source,
                                    "Acknowledged by " + actor.display(), Map.of("auditId", auditId))
                                    : Uni.createFrom().voidItem();
                        });
            }
            // The acknowledge is queued after this change's own messages: a trigger they page (a severity raise on an
            // incident no level was paged for) goes first, and the acknowledge waits for it.
            return chain.flatMap(v -> outbox.queue(tx.connection(), i.id(), c.messages()))
                    .call(queued -> acknowledgedNow.get()
                            ? outbox.queue(tx.connection(), i.id(), messages.pageAll(i, "acknowledge"))
                            : Uni.createFrom().voidItem())
                    .map(queued -> {
                ObjectNode answer = mapper.createObjectNode();
                answer.put("incidentId", i.id());
                answer.put("auditId", auditId);
                answer.set("recorded", mapper.valueToTree(c.effects()));
                c.answer().forEach((k, v) -> answer.set(k, mapper.valueToTree(v)));
                answer.put("messagesQueued", queued.size());
                return (JsonNode) answer;
            });
        });
    }

    /** A call's input as the audit trail and idempotency keys hold it: without the actor, who is recorded apart. */
    public JsonNode audited(ActorInput input) {
        ObjectNode in = mapper.valueToTree(input);
        in.remove("actor");
        return in;
    }

    /** After the commit: create the channel if due and deliver; the answer says how delivery went. */
    public Uni<JsonNode> after(String incidentId, ActorInput input, JsonNode answer) {
        return posts.changed(incidentId).flatMap(published -> messages.afterCommit(incidentId, source(input.getActor())))
                .map(attempts -> {
            ObjectNode out = ((ObjectNode) answer).deepCopy();
            out.set("delivery", mapper.valueToTree(attempts));
            return (JsonNode) out;
        });
    }

    /**
     * Adds tenant notices (through notify-tenant's templates and outbox) to a change: one per tenant
     * that can be reached and was not told of this phase yet; the others are listed as skipped.
     */
    public Uni<Change> withNotices(Change c, String incidentId, String phase, List<String> tenants) {
        if (tenants.isEmpty()) {
            return Uni.createFrom().item(c);
        }
        List<Map<String, String>> skipped = new ArrayList<>();
        Uni<Change> chain = Uni.createFrom().item(c);
        for (String tenant : tenants) {
            java.util.UUID id = java.util.UUID.fromString(tenant);
            chain = chain.flatMap(ch -> notices.notice(id, incidentId, phase, List.of("whatsapp", "email"))
                    .map(p -> {
                        int n = p.rows();
                        ch.effect("notify tenant " + p.changes().path("tenant").asText() + " (" + phase + "): " + n
                                + " messages", (tx, auditId) -> notices.queueNotice(tx.connection(), auditId, incidentId,
                                        id, phase, p.changes()));
                        ch.event("notification-queued", "Tenant " + p.changes().path("tenant").asText() + " (" + phase
                                + "): " + n + " messages queued", Map.of("tenantId", tenant, "messages", n));
                        return ch;
                    })
                    .onFailure(FunctionError.class).recoverWithItem(e -> {
                        skipped.add(Map.of("tenantId", tenant, "code", ((FunctionError) e).code(), "why", e.getMessage()));
                        return ch;
                    }));
        }
        return chain.map(ch -> {
            ch.answer().put("tenantsSkipped", skipped);
            return ch;
        });
    }

    public JsonNode dryAnswer(String incidentId, Change c) {
        ObjectNode answer = mapper.createObjectNode();
        answer.put("dryRun", true);
        if (incidentId != null) {
            answer.put("incidentId", incidentId);
        }
        answer.set("wouldRecord", mapper.valueToTree(c.effects()));
        var events = answer.putArray("events");
        c.events().forEach(e -> events.addObject().put("kind", e.kind()).put("summary", e.summary()));
        var posts = answer.putArray("messages");
        c.messages().forEach(m -> posts.addObject().put("channel", m.channel()).put("to", m.recipient())
                .put("text", m.body()));
        c.answer().forEach((k, v) -> answer.set(k, mapper.valueToTree(v)));
        return answer;
    }
}
