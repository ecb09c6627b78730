package io.firebreak.functions.requeue;

import java.util.List;

import io.firebreak.safety.ActionInput;

/** Which declared requeue to run, optionally only for some row ids (seed 002: WHERE id = '[email-id]'). */
public class RequeueInput extends ActionInput {

    private String name;
    private List<String> ids;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public List<String> getIds() {
        return ids;
    }

    public void setIds(List<String> ids) {
        this.ids = ids;
    }
}
