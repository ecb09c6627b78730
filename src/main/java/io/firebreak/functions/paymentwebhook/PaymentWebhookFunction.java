package io.firebreak.functions.paymentwebhook;

import java.util.Locale;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.functions.verifypayment.VerifyPaymentFlow;

/** Takes signed Paystack and Flutterwave webhooks and settles the payment only after asking the provider again. */
@Singleton
public class PaymentWebhookFunction {

    @Inject
    VerifyPaymentFlow flow;

    @Inject
    ProviderEvents events;

    @Inject
    ObjectMapper mapper;

    /**
     * What an event is about: its type, and the payment reference when it is a payment firebreak may
     * settle (Paystack charge.success; Flutterwave charge.completed, or a flat legacy event with a
     * txRef). Anything else — subscriptions, invoices, refunds, disputes, transfers (whose
     * reference is a payout's) — is a verified event firebreak does not act on.
     */
    record Event(String type, String reference, String why) {
        boolean settles() {
            return why == null;
        }
    }

    static Event of(String provider, PaymentWebhookInput in) {
        if (provider.equals("paystack")) {
            String type = text(in.getEvent(), "unknown");
            Object ref = in.getData() == null ? null : in.getData().get("reference");
            if (!type.equals("charge.success")) {
                return new Event(type, ref instanceof String r ? r : null, "not a payment to settle");
            }
            return reference(type, ref);
        }
        if (in.getData() == null && in.getTxRef() != null) {
            // Flutterwave's older webhook version: flat, the type under "event.type".
            return reference(text(in.getLegacyEventType(), "legacy"), in.getTxRef());
        }
        String type = text(in.getEvent(), "unknown");
        Object ref = in.getData() == null ? null : in.getData().get("tx_ref");
        if (!type.toLowerCase(Locale.ROOT).startsWith("charge.")) {
            Object other = in.getData() == null ? null : in.getData().get("reference");
            return new Event(type, other instanceof String r ? r : null, "not a payment to settle");
        }
        return reference(type, ref);
    }

    private static Event reference(String type, Object ref) {
        if (!(ref instanceof String r) || r.isBlank()) {
            return new Event(type, null, "the event names no payment reference");
        }
        if (r.length() > 200) {
            return new Event(type, null, "the payment reference is longer than any firebreak settles");
        }
        return new Event(type, r, null);
    }

    private static String text(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value.length() > 100 ? value.substring(0, 100) : value;
    }

    @Funq("payment-webhook")
    public Uni<JsonNode> paymentWebhook(PaymentWebhookInput input) {
        // Admission verified the signature and named the provider as the actor. Every verified event
        // gets a 2xx (a provider re-delivers anything else); what firebreak does not act on is recorded.
        String provider = input.getActor().tokenId().substring("webhook:".length());
        Event event = of(provider, input);
        if (!event.settles()) {
            ObjectNode answer = mapper.createObjectNode();
            answer.put("received", true);
            answer.put("event", event.type());
            answer.put("action", "ignored");
            answer.put("why", event.why());
            return events.record(provider, event.type(), event.reference(), "ignored", event.why(), null)
                    .replaceWith(answer);
        }
        return flow.webhook(provider, event.reference(), event.type(), input.getActor())
                .map(answer -> (JsonNode) ((ObjectNode) answer).put("event", event.type())
                        .put("action", answer.path("settled").asBoolean() ? "settled" : "verified"))
                .call(answer -> events.record(provider, event.type(), event.reference(), answer.path("action").asText(),
                        answer.path("finding").asText(null),
                        answer.hasNonNull("auditId") ? answer.get("auditId").asLong() : null));
    }
}
