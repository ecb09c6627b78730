package io.firebreak.functions.getincident;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.Incident;
import io.firebreak.incident.IncidentIds;
import io.firebreak.incident.IncidentStore;
import io.firebreak.platform.FunctionError;

/** Shows one incident with its whole timeline, from the ops database. */
@Singleton
public class GetIncidentFunction {

    @Inject
    IncidentStore store;

    @Funq("get-incident")
    public Uni<Incident> getIncident(GetIncidentInput input) {
        String id = input == null ? null : input.getId();
        if (id == null || id.isBlank()) {
            throw FunctionError.badInput("missing_field", "id", "id is required (INC-YYYY-MM-DD-NNN)");
        }
        if (!IncidentIds.ID.matcher(id).matches()) {
            throw FunctionError.badInput("invalid_value", "id", "id must look like INC-YYYY-MM-DD-NNN");
        }
        return store.find(id).map(found -> found.orElseThrow(
                () -> new FunctionError(404, "incident_not_found", "no incident " + id, "id")));
    }
}
