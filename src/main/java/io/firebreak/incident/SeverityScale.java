package io.firebreak.incident;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The severity scale people see, chosen by configuration: the ops database keeps the canonical
 * rank (P0 most severe .. P3) and this writes and reads it as P0-P3, SEV1-SEV4 or P1-P4, each level
 * with its response time and update cadence from the seeds.
 *
 * <p>{@code @Singleton}, not {@code @ApplicationScoped}: it is immutable, so it needs no client proxy,
 * and without one Arc has no reason to add a no-args constructor to this class at build time. A
 * transformed application class is written twice into the Lambda build's legacy jar and function.zip
 * (Quarkus 3.32, quarkusio/quarkus#53185), and a Lambda extraction that keeps the first copy fails at
 * init. FunctionZipIT checks that no entry of the zip is written twice.
 */
@Singleton
public class SeverityScale {

    /** One level of the scale. updateEvery empty: no status-update cadence at this level. */
    public record Level(Severity rank, String label, String title, Duration responseTime, Optional<Duration> updateEvery) {
    }

    private final List<Level> levels;
    private final String name;

    @Inject
    public SeverityScale(IncidentConfig config) {
        this(config.scale(), config);
    }

    /** A scale by name, for rules evaluated outside the container (tests, the drill). */
    public SeverityScale(String scale, IncidentConfig config) {
        this.name = scale.toLowerCase(Locale.ROOT);
        List<Level> base = defaults(name);
        List<Level> resolved = new ArrayList<>();
        for (Level l : base) {
            IncidentConfig.LevelOverride o = config == null ? null : config.levels().get(l.label());
            Duration response = o == null ? l.responseTime() : o.responseTime().orElse(l.responseTime());
            Optional<Duration> every = l.updateEvery();
            if (o != null && o.updateEvery().isPresent()) {
                String v = o.updateEvery().get().trim();
                every = v.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(duration(v));
            }
            resolved.add(new Level(l.rank(), l.label(), l.title(), response, every));
        }
        this.levels = List.copyOf(resolved);
        if (config != null) {
            for (String key : config.levels().keySet()) {
                if (levels.stream().noneMatch(l -> l.label().equals(key))) {
                    throw new IllegalStateException("firebreak.incidents.levels." + key + ": the " + name
                            + " scale has no level " + key + " (it has " + labels() + ")");
                }
            }
        }
    }

    /** The seeds' levels: response times and, where a seed states one, the update cadence. */
    static List<Level> defaults(String scale) {
        return switch (scale) {
            // Seeds 000-002: response < 15 min / 1 h / 4 h / 24 h; seed 001: P0 updates every 15 min, P1 every 30.
            case "p0-p3" -> List.of(
                    new Level(Severity.P0, "P0", "Critical", Duration.ofMinutes(15), Optional.of(Duration.ofMinutes(15))),
                    new Level(Severity.P1, "P1", "High", Duration.ofHours(1), Optional.of(Duration.ofMinutes(30))),
                    new Level(Severity.P2, "P2", "Medium", Duration.ofHours(4), Optional.empty()),
                    new Level(Severity.P3, "P3", "Low", Duration.ofHours(24), Optional.empty()));
            // Seed 003: < 15 min / 1 h / 4 h / next business day; SEV1 and SEV2 update every 30 min.
            case "sev1-sev4" -> List.of(
                    new Level(Severity.P0, "SEV1", "Critical", Duration.ofMinutes(15), Optional.of(Duration.ofMinutes(30))),
                    new Level(Severity.P1, "SEV2", "Major", Duration.ofHours(1), Optional.of(Duration.ofMinutes(30))),
                    new Level(Severity.P2, "SEV3", "Minor", Duration.ofHours(4), Optional.empty()),
                    new Level(Severity.P3, "SEV4", "Low", Duration.ofHours(24), Optional.empty()));
            // Seed 004: 15 min / 1 h / 4 h / 24 h; its P1 notice promises the next update in 15 minutes.
            case "p1-p4" -> List.of(
                    new Level(Severity.P0, "P1", "Critical", Duration.ofMinutes(15), Optional.of(Duration.ofMinutes(15))),
                    new Level(Severity.P1, "P2", "High", Duration.ofHours(1), Optional.of(Duration.ofHours(1))),
                    new Level(Severity.P2, "P3", "Medium", Duration.ofHours(4), Optional.empty()),
                    new Level(Severity.P3, "P4", "Low", Duration.ofHours(24), Optional.empty()));
            default -> throw new IllegalStateException(
                    "firebreak.incidents.scale must be p0-p3, sev1-sev4 or p1-p4, not " + scale);
        };
    }

    public String name() {
        return name;
    }

    public List<Level> levels() {
        return levels;
    }

    public List<String> labels() {
        return levels.stream().map(Level::label).toList();
    }

    public Level level(Severity rank) {
        return levels.get(rank.ordinal());
    }

    /** The stored rank ("P0".."P3") as this scale writes it. */
    public String label(String rank) {
        return rank == null ? null : level(Severity.valueOf(rank)).label();
    }

    public String label(Severity rank) {
        return level(rank).label();
    }

    /** Reads a label of this scale (case-insensitive, "SEV-1" too); empty when it is not one. */
    public Optional<Severity> parse(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String l = label.trim().toUpperCase(Locale.ROOT).replace("-", "");
        return levels.stream().filter(v -> v.label().equals(l)).map(Level::rank).findFirst();
    }

    private static Duration duration(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(v);
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalStateException("update-every must look like 15m, 1h or off, not " + v);
        };
    }
}
