package io.firebreak.testing;

import java.util.List;
import java.util.Map;

/** Reads what firebreak recorded in its ops database, and clears it between tests. */
public final class OpsRecords {

    private final String url;

    public OpsRecords(String url) {
        this.url = url;
    }

    /** Resolves every open incident and forgets probe streaks, so each test starts from a quiet state. */
    public void quiet() {
        Sql.exec(url, """
                INSERT INTO status_posts (incident_id, status, title, body, components, impact, posted_at, posted_by, audit_id)
                SELECT incident_id, 'resolved', title, 'This incident has been resolved.', '{}'::jsonb, impact, now(), 'test',
                       audit_id
                FROM (SELECT DISTINCT ON (incident_id) * FROM status_posts ORDER BY incident_id, posted_at DESC, id DESC) last
                WHERE status <> 'resolved';
                UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE status <> 'resolved';
                DELETE FROM probe_streaks""");
    }

    public long count(String table) {
        return Sql.count(url, "SELECT count(*) FROM " + table);
    }

    /** Rows of incidents, timeline_events, confirmations and monitor_alerts: a snapshot to compare. */
    public List<Long> snapshot() {
        return List.of(count("incidents"), count("timeline_events"), count("confirmations"), count("monitor_alerts"));
    }

    public List<Map<String, Object>> openIncidents() {
        return Sql.rows(url, "SELECT * FROM incidents WHERE status <> 'resolved' ORDER BY opened_at");
    }

    public List<Map<String, Object>> timeline(String incidentId) {
        return Sql.rows(url, "SELECT kind, source, summary, detail::text AS detail FROM timeline_events WHERE incident_id = '"
                + incidentId.replace("'", "") + "' ORDER BY at, id");
    }

    public List<Map<String, Object>> query(String sql) {
        return Sql.rows(url, sql);
    }
}
