package io.firebreak.functions.runcheck;

/** Which declared check to run (none: list them), and whether a breach may declare (dryRun: it may not). */
public class RunCheckInput {

    private String name;
    private Boolean dryRun;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Boolean getDryRun() {
        return dryRun;
    }

    public void setDryRun(Boolean dryRun) {
        this.dryRun = dryRun;
    }
}
