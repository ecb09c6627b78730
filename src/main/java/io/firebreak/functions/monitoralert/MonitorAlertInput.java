package io.firebreak.functions.monitoralert;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A monitor's webhook as it arrives: UptimeRobot's fields (all strings, from JSON, form fields or the
 * query string) or Prometheus Alertmanager's version 4 payload. Monitors add fields over time; those
 * this does not name are ignored, never refused.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class MonitorAlertInput {

    // UptimeRobot
    public String monitorID;
    public String monitorURL;
    public String monitorFriendlyName;
    public String alertType;
    public String alertTypeFriendlyName;
    public String alertDetails;
    public String alertDuration;
    public String alertDateTime;

    // Alertmanager
    public String version;
    public String groupKey;
    public String status;
    public String receiver;
    public Map<String, String> groupLabels;
    public Map<String, String> commonLabels;
    public Map<String, String> commonAnnotations;
    public String externalURL;
    public List<Alert> alerts;

    // Setters: Funqy binds a GET's query string (UptimeRobot can deliver that way) through them.

    public void setMonitorID(String value) {
        this.monitorID = value;
    }

    public void setMonitorURL(String value) {
        this.monitorURL = value;
    }

    public void setMonitorFriendlyName(String value) {
        this.monitorFriendlyName = value;
    }

    public void setAlertType(String value) {
        this.alertType = value;
    }

    public void setAlertTypeFriendlyName(String value) {
        this.alertTypeFriendlyName = value;
    }

    public void setAlertDetails(String value) {
        this.alertDetails = value;
    }

    public void setAlertDuration(String value) {
        this.alertDuration = value;
    }

    public void setAlertDateTime(String value) {
        this.alertDateTime = value;
    }

    /** One alert of an Alertmanager group. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Alert {
        public String status;
        public Map<String, String> labels;
        public Map<String, String> annotations;
        public String startsAt;
        public String endsAt;
        public String generatorURL;
        public String fingerprint;
    }
}
