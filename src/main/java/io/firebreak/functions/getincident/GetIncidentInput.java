package io.firebreak.functions.getincident;

/** get-incident's input: the incident id (INC-YYYY-MM-DD-NNN). A bean, so GET ?id= maps too. */
public class GetIncidentInput {

    private String id;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }
}
