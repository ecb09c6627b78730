package io.firebreak.functions.addnote;

import io.firebreak.incident.IncidentInput;

/** add-note's input: the note, as the scribe would write it on the timeline. */
public class AddNoteInput extends IncidentInput {

    private String text;

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }
}
