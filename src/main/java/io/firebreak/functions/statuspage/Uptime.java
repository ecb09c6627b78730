package io.firebreak.functions.statuspage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.firebreak.incident.StatusComponents.Component;

/**
 * The 90-day bars, from real measurements: each UTC day's downtime is the larger of what the
 * incidents affecting the component imply (a major outage counts in full, a partial one 30%, as
 * Statuspage weighs them; degraded performance is not downtime) and the share of that day's probes
 * that saw one of its checks fail. A day with neither probes nor incidents was not measured.
 */
final class Uptime {

    static final double PARTIAL_WEIGHT = 0.3;

    private Uptime() {
    }

    static List<StatusView.Day> days(Component c, Instant now, int count, List<StatusReads.OpenIncident> incidents,
            List<StatusView.IncidentView> posts, Map<String, long[]> probes) {
        List<StatusView.Day> days = new ArrayList<>();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (int back = count - 1; back >= 0; back--) {
            LocalDate d = today.minusDays(back);
            Instant from = d.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant to = back == 0 ? now : from.plus(Duration.ofDays(1));
            double minutes = Math.max(1, Duration.between(from, to).toMinutes());
            double major = 0;
            double partial = 0;
            boolean touched = false;
            for (StatusReads.OpenIncident i : incidents) {
                String state = state(c, i, posts);
                if (state == null) {
                    continue;
                }
                Instant end = i.resolvedAt() == null ? now : i.resolvedAt();
                double overlap = Duration.between(max(from, i.openedAt()), min(to, end)).toSeconds() / 60.0;
                if (overlap <= 0) {
                    continue;
                }
                touched = true;
                if (state.equals("major_outage")) {
                    major += overlap;
                } else if (state.equals("partial_outage")) {
                    partial += overlap;
                }
            }
            long[] p = probes.get(d.toString());
            double probeDown = p == null || p[0] == 0 ? 0 : minutes * p[1] / p[0];
            double incidentDown = Math.min(minutes, major + PARTIAL_WEIGHT * partial);
            double down = Math.max(probeDown, incidentDown);
            boolean measured = touched || (p != null && p[0] > 0);
            // A young incident is down for less than a minute yet: the bar shows its state all the same.
            String worst = down == 0 ? (touched ? "degraded_performance" : "operational")
                    : major > 0 || probeDown >= incidentDown ? "major_outage" : "partial_outage";
            down = Math.ceil(down);
            days.add(new StatusView.Day(d.toString(), measured, (int) Math.round(down), measured ? worst : "no_data",
                    measured ? round(100 * (1 - down / minutes)) : null));
        }
        return days;
    }

    /** Over the measured days only; none measured yet: no percentage. */
    static Double percent(List<StatusView.Day> days) {
        double measured = 0;
        double down = 0;
        for (StatusView.Day d : days) {
            if (d.measured()) {
                measured += 1440;
                down += d.downtimeMinutes();
            }
        }
        return measured == 0 ? null : round(100 * (1 - down / measured));
    }

    /** How an incident affected the component: as its public posts said, else as its severity implies. */
    private static String state(Component c, StatusReads.OpenIncident i, List<StatusView.IncidentView> posts) {
        for (StatusView.IncidentView p : posts) {
            if (p.id().equals(i.id())) {
                String worst = null;
                for (StatusView.Update u : p.updates()) {
                    String s = u.components().get(c.id());
                    if (s != null && (worst == null || ComponentStates.worse(s, worst))) {
                        worst = s;
                    }
                }
                if (worst != null) {
                    return worst;
                }
            }
        }
        return c.affectedBy(i.fingerprint()) ? ComponentStates.fromSeverity(i.rank()) : null;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
