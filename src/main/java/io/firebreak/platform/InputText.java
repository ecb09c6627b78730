package io.firebreak.platform;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The one check of text every caller sends, at admission: no NUL or other C0 control character
 * (tab, newline and carriage return only in free-text fields), no null where a list holds values,
 * idempotency keys and headers of a bounded size. A refusal names the field, so the same poison
 * never reaches a database, a log line, an email header or a Slack message.
 */
public final class InputText {

    /** Fields people write prose in: notes, updates, reasons, impact, a monitor's details. */
    static final Set<String> FREE_TEXT = Set.of("text", "reason", "impact", "resolution", "alertDetails",
            "description", "summary", "message");

    /** What a provider's webhook is read for; the rest of its payload is kept as it came. */
    static final Set<String> PROVIDER_FIELDS = Set.of("event", "event.type", "txRef", "data.reference", "data.tx_ref");

    public static final int MAX_IDEMPOTENCY_KEY = 255;
    public static final int MAX_AUTHORIZATION = 4096;

    private InputText() {
    }

    /** Checks every string (and, for callers other than providers, every key and list element) of the input. */
    static void check(JsonNode tree, boolean provider) {
        walk(tree, "", provider);
    }

    private static void walk(JsonNode node, String path, boolean provider) {
        if (node.isTextual()) {
            if (!provider || PROVIDER_FIELDS.contains(path)) {
                text(node.asText(), path);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (!provider) {
                    text(e.getKey(), path.isEmpty() ? "(a field name)" : path);
                }
                walk(e.getValue(), child, provider);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String child = path + "[" + i + "]";
                if (node.get(i).isNull() && !provider) {
                    throw FunctionError.badInput("invalid_value", child, child + " is null: lists hold values");
                }
                walk(node.get(i), child, provider);
            }
        }
    }

    /** Refuses control characters; free-text fields may hold tab and line breaks. */
    static void text(String value, String path) {
        String last = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
        boolean prose = FREE_TEXT.contains(last.replaceAll("\\[\\d+]$", "")) || path.contains("annotations");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && !(prose && (c == '\t' || c == '\n' || c == '\r')) || c == 0x7f) {
                throw FunctionError.badInput("invalid_value", path, path + " holds a control character (U+"
                        + String.format("%04X", (int) c) + ") at position " + i
                        + (prose ? "; only tab and line breaks are allowed" : ""));
            }
        }
    }

    /** An idempotency key: at most 255 characters, no control characters. */
    static void idempotencyKey(String key) {
        if (key.length() > MAX_IDEMPOTENCY_KEY) {
            throw FunctionError.badInput("invalid_value", "idempotencyKey",
                    "an idempotency key is at most " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        text(key, "idempotencyKey");
    }

    /** A reason every change (and every decision on one) states, kept in the audit record: 1 to 1000 characters. */
    public static String reason(String reason, String missing) {
        if (reason == null || reason.isBlank()) {
            throw FunctionError.badInput("missing_field", "reason", missing);
        }
        if (reason.length() > 1000) {
            throw FunctionError.badInput("invalid_value", "reason", "reason is at most 1000 characters");
        }
        return reason.strip();
    }
}
