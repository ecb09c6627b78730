package io.firebreak.functions.runcheck;

/**
 * A read-only SQL check a user declares in functions.yaml: it is breached when its measure (the
 * number of rows, or the first column of the first row) is above the threshold.
 */
public record DeclaredCheck(String name, String description, String sql, Measure measure, double threshold,
        String severity, boolean scheduled) {

    /** What is compared with the threshold. */
    public enum Measure {
        ROWS, VALUE
    }
}
