package io.firebreak.functions.migrate;

/** migrate's input: without {@code apply: true} it only shows what would be applied. */
public class MigrateInput {

    private Boolean apply;

    public Boolean getApply() {
        return apply;
    }

    public void setApply(Boolean apply) {
        this.apply = apply;
    }
}
