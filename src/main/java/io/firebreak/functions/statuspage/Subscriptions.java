package io.firebreak.functions.statuspage;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.StatusComponents;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.PublicSite;
import io.firebreak.providers.ProviderSignatures;

/**
 * Subscriptions to the status page: email with double opt-in, or a webhook; per component or all.
 * Nothing secret is stored: a subscriber's confirm and unsubscribe tokens and its webhook signing
 * secret are HMACs of its id under the server's status secret. Links in mail only show a page whose
 * button POSTs, so mail scanners that follow links cannot confirm or unsubscribe anyone. The
 * endpoints are rate-limited per client and never say whether an address was already subscribed.
 */
@ApplicationScoped
class Subscriptions {

    static final String INSERT = """
            INSERT INTO status_subscribers (id, kind, address, components, created_at, confirmed_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (kind, lower(address)) WHERE unsubscribed_at IS NULL DO NOTHING
            RETURNING id""";

    static final String LIVE = """
            SELECT id, confirmed_at FROM status_subscribers
            WHERE kind = $1 AND lower(address) = lower($2) AND unsubscribed_at IS NULL""";

    static final String FIND = """
            SELECT id, kind, address, components, confirmed_at, unsubscribed_at FROM status_subscribers WHERE id = $1""";

    static final String CONFIRM = """
            UPDATE status_subscribers SET confirmed_at = $2
            WHERE id = $1 AND confirmed_at IS NULL AND unsubscribed_at IS NULL""";

    static final String UNSUBSCRIBE = """
            UPDATE status_subscribers SET unsubscribed_at = $2 WHERE id = $1 AND unsubscribed_at IS NULL""";

    static final String QUEUE = """
            INSERT INTO status_deliveries (subscriber_id, kind, subject, body, dedupe_key, next_attempt_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $6)
            ON CONFLICT (dedupe_key) DO NOTHING""";

    static final Pattern EMAIL = Pattern.compile("[^@\\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}");
    static final Pattern ACTION = Pattern.compile(
            "/subscriptions/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/(confirm|unsubscribe)");

    /** Distinct clients remembered per minute; past it, everyone shares the site-wide limit. */
    static final int CLIENTS = 10_000;

    /** Per client and minute; the whole site's subscriptions per minute. */
    static final int PER_CLIENT = 5;
    static final int PER_MINUTE = 120;

    @Inject
    OpsDb ops;

    @Inject
    StatusComponents declared;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    @ConfigProperty(name = "firebreak.status.secret")
    Optional<String> secret;

    /** Hosts a webhook may name although private or plain http (tests' local receivers); empty in production. */
    @ConfigProperty(name = "firebreak.status.webhook-allow-hosts")
    Optional<List<String>> allowHosts;

    private final Map<String, int[]> counts = new ConcurrentHashMap<>();
    private volatile long minute;

    Uni<PublicSite.Response> serve(PublicSite.Request request, String path) {
        // Refusals fail the Uni (never thrown past it), so they leave with the site's CORS and caching headers.
        return Uni.createFrom().deferred(() -> answer(request, path));
    }

    private Uni<PublicSite.Response> answer(PublicSite.Request request, String path) {
        if (secret.isEmpty() || secret.get().length() < 32 || declared.page().url().isEmpty()) {
            throw new FunctionError(503, "subscriptions_off", "subscriptions are not configured "
                    + "(FIREBREAK_STATUS_SECRET, 32+ characters, and FIREBREAK_STATUS_PAGE_URL for the links)", null);
        }
        String method = request.method();
        if (path.equals("/subscriptions") || path.equals("/subscriptions.json")) {
            if (!method.equals("POST")) {
                throw new FunctionError(405, "method_not_allowed", "subscribe with POST", null);
            }
            limit(request.client());
            return subscribe(request);
        }
        Matcher m = ACTION.matcher(path);
        if (!m.matches()) {
            throw new FunctionError(404, "not_found", "no such subscription address", null);
        }
        UUID id = UUID.fromString(m.group(1));
        String action = m.group(2);
        String token = request.query().get("token");
        if (token == null || !ProviderSignatures.equal(token, token(action, id))) {
            limit(request.client());
            throw new FunctionError(403, "invalid_token", "this link is not valid", "token");
        }
        String here = "./" + action + "?token=" + token;
        if (method.equals("GET") || method.equals("HEAD")) {
            return Uni.createFrom().item(page(200, "../../", action.equals("confirm") ? "Confirm your subscription" : "Unsubscribe",
                    action.equals("confirm") ? "Press the button to start receiving status updates."
                            : "Press the button to stop receiving status updates.",
                    here, action.equals("confirm") ? "Confirm" : "Unsubscribe"));
        }
        if (!method.equals("POST")) {
            throw new FunctionError(405, "method_not_allowed", "use GET or POST", null);
        }
        Instant now = clock.instant();
        String sql = action.equals("confirm") ? CONFIRM : UNSUBSCRIBE;
        return ops.preparedQuery(sql).execute(Tuple.of(id, IncidentStore.utc(now))).map(rows -> action.equals("confirm")
                ? page(200, "../../", "Subscribed", "You will receive status updates. Every message has an unsubscribe link.", null, null)
                : page(200, "../../", "Unsubscribed", "You will not receive status updates any more.", null, null));
    }

    private Uni<PublicSite.Response> subscribe(PublicSite.Request request) {
        Map<String, List<String>> form = form(request);
        String email = first(form, "email");
        String webhook = first(form, "webhook");
        List<String> components = declared.ids(form.getOrDefault("components", List.of()), "components");
        if ((email == null) == (webhook == null)) {
            throw FunctionError.badInput(email == null ? "missing_field" : "invalid_value", "email",
                    "give an email address or a webhook URL (one of them)");
        }
        String kind = email != null ? "email" : "webhook";
        String address = email != null ? email(email) : webhook(webhook);
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        boolean html = isForm(request);
        return ops.preparedQuery(INSERT).execute(Tuple.from(new Object[] {id, kind, address,
                components.toArray(String[]::new), IncidentStore.utc(now), kind.equals("webhook") ? IncidentStore.utc(now) : null}))
                .flatMap(rows -> {
                    if (rows.size() == 1) {
                        return Uni.createFrom().item(Optional.of(id));
                    }
                    // Already live: re-send the confirmation if still pending; say the same as for a new one.
                    return ops.preparedQuery(LIVE).execute(Tuple.of(kind, address)).map(live -> {
                        for (Row r : live) {
                            if (r.getOffsetDateTime("confirmed_at") == null) {
                                return Optional.of(r.getUUID("id"));
                            }
                        }
                        return Optional.<UUID>empty();
                    });
                })
                .flatMap(pending -> {
                    if (kind.equals("email") && pending.isPresent()) {
                        UUID sid = pending.get();
                        String hour = String.valueOf(now.getEpochSecond() / 3600);
                        return ops.preparedQuery(QUEUE).execute(Tuple.from(new Object[] {sid, "confirm",
                                "Confirm your subscription to " + declared.page().name() + " status", confirmText(sid),
                                "confirm/" + sid + "/" + hour, IncidentStore.utc(now)})).replaceWith(pending);
                    }
                    return Uni.createFrom().item(pending);
                })
                .map(pending -> {
                    if (kind.equals("email")) {
                        String text = "If this address can receive mail, a confirmation link is on its way to it.";
                        return html ? page(202, "", "Check your inbox", text, null, null)
                                : json(202, mapper.createObjectNode().put("kind", kind).put("state", "confirmation_sent")
                                        .put("message", text));
                    }
                    ObjectNode answer = mapper.createObjectNode().put("kind", kind);
                    if (pending.isEmpty()) {
                        // A live webhook subscription exists for this URL: its secret is not shown again.
                        answer.put("state", "already_subscribed");
                        return json(200, answer);
                    }
                    answer.put("id", id.toString()).put("state", "subscribed")
                            .put("signingSecret", token("webhook", id))
                            .put("unsubscribe", link(id, "unsubscribe"))
                            .put("signature", "X-Firebreak-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>");
                    return json(201, answer);
                });
    }

    /** The text of the confirmation mail. */
    String confirmText(UUID id) {
        return "Someone (hopefully you) asked to receive status updates from " + declared.page().name() + ".\n\n"
                + "Confirm: " + link(id, "confirm") + "\n\n"
                + "If it was not you, ignore this message: nothing will be sent without confirmation.\n";
    }

    /** A subscriber's link for an action, with its derived token. */
    String link(UUID id, String action) {
        return declared.page().url().orElse("") + "/subscriptions/" + id + "/" + action + "?token=" + token(action, id);
    }

    /** HMAC-SHA256 of purpose and id under the status secret: tokens and webhook secrets, never stored. */
    String token(String purpose, UUID id) {
        return StatusDeliveries.hmac(secret.orElseThrow(), purpose + ":" + id);
    }

    private void limit(String client) {
        long now = clock.millis() / 60_000;
        if (now != minute) {
            counts.clear();
            minute = now;
        }
        String key = client == null ? "?" : client;
        int[] mine = counts.size() < CLIENTS ? counts.computeIfAbsent(key, k -> new int[1]) : counts.get(key);
        int[] all = counts.computeIfAbsent("*", k -> new int[1]);
        // One client over its own limit is refused without using up everyone else's.
        if (mine != null) {
            synchronized (mine) {
                if (++mine[0] > PER_CLIENT) {
                    throw limited();
                }
            }
        }
        synchronized (all) {
            if (all[0] >= PER_MINUTE) {
                throw limited();
            }
            all[0]++;
        }
    }

    private static FunctionError limited() {
        return new FunctionError(429, "rate_limited", "too many subscription requests; try again in a minute", null,
                Map.of("retryAfterSeconds", 60), false);
    }

    static String email(String raw) {
        String e = raw.strip();
        if (e.length() > 254 || !EMAIL.matcher(e).matches()) {
            throw FunctionError.badInput("invalid_value", "email", "not an email address");
        }
        return e;
    }

    String webhook(String raw) {
        URI uri;
        try {
            uri = new URI(raw.strip());
        } catch (java.net.URISyntaxException e) {
            throw FunctionError.badInput("invalid_value", "webhook", "not a URL");
        }
        String host = uri.getHost();
        if (host == null || raw.length() > 500 || uri.getUserInfo() != null) {
            throw FunctionError.badInput("invalid_value", "webhook", "an https URL with a host, no credentials");
        }
        boolean allowed = allowHosts.orElse(List.of()).contains(host.toLowerCase(java.util.Locale.ROOT));
        if (!allowed && !"https".equals(uri.getScheme())) {
            throw FunctionError.badInput("invalid_value", "webhook", "webhooks are https only");
        }
        if (!allowed && privateHost(IDN.toASCII(host))) {
            throw FunctionError.badInput("invalid_value", "webhook", "the webhook's host is not a public address");
        }
        return uri.toString();
    }

    /**
     * Loopback, private, shared (CGNAT), link-local (cloud metadata), reserved, multicast, IPv4
     * embedded in IPv6 (compatible, NAT64) or unresolvable: never a place firebreak posts to for a
     * stranger. Checked when subscribing and again before every delivery (a name may change).
     */
    static boolean privateHost(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!publicAddress(a)) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException e) {
            return true;
        }
    }

    static boolean publicAddress(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int x = b[0] & 0xff;
            int y = b[1] & 0xff;
            return !(x == 0 || x >= 240 || (x == 100 && y >= 64 && y < 128) || (x == 192 && y == 0 && (b[2] & 0xff) == 0)
                    || (x == 198 && (y == 18 || y == 19)) || (x == 192 && y == 0 && (b[2] & 0xff) == 2)
                    || (x == 198 && y == 51 && (b[2] & 0xff) == 100) || (x == 203 && y == 0 && (b[2] & 0xff) == 113));
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 12; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        boolean uniqueLocal = (b[0] & 0xfe) == 0xfc;
        boolean documentation = (b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8;
        return !(zeroPrefix || nat64 || uniqueLocal || documentation);
    }

    /** Whether a webhook's host may be posted to now (the tests' allowed hosts always may). */
    boolean deliverable(URI uri) {
        String host = uri.getHost();
        return host != null && (allowHosts.orElse(List.of()).contains(host.toLowerCase(java.util.Locale.ROOT))
                || !privateHost(IDN.toASCII(host)));
    }

    private Map<String, List<String>> form(PublicSite.Request request) {
        byte[] body = request.body();
        if (body == null || body.length == 0) {
            throw FunctionError.badInput("missing_field", "email", "give an email address or a webhook URL");
        }
        if (body.length > 4096) {
            throw FunctionError.badInput("body_too_large", null, "the body is larger than 4096 bytes");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
        if (!isForm(request)) {
            JsonNode node;
            try {
                node = mapper.readTree(text);
            } catch (java.io.IOException e) {
                throw FunctionError.badInput("malformed_json", null, "the body is not JSON or a form");
            }
            if (node == null || !node.isObject()) {
                throw FunctionError.badInput("malformed_json", null, "the body is one JSON object");
            }
            node.fields().forEachRemaining(f -> {
                List<String> values = new ArrayList<>();
                if (f.getValue().isArray()) {
                    f.getValue().forEach(v -> values.add(v.asText()));
                } else if (f.getValue().isTextual()) {
                    values.add(f.getValue().asText());
                } else {
                    throw FunctionError.badInput("invalid_value", f.getKey(), f.getKey() + " is text");
                }
                out.put(f.getKey(), values);
            });
        } else {
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                String[] kv = pair.split("=", 2);
                String key;
                String value;
                try {
                    key = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                    value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                } catch (IllegalArgumentException e) {
                    throw FunctionError.badInput("malformed_form", null, "the form body is not URL-encoded");
                }
                if (!value.isBlank()) {
                    out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                }
            }
        }
        for (String key : out.keySet()) {
            if (!List.of("email", "webhook", "components").contains(key)) {
                throw FunctionError.badInput("unknown_field", key, "fields are email, webhook and components");
            }
        }
        return out;
    }

    private static String first(Map<String, List<String>> form, String key) {
        List<String> v = form.get(key);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0);
    }

    private static boolean isForm(PublicSite.Request request) {
        String type = request.header("content-type");
        return type != null && type.startsWith("application/x-www-form-urlencoded");
    }

    private PublicSite.Response page(int status, String root, String heading, String text, String action, String button) {
        PublicSite.Response r = PublicSite.Response.of(status, "text/html; charset=utf-8",
                StatusHtml.message(declared.page().name(), root, heading, text, action, button));
        r.headers().put("cache-control", "no-store");
        r.headers().put("referrer-policy", "no-referrer");
        return r;
    }

    private PublicSite.Response json(int status, ObjectNode body) {
        PublicSite.Response r = PublicSite.Response.of(status, "application/json", body.toString());
        r.headers().put("cache-control", "no-store");
        return StatusSite.cors(r);
    }

}
