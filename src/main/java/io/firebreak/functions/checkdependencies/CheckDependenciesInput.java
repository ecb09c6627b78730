package io.firebreak.functions.checkdependencies;

/** Which dependency to read (none: all of them), and whether to read past the cache (fresh). */
public class CheckDependenciesInput {

    private String name;
    private Boolean fresh;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Boolean getFresh() {
        return fresh;
    }

    public void setFresh(Boolean fresh) {
        this.fresh = fresh;
    }
}
