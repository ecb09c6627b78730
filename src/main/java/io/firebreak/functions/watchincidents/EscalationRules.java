package io.firebreak.functions.watchincidents;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.firebreak.incident.Incident;
import io.firebreak.incident.IncidentConfig;
import io.firebreak.incident.SeverityScale;

/**
 * When an open incident moves up the escalation chain (seed 004's levels by elapsed time, seed
 * 001's path): the most severe levels climb as they stay unresolved past each level's threshold;
 * any incident nobody acknowledges climbs one level per response time of its severity.
 */
public final class EscalationRules {

    /** The level to escalate to, and why. */
    public record Decision(int level, String reason) {
    }

    /** What the cadence asks for now: a reminder that the update is due soon, or that it is overdue. */
    public enum Cadence {
        NONE, DUE_SOON, OVERDUE
    }

    private EscalationRules() {
    }

    public static Optional<Decision> escalation(Incident i, Instant now, List<IncidentConfig.Level> levels,
            int timeBasedLevels, SeverityScale.Level level) {
        if (!i.open() || levels.isEmpty()) {
            return Optional.empty();
        }
        Duration open = Duration.between(i.openedAt(), now);
        int byTime = 1;
        if (i.rank().ordinal() < timeBasedLevels) {
            for (int k = 0; k < levels.size(); k++) {
                if (open.compareTo(levels.get(k).after()) >= 0) {
                    byTime = k + 1;
                }
            }
        }
        int byAck = 1;
        Duration response = level.responseTime();
        if (i.acknowledgedAt() == null && !response.isZero() && open.compareTo(response) >= 0) {
            byAck = 1 + (int) Math.min(levels.size(), open.toSeconds() / Math.max(1, response.toSeconds()));
        }
        int target = Math.min(levels.size(), Math.max(byTime, byAck));
        if (target <= i.escalationLevel()) {
            return Optional.empty();
        }
        String reason;
        if (target == 1) {
            reason = "open incident: paging level 1";
        } else if (byAck >= byTime) {
            reason = "not acknowledged within " + human(response) + " (" + level.label() + " response time)";
        } else {
            reason = "unresolved after " + human(levels.get(target - 1).after()) + " (" + level.label() + ")";
        }
        return Optional.of(new Decision(target, reason));
    }

    public static Cadence cadence(Incident i, Instant now, Duration lead) {
        Instant due = i.nextUpdateDue();
        if (!i.open() || due == null) {
            return Cadence.NONE;
        }
        if (!now.isBefore(due)) {
            return due.equals(i.reminders().overdueSentFor()) ? Cadence.NONE : Cadence.OVERDUE;
        }
        if (!now.isBefore(due.minus(lead)) && !due.equals(i.reminders().dueSentFor())) {
            return Cadence.DUE_SOON;
        }
        return Cadence.NONE;
    }

    static String human(Duration d) {
        long m = d.toMinutes();
        return m % 60 == 0 && m >= 60 ? (m / 60) + " h" : m + " min";
    }
}
