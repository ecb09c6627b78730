package io.firebreak.incident;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Incidents declared (by severity), attached to and resolved (forced or on evidence), each counted
 * once its transaction committed: a rolled-back declaration never shows in the metrics.
 */
@ApplicationScoped
public class IncidentMeters {

    @Inject
    MeterRegistry registry;

    void declared(Severity severity) {
        Counter.builder("firebreak.incidents.declared").description("Incidents declared, after the commit")
                .tag("severity", severity.name()).register(registry).increment();
    }

    void attached() {
        Counter.builder("firebreak.incidents.attached")
                .description("Findings that joined an incident already open for their cause, after the commit")
                .register(registry).increment();
    }

    void resolved(boolean forced) {
        Counter.builder("firebreak.incidents.resolved").description("Incidents resolved, after the commit")
                .tag("forced", Boolean.toString(forced)).register(registry).increment();
    }
}
