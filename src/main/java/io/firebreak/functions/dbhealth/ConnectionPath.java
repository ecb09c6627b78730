package io.firebreak.functions.dbhealth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.firebreak.db.DatabaseUrl;

/**
 * Seed 004 "verify Edge Functions are using the pooler URL (port 6543) not direct connection (port
 * 5432)": from the application's configured URL, firebreak's own, and the sessions the server sees.
 */
final class ConnectionPath {

    private ConnectionPath() {
    }

    static Map<String, Object> describe(Optional<String> appUrl, Optional<String> firebreakUrl,
            List<DatabaseHealth.ClientCount> clients, List<String> poolerClients, List<String> warnings) {
        Map<String, Object> path = new LinkedHashMap<>();
        Optional<Map<String, Object>> app = appUrl.flatMap(ConnectionPath::endpoint);
        path.put("application", app.orElse(null));
        path.put("firebreak", firebreakUrl.flatMap(ConnectionPath::endpoint).orElse(null));
        long pooled = 0;
        long direct = 0;
        for (DatabaseHealth.ClientCount c : clients) {
            if (poolerClients.contains(c.application()) || poolerClients.contains(c.client())) {
                pooled += c.sessions();
            } else {
                direct += c.sessions();
            }
        }
        path.put("sessionsViaPooler", pooled);
        path.put("sessionsDirect", direct);
        String verdict;
        if (app.isPresent()) {
            verdict = java.util.Objects.toString(app.get().get("path"), "unknown");
            if (verdict.equals("direct")) {
                warnings.add("the application connects directly (port " + app.get().get("port")
                        + "), not through the pooler on 6543: each Edge Function isolate holds its own connections");
            }
        } else {
            verdict = pooled > 0 ? "pooler" : "unknown";
            path.put("hint", "set FIREBREAK_APP_DATABASE_URL to the URL the application uses to check its port");
        }
        path.put("verdict", verdict);
        return path;
    }

    /** Host, port and what the port means; never the credentials. */
    static Optional<Map<String, Object>> endpoint(String url) {
        try {
            DatabaseUrl parsed = DatabaseUrl.parse(url);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("host", parsed.host());
            e.put("port", parsed.port());
            e.put("path", parsed.pooled() ? "pooler" : parsed.port() == 5432 ? "direct" : "unknown");
            return Optional.of(e);
        } catch (IllegalArgumentException e) {
            return Optional.of(Map.of("error", "not a postgresql:// URL"));
        }
    }
}
