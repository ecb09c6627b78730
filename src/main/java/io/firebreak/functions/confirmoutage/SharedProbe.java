package io.firebreak.functions.confirmoutage;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.firebreak.domain.Trigger;
import io.smallrye.mutiny.Uni;

/** The HTTP confirm-outage probe, shared by calls within firebreak.confirm.share-window of each other (per audit window). */
@ApplicationScoped
public class SharedProbe {

    @Inject
    ConfirmOutageFlow flow;

    @Inject
    ConfirmOutageConfig config;

    private SharedProbes<Integer, ConfirmOutageFlow.Outcome> probes;

    @PostConstruct
    void init() {
        probes = new SharedProbes<>(config.shareWindow(), System::nanoTime);
    }

    Uni<SharedProbes.Answer<ConfirmOutageFlow.Outcome>> confirm(int windowMinutes) {
        return probes.get(windowMinutes, () -> flow.confirm(Trigger.HTTP, windowMinutes, "function:confirm-outage"));
    }
}
