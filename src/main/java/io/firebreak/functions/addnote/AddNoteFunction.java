package io.firebreak.functions.addnote;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentActions;

/** Adds a note to an incident's timeline, as seed 003's scribe records decisions and findings. */
@Singleton
public class AddNoteFunction {

    @Inject
    IncidentActions actions;

    @Funq("add-note")
    public Uni<JsonNode> addNote(AddNoteInput input) {
        IncidentActions.requireId(input);
        String text = IncidentActions.text(input.getText(), "text", 4000, true);
        IncidentActions.text(input.getReason(), "reason", 1000, false);
        // Notes may follow resolution: the scribe finishes the record after the all-clear.
        return actions.change("add-note", input, true, i -> Uni.createFrom().item(IncidentActions.Change.of()
                .effect("note: " + (text.length() > 80 ? text.substring(0, 80) + "..." : text), null)
                .event("note", text, Map.of())));
    }
}
