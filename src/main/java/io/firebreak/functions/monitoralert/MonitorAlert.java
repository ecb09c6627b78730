package io.firebreak.functions.monitoralert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.firebreak.platform.FunctionError;

/** A monitor alert in one shape whatever sent it: which monitor, what state, and the details to keep. */
public record MonitorAlert(String provider, String monitor, String name, String url, String state,
        Map<String, Object> details, String dedupeKey) {

    public static final String UPTIMEROBOT = "uptimerobot";
    public static final String ALERTMANAGER = "alertmanager";

    /** Down and firing alerts are reasons to re-probe; the others are only news. */
    public boolean signalsTrouble() {
        return state.equals("down") || state.equals("firing");
    }

    public boolean signalsRecovery() {
        return state.equals("up") || state.equals("resolved");
    }

    public static MonitorAlert from(MonitorAlertInput in) {
        if (in == null) {
            throw FunctionError.badInput("missing_body", null,
                    "send an UptimeRobot or Alertmanager webhook as JSON, form fields or query string");
        }
        if (in.alerts != null || in.groupKey != null || in.version != null) {
            return fromAlertmanager(in);
        }
        if (in.alertType != null || in.monitorID != null || in.monitorURL != null || in.monitorFriendlyName != null) {
            return fromUptimeRobot(in);
        }
        throw FunctionError.badInput("unknown_alert_format", null,
                "neither an UptimeRobot alert (monitorID, alertType) nor an Alertmanager webhook (version, status, alerts)");
    }

    /**
     * UptimeRobot may leave out any field, and sends a variable it could not fill as its literal
     * placeholder ({@code *alertDateTime*}): both count as absent. A monitor is named by its ID, or
     * failing that its URL or friendly name; an alert type other than 1 (down), 2 (up) or 3
     * (SSL/domain expiry) is stored and ignored, never refused (UptimeRobot would resend it).
     */
    static MonitorAlert fromUptimeRobot(MonitorAlertInput in) {
        String id = value(in.monitorID) != null ? value(in.monitorID)
                : value(in.monitorURL) != null ? value(in.monitorURL) : value(in.monitorFriendlyName);
        if (id == null) {
            throw FunctionError.badInput("missing_field", "monitorID",
                    "an UptimeRobot alert names its monitor (monitorID, monitorURL or monitorFriendlyName)");
        }
        String type = value(in.alertType) == null ? "" : value(in.alertType);
        String state = switch (type) {
            case "1" -> "down";
            case "2" -> "up";
            default -> "other";
        };
        Map<String, Object> details = new LinkedHashMap<>();
        put(details, "monitorID", in.monitorID);
        put(details, "monitorFriendlyName", in.monitorFriendlyName);
        put(details, "monitorURL", in.monitorURL);
        put(details, "alertType", in.alertType);
        put(details, "alertTypeFriendlyName", in.alertTypeFriendlyName);
        put(details, "alertDetails", in.alertDetails);
        put(details, "alertDuration", in.alertDuration);
        put(details, "alertDateTime", in.alertDateTime);
        String name = value(in.monitorFriendlyName) == null ? id : value(in.monitorFriendlyName);
        // UptimeRobot stamps each alert with its own time: a retry of the same alert carries the same one.
        String time = value(in.alertDateTime);
        String key = time != null && time.matches("\\d{1,12}") ? UPTIMEROBOT + ":" + id + ":" + type + ":" + time : null;
        return new MonitorAlert(UPTIMEROBOT, id, name, value(in.monitorURL), state, details, key);
    }

    static MonitorAlert fromAlertmanager(MonitorAlertInput in) {
        if (in.status == null || !(in.status.equals("firing") || in.status.equals("resolved"))) {
            throw FunctionError.badInput("invalid_value", "status",
                    "Alertmanager status must be 'firing' or 'resolved', got '" + in.status + "'");
        }
        if (in.alerts == null || in.alerts.isEmpty()) {
            throw FunctionError.badInput("missing_field", "alerts", "an Alertmanager webhook carries at least one alert");
        }
        String alertname = in.commonLabels == null ? null : in.commonLabels.get("alertname");
        String monitor = !blank(in.groupKey) ? in.groupKey : alertname;
        if (blank(monitor)) {
            throw FunctionError.badInput("missing_field", "groupKey", "groupKey (or commonLabels.alertname) is required");
        }
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (MonitorAlertInput.Alert a : in.alerts) {
            Map<String, Object> alert = new LinkedHashMap<>();
            put(alert, "status", a.status);
            put(alert, "labels", a.labels);
            put(alert, "annotations", a.annotations);
            put(alert, "startsAt", a.startsAt);
            put(alert, "endsAt", a.endsAt);
            put(alert, "fingerprint", a.fingerprint);
            alerts.add(alert);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        put(details, "version", in.version);
        put(details, "groupKey", in.groupKey);
        put(details, "receiver", in.receiver);
        put(details, "commonLabels", in.commonLabels);
        put(details, "commonAnnotations", in.commonAnnotations);
        put(details, "alerts", alerts);
        String url = !blank(in.externalURL) ? in.externalURL : in.alerts.get(0).generatorURL;
        // Alertmanager re-sends the same notification (retries, repeat_interval) with the same group and
        // alerts; any change of status or of an alert's start or end is a new one.
        StringBuilder identity = new StringBuilder(in.status);
        in.alerts.stream().map(a -> a.fingerprint + "@" + a.startsAt + "-" + a.endsAt + ":" + a.status).sorted()
                .forEach(a -> identity.append('|').append(a));
        String key = ALERTMANAGER + ":" + monitor + ":" + io.firebreak.safety.PlannedActions.sha256(identity.toString());
        return new MonitorAlert(ALERTMANAGER, monitor, blank(alertname) ? monitor : alertname, url, in.status, details, key);
    }

    /** The line the timeline shows. */
    public String summary() {
        String what = switch (provider) {
            case UPTIMEROBOT -> String.valueOf(details.getOrDefault("alertDetails", ""));
            default -> {
                Object annotations = details.get("commonAnnotations");
                yield annotations instanceof Map<?, ?> m && m.get("summary") != null ? m.get("summary").toString() : "";
            }
        };
        return provider + " " + name + " " + state + (url == null ? "" : " (" + url + ")")
                + (what.isBlank() ? "" : ": " + what);
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** A field's value, or null when absent, blank or an unreplaced placeholder like *monitorURL*. */
    static String value(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String v = s.trim();
        return v.matches("\\*[A-Za-z]+\\*") ? null : v;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
