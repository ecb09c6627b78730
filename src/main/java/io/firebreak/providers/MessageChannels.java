package io.firebreak.providers;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.pagerduty.PagerDutyApi;
import io.firebreak.providers.resend.ResendApi;
import io.firebreak.providers.slack.SlackApi;
import io.firebreak.providers.whatsapp.WhatsAppApi;

/**
 * Sends one message over WhatsApp (a Cloud API template message), email (Resend) or Slack (a bot's
 * chat.postMessage), and says what happened in one shape: sent with the provider's id, a failure worth retrying (429,
 * 5xx, timeouts), or a permanent one (bad token, bad request) that retrying cannot fix.
 */
@ApplicationScoped
public class MessageChannels {

    /**
     * The outcome of one send; {@code retryAfter} is the provider's own wait (Retry-After) for a
     * failure worth retrying, null when it said none.
     */
    public record Delivery(boolean sent, boolean permanent, String providerId, String error, java.time.Duration retryAfter) {
        public Delivery(boolean sent, boolean permanent, String providerId, String error) {
            this(sent, permanent, providerId, error, null);
        }
    }

    /**
     * Meta's error codes worth retrying (branch on error.code, not the HTTP status): throughput and
     * pair-rate limits (130429, 131056, 80007, 4, 613), temporary errors (1, 2, 131000, 133004), and
     * its own outages. Throttling arrives as HTTP 400.
     */
    static final java.util.Set<Integer> WHATSAPP_RETRYABLE = java.util.Set.of(1, 2, 4, 613, 80007, 130429, 131000, 131056,
            133004);

    /** Slack's errors worth retrying: rate limits and its own outages (HTTP 200 with ok:false). */
    static final java.util.Set<String> SLACK_RETRYABLE = java.util.Set.of("ratelimited", "rate_limited", "fatal_error",
            "internal_error", "service_unavailable", "request_timeout");

    /** Resend's default limit: 2 requests per second per team; every sender waits its turn. */
    private final ProviderPacer pacer = new ProviderPacer(System::nanoTime);

    @ConfigProperty(name = "firebreak.providers.resend.max-rate", defaultValue = "2")
    double resendRate;

    @Inject
    @RestClient
    WhatsAppApi whatsapp;

    @Inject
    @RestClient
    ResendApi resend;

    @Inject
    @RestClient
    SlackApi slack;

    @Inject
    @RestClient
    PagerDutyApi pagerduty;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "slack.bot-token")
    Optional<String> slackToken;

    @ConfigProperty(name = "whatsapp.token")
    Optional<String> whatsappToken;

    @ConfigProperty(name = "whatsapp.phone-number-id")
    Optional<String> phoneNumberId;

    @ConfigProperty(name = "resend.api-key")
    Optional<String> resendKey;

    @ConfigProperty(name = "notify.email-from")
    Optional<String> emailFrom;

    @ConfigProperty(name = "firebreak.notify.whatsapp-language", defaultValue = "en_US")
    String language;

    @Inject
    ProviderCalls calls;

    /** A WhatsApp template message whose one body parameter is the rendered text. */
    public Uni<Delivery> whatsapp(String to, String template, String text) {
        if (whatsappToken.isEmpty() || phoneNumberId.isEmpty()) {
            return Uni.createFrom().item(new Delivery(false, true, null, "WHATSAPP_TOKEN or WHATSAPP_PHONE_NUMBER_ID is not set"));
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("messaging_product", "whatsapp");
        body.put("to", to.replace("+", ""));
        body.put("type", "template");
        ObjectNode t = body.putObject("template");
        t.put("name", template);
        t.putObject("language").put("code", language);
        t.putArray("components").addObject().put("type", "body").putArray("parameters").addObject()
                .put("type", "text").put("text", text);
        // Meta's guidance: retryable or not by error.code, whatever the HTTP status (throttling is a 400).
        return read(whatsapp.send(phoneNumberId.get(), "Bearer " + whatsappToken.get(), body.toString()),
                json -> json.path("messages").path(0).path("id").asText(null),
                json -> "code " + whatsappCode(json) + " " + json.path("error").path("message").asText(""),
                json -> WHATSAPP_RETRYABLE.contains(whatsappCode(json)));
    }

    public Uni<Delivery> email(String to, String subject, String text, String idempotencyKey) {
        if (resendKey.isEmpty() || emailFrom.isEmpty()) {
            return Uni.createFrom().item(new Delivery(false, true, null, "RESEND_API_KEY or NOTIFY_EMAIL_FROM is not set"));
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("from", emailFrom.get());
        body.putArray("to").add(to);
        // A subject is one header line: whatever reached it, no line break can start another header.
        body.put("subject", subject == null || subject.isBlank() ? "(no subject)" : subject.replaceAll("[\\r\\n]+", " ").strip());
        body.put("text", text == null ? "" : text);
        return pacer.slot("resend", resendRate).flatMap(ready -> read(resend.send("Bearer " + resendKey.get(),
                idempotencyKey, body.toString()), json -> json.path("id").asText(null), json -> json.path("message").asText(""),
                // 409 concurrent_idempotent_requests: the same key is still in flight at Resend; try again.
                json -> "concurrent_idempotent_requests".equals(json.path("name").asText())))
                .invoke(d -> {
                    if (d.retryAfter() != null) {
                        pacer.pause("resend", d.retryAfter());
                    }
                });
    }

    /**
     * Slack's formatting rules: &amp;, &lt; and &gt; are control characters of its markup, so a title
     * holding {@code <!channel>} or {@code <https://evil|log in>} is shown as written, never as a
     * mention or a disguised link. Templates are plain text for the same reason.
     */
    static String slackText(String text) {
        return text == null ? null : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    public boolean slackConfigured() {
        return slackToken.isPresent();
    }

    /** Posts to a Slack channel (id or #name) or a user id (a direct message); answers the message's ts. */
    public Uni<Delivery> slack(String channel, String text) {
        if (slackToken.isEmpty()) {
            return Uni.createFrom().item(new Delivery(false, true, null, "SLACK_BOT_TOKEN is not set"));
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("channel", channel);
        body.put("text", text == null || text.isBlank() ? "(empty)" : slackText(text));
        return slack(slack.postMessage("Bearer " + slackToken.get(), body.toString()), json -> json.path("ts").asText(null));
    }

    /** Creates a public channel; on success the provider id is the channel's id. */
    public Uni<Delivery> createSlackChannel(String name) {
        if (slackToken.isEmpty()) {
            return Uni.createFrom().item(new Delivery(false, true, null, "SLACK_BOT_TOKEN is not set"));
        }
        return slack(slack.createChannel("Bearer " + slackToken.get(), mapper.createObjectNode().put("name", name).toString()),
                json -> json.path("channel").path("id").asText(null));
    }

    // Slack answers most failures with HTTP 200 and {"ok":false,"error":...}; only rate limits and
    // its own outages are worth retrying.
    private Uni<Delivery> slack(Uni<Response> call, java.util.function.Function<JsonNode, String> id) {
        return calls.call(call).map(answer -> {
            if (answer.status() == 0) {
                return new Delivery(false, false, null, answer.failure());
            }
            if (answer.status() == 429 || answer.status() >= 500) {
                return new Delivery(false, false, null, "HTTP " + answer.status(), retryAfter(answer.retryAfter()));
            }
            JsonNode json = answer.body();
            if (answer.ok() && json != null && json.path("ok").asBoolean(false)) {
                return new Delivery(true, false, id.apply(json), null);
            }
            String error = json == null ? "HTTP " + answer.status() : json.path("error").asText("HTTP " + answer.status());
            boolean retry = SLACK_RETRYABLE.contains(error);
            return new Delivery(false, !retry, null, error, retry ? retryAfter(answer.retryAfter()) : null);
        });
    }

    /**
     * A provider that answers by HTTP status: 2xx is sent; no answer, 429, 5xx or what
     * {@code alsoRetry} recognises in the body is worth another try; anything else fails for good.
     */
    private Uni<Delivery> read(Uni<Response> call, java.util.function.Function<JsonNode, String> id,
            java.util.function.Function<JsonNode, String> error, java.util.function.Predicate<JsonNode> alsoRetry) {
        return calls.call(call).map(answer -> {
            if (answer.ok()) {
                return new Delivery(true, false, id.apply(answer.body()), null);
            }
            if (answer.status() == 0) {
                return new Delivery(false, false, null, answer.failure());
            }
            boolean retry = answer.status() == 429 || answer.status() >= 500 || alsoRetry.test(answer.body());
            return new Delivery(false, !retry, null, "HTTP " + answer.status() + " " + error.apply(answer.body()),
                    retry ? retryAfter(answer.retryAfter()) : null);
        });
    }

    /**
     * One PagerDuty Events API v2 event (trigger, acknowledge or resolve) with its routing key added here,
     * so the key is never stored. PagerDuty's guidance: 202 accepted; 400 invalid event is permanent; 429 and
     * 5xx are retried with backoff; a re-sent event with the same dedup_key is harmless.
     */
    public Uni<Delivery> pagerduty(String routingKey, String event) {
        ObjectNode body;
        try {
            body = (ObjectNode) mapper.readTree(event);
        } catch (Exception e) {
            return Uni.createFrom().item(new Delivery(false, true, null, "not a PagerDuty event"));
        }
        body.put("routing_key", routingKey);
        return read(pagerduty.enqueue(body.toString()), json -> json == null ? null : json.path("dedup_key").asText(null),
                json -> json == null ? "" : json.path("status").asText("") + " " + json.path("errors").toString(), json -> false);
    }

    private static int whatsappCode(JsonNode json) {
        return json.path("error").path("code").asInt(-1);
    }

    /** A Retry-After header in seconds (the form these providers send), at most 10 minutes; null when absent. */
    static java.time.Duration retryAfter(String header) {
        java.time.Duration wait = ProviderCalls.seconds(header);
        return wait == null ? null : wait.compareTo(java.time.Duration.ofMinutes(10)) > 0 ? java.time.Duration.ofMinutes(10) : wait;
    }
}
