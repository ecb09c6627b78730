package io.firebreak.providers;

import java.net.URI;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A URL firebreak calls because functions.yaml declares it (a vendor status page, an account API),
 * fixed at start-up: {@code ${NAME}} and {@code ${NAME:default}} placeholders come from the
 * environment (an account id, a fake's address in tests), never from a caller's input; only https,
 * except for hosts listed in firebreak.outbound.plain-http-hosts (local fakes and drills).
 */
public final class DeclaredUrl {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)(?::([^}]*))?}");

    private DeclaredUrl() {
    }

    /** Placeholders replaced from config; one without a value and without a default is refused (null: leave the entry out). */
    public static String expand(String text, String what) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = ConfigProvider.getConfig().getOptionalValue(m.group(1), String.class).orElse(m.group(2));
            if (value == null) {
                throw new IllegalStateException("functions.yaml: " + what + " needs " + m.group(1) + " (set it, or give ${"
                        + m.group(1) + ":default})");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A declared variable's value (a URL's placeholder, a secret an entry names): empty when unset or blank. */
    public static java.util.Optional<String> env(String name) {
        return ConfigProvider.getConfig().getOptionalValue(name, String.class).filter(v -> !v.isBlank());
    }

    /** The placeholders without a default a text needs and the environment does not set: the entry is then skipped. */
    public static java.util.List<String> unset(String text) {
        return placeholders(text).stream().filter(p -> env(p).isEmpty()).toList();
    }

    /** The placeholder names a text uses, so an entry can be skipped (not refused) when its secret is absent. */
    public static Set<String> placeholders(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        Set<String> names = new java.util.LinkedHashSet<>();
        while (m.find()) {
            if (m.group(2) == null) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The declared URL, expanded and held to https (or an explicitly plain host); refused at start-up otherwise. */
    public static URI parse(String raw, String what) {
        String expanded = expand(raw, what);
        URI url;
        try {
            url = URI.create(expanded);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("functions.yaml: " + what + " url is not a URL: " + raw);
        }
        if (url.getHost() == null || url.getRawUserInfo() != null) {
            throw new IllegalStateException("functions.yaml: " + what + " url needs a host and no user info: " + raw);
        }
        boolean plainAllowed = "http".equalsIgnoreCase(url.getScheme()) && plainHosts().contains(url.getHost());
        if (!"https".equalsIgnoreCase(url.getScheme()) && !plainAllowed) {
            throw new IllegalStateException("functions.yaml: " + what + " url must be https: " + raw);
        }
        return url;
    }

    /** The URL as a log line or answer may show it: scheme, host, port and path; never a query (it may carry a key). */
    public static String display(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /**
     * A declared URL as answers, errors and timelines show it: bases with a default (the vendor's
     * host, or the fake's) expanded, every other placeholder (an account id, anything secret an
     * operator put in a path) left as its name, and no query or fragment.
     */
    public static String shown(String raw) {
        Matcher m = PLACEHOLDER.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = m.group(2) == null ? "${" + m.group(1) + "}"
                    : ConfigProvider.getConfig().getOptionalValue(m.group(1), String.class).orElse(m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        String shown = out.toString();
        int cut = shown.length();
        for (char c : new char[] { '?', '#' }) {
            int i = shown.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return shown.substring(0, cut);
    }

    static Set<String> plainHosts() {
        String hosts = ConfigProvider.getConfig().getOptionalValue("firebreak.outbound.plain-http-hosts", String.class)
                .orElse("");
        return Arrays.stream(hosts.split(",")).map(String::strip).filter(h -> !h.isEmpty()).collect(Collectors.toSet());
    }
}
