package io.firebreak.functions.monitoralert;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** Takes UptimeRobot and Alertmanager webhooks, re-probes on down or firing, declares or attaches, records the rest. */
@Singleton
public class MonitorAlertFunction {

    @Inject
    MonitorAlertFlow flow;

    @Funq("monitor-alert")
    public Uni<MonitorAlertResult> monitorAlert(MonitorAlertInput input) {
        MonitorAlert alert = MonitorAlert.from(input);
        return flow.handle(alert);
    }
}
