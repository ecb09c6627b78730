package io.firebreak.providers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a bounded, paged read of a provider got: the items so far, whether a page or item limit cut
 * it short, and why it stopped early (an error, a rate limit with its wait) — partial answers are
 * answers, so a rate limit on the third page still shows the first two.
 */
public record ProviderListing(List<Map<String, Object>> items, boolean truncated, String error, Long retryAfterSeconds) {

    public static ProviderListing failed(List<Map<String, Object>> sofar, String error) {
        return new ProviderListing(List.copyOf(sofar), false, error, null);
    }

    public static ProviderListing limited(List<Map<String, Object>> sofar, long seconds) {
        return new ProviderListing(List.copyOf(sofar), false, rateLimited(seconds), seconds);
    }

    /** How every rate-limited answer reads. */
    public static String rateLimited(long seconds) {
        return "rate limited, retry after " + seconds + " s";
    }

    /** The answer's shape: items and count, and truncated / error / retryAfterSeconds when they apply. */
    public Map<String, Object> toAnswer() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", items.size());
        out.put("items", items);
        if (truncated) {
            out.put("truncated", true);
        }
        if (error != null) {
            out.put("error", error);
        }
        if (retryAfterSeconds != null) {
            out.put("retryAfterSeconds", retryAfterSeconds);
        }
        return out;
    }
}
