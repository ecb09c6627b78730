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

import io.firebreak.providers.resend.ResendApi;
import io.firebreak.providers.slack.SlackApi;
import io.firebreak.providers.whatsapp.WhatsAppApi;
import io.smallrye.mutiny.Uni;

/**
 * Sends one message over WhatsApp (a Cloud API template message), email (Resend) or Slack (a bot's
 * chat.postMessage), and says what happened in one shape: sent with the provider's id, a failure worth retrying (429,
 * 5xx, timeouts), or a permanent one (bad token, bad request) that retrying cannot fix.
 */
@ApplicationScoped
public class MessageChannels {

    /** The outcome of one send. */
    public record Delivery(boolean sent, boolean permanent, String providerId, String error) {
    }

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
        return read(whatsapp.send(phoneNumberId.get(), "Bearer " + whatsappToken.get(), body.toString()),
                json -> json.path("messages").path(0).path("id").asText(null),
                json -> json.path("error").path("message").asText(""));
    }

    public Uni<Delivery> email(String to, String subject, String text, String idempotencyKey) {
        if (resendKey.isEmpty() || emailFrom.isEmpty()) {
            return Uni.createFrom().item(new Delivery(false, true, null, "RESEND_API_KEY or NOTIFY_EMAIL_FROM is not set"));
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("from", emailFrom.get());
        body.putArray("to").add(to);
        // A subject is one header line: whatever reached it, no line break can start another header.
        body.put("subject", subject == null ? null : subject.replaceAll("[\\r\\n]+", " ").strip());
        body.put("text", text);
        return read(resend.send("Bearer " + resendKey.get(), idempotencyKey, body.toString()),
                json -> json.path("id").asText(null), json -> json.path("message").asText(""));
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
        body.put("text", slackText(text));
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
                return new Delivery(false, false, null, "HTTP " + answer.status());
            }
            JsonNode json = answer.body();
            if (answer.ok() && json != null && json.path("ok").asBoolean(false)) {
                return new Delivery(true, false, id.apply(json), null);
            }
            String error = json == null ? "HTTP " + answer.status() : json.path("error").asText("HTTP " + answer.status());
            return new Delivery(false, !error.equals("ratelimited") && !error.equals("internal_error"), null, error);
        });
    }

    private Uni<Delivery> read(Uni<Response> call, java.util.function.Function<JsonNode, String> id,
            java.util.function.Function<JsonNode, String> error) {
        return calls.call(call).map(answer -> {
            if (answer.ok()) {
                return new Delivery(true, false, id.apply(answer.body()), null);
            }
            if (answer.status() == 0) {
                return new Delivery(false, false, null, answer.failure());
            }
            boolean retry = answer.status() == 429 || answer.status() >= 500;
            return new Delivery(false, !retry, null, "HTTP " + answer.status() + " " + error.apply(answer.body()));
        });
    }
}
