package io.firebreak.functions.statuspage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.firebreak.incident.StatusComponents.Component;

/**
 * The 90-day bars, from real measurements: each UTC day's downtime is the larger of what the
 * incidents affecting the component imply and the share of that day's probes that saw one of its
 * checks fail. Incidents count by the state each was in at each moment (a public post's state from
 * its time to the next post's; otherwise the severity's), overlapping incidents count once at the
 * worst of them, a major outage counts in full and a partial one 30% (as Statuspage weighs them),
 * degraded performance is not downtime. A day with neither probes nor incidents was not measured.
 */
final class Uptime {

    static final double PARTIAL_WEIGHT = 0.3;

    private Uptime() {
    }

    /** A stretch of time in one state. */
    record Slice(Instant from, Instant to, String state) {
    }

    static List<StatusView.Day> days(Component c, Instant now, int count, List<StatusReads.OpenIncident> incidents,
            List<StatusView.IncidentView> posts, Map<String, long[]> probes) {
        List<Slice> slices = slices(c, now, incidents, posts);
        List<StatusView.Day> days = new ArrayList<>();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (int back = count - 1; back >= 0; back--) {
            LocalDate d = today.minusDays(back);
            Instant from = d.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant to = back == 0 ? now : from.plus(Duration.ofDays(1));
            double minutes = Math.max(1, Duration.between(from, to).toSeconds() / 60.0);
            double[] weighed = weigh(slices, from, to);
            double incidentDown = weighed[0];
            boolean touched = weighed[2] > 0;
            long[] p = probes.get(d.toString());
            double probeDown = p == null || p[0] == 0 ? 0 : minutes * p[1] / p[0];
            double down = Math.min(minutes, Math.max(probeDown, incidentDown));
            boolean measured = touched || (p != null && p[0] > 0);
            String worst = down == 0 ? (touched ? "degraded_performance" : "operational")
                    : weighed[1] > 0 || probeDown >= incidentDown ? "major_outage" : "partial_outage";
            // A young incident is down for less than a minute yet: the bar shows its state all the same.
            int shown = (int) Math.ceil(down);
            days.add(new StatusView.Day(d.toString(), measured, shown, measured ? worst : "no_data",
                    measured ? round(100 * (1 - down / minutes)) : null, (int) Math.round(minutes)));
        }
        return days;
    }

    /**
     * Over one day: weighted downtime minutes (each moment at its worst slice), minutes of major
     * outage, and minutes any slice covered.
     */
    static double[] weigh(List<Slice> slices, Instant from, Instant to) {
        TreeSet<Instant> cuts = new TreeSet<>(List.of(from, to));
        for (Slice s : slices) {
            if (s.to().isAfter(from) && s.from().isBefore(to)) {
                cuts.add(s.from().isBefore(from) ? from : s.from());
                cuts.add(s.to().isAfter(to) ? to : s.to());
            }
        }
        double down = 0;
        double major = 0;
        double covered = 0;
        Instant start = null;
        for (Instant cut : cuts) {
            if (start != null) {
                double weight = -1;
                for (Slice s : slices) {
                    if (!s.from().isAfter(start) && s.to().isAfter(start)) {
                        weight = Math.max(weight, weight(s.state()));
                    }
                }
                double minutes = Duration.between(start, cut).toSeconds() / 60.0;
                if (weight >= 0) {
                    covered += minutes;
                    down += weight * minutes;
                    major += weight == 1 ? minutes : 0;
                }
            }
            start = cut;
        }
        return new double[] {down, major, covered};
    }

    static double weight(String state) {
        return switch (state) {
            case "major_outage" -> 1;
            case "partial_outage" -> PARTIAL_WEIGHT;
            default -> 0;
        };
    }

    /** Every incident's stretches in each state for this component. */
    static List<Slice> slices(Component c, Instant now, List<StatusReads.OpenIncident> incidents,
            List<StatusView.IncidentView> posts) {
        List<Slice> out = new ArrayList<>();
        for (StatusReads.OpenIncident i : incidents) {
            Instant end = i.resolvedAt() == null ? now : i.resolvedAt();
            StatusView.IncidentView view = posts.stream().filter(p -> p.id().equals(i.id())).findFirst().orElse(null);
            boolean named = view != null && view.updates().stream().anyMatch(u -> u.components().containsKey(c.id()));
            if (!named) {
                if (c.affectedBy(i.fingerprint())) {
                    out.add(new Slice(i.openedAt(), end, ComponentStates.fromSeverity(i.rank())));
                }
                continue;
            }
            List<StatusView.Update> oldestFirst = new ArrayList<>(view.updates());
            java.util.Collections.reverse(oldestFirst);
            // Before its first post, the incident counts as its signals say.
            if (c.affectedBy(i.fingerprint()) && oldestFirst.get(0).at().isAfter(i.openedAt())) {
                out.add(new Slice(i.openedAt(), oldestFirst.get(0).at(), ComponentStates.fromSeverity(i.rank())));
            }
            String state = null;
            for (int n = 0; n < oldestFirst.size(); n++) {
                StatusView.Update u = oldestFirst.get(n);
                state = u.components().getOrDefault(c.id(), state);
                Instant until = n + 1 < oldestFirst.size() ? oldestFirst.get(n + 1).at() : end;
                if (state != null && until.isAfter(u.at())) {
                    out.add(new Slice(u.at(), until, state));
                }
            }
        }
        return out;
    }

    /** Over the measured days only, by the minutes each measured; none measured yet: no percentage. */
    static Double percent(List<StatusView.Day> days) {
        double measured = 0;
        double down = 0;
        for (StatusView.Day d : days) {
            if (d.measured()) {
                measured += d.minutes();
                down += d.downtimeMinutes();
            }
        }
        return measured == 0 ? null : round(100 * Math.max(0, 1 - down / measured));
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
