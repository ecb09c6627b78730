package io.firebreak.functions.dbhealth;

/** db-health's thresholds: long-running seconds (seed 003: 5 s), dead tuples (seed 002: 1000), how many tables by size. */
public class DbHealthInput {

    private Integer longRunningSeconds;
    private Long deadTuples;
    private Integer tables;

    public Integer getLongRunningSeconds() {
        return longRunningSeconds;
    }

    public void setLongRunningSeconds(Integer longRunningSeconds) {
        this.longRunningSeconds = longRunningSeconds;
    }

    public Long getDeadTuples() {
        return deadTuples;
    }

    public void setDeadTuples(Long deadTuples) {
        this.deadTuples = deadTuples;
    }

    public Integer getTables() {
        return tables;
    }

    public void setTables(Integer tables) {
        this.tables = tables;
    }
}
