package io.firebreak.functions.confirmoutage;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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
        return confirm(windowMinutes, Trigger.HTTP, "function:confirm-outage");
    }

    /**
     * The shared probe for any caller (confirm-outage over HTTP, a monitor's alert): a caller that
     * starts a probe records it under its own trigger and source; the others take its answer.
     */
    public Uni<SharedProbes.Answer<ConfirmOutageFlow.Outcome>> confirm(int windowMinutes, Trigger trigger, String source) {
        return probes.get(windowMinutes, () -> flow.confirm(trigger, windowMinutes, source));
    }
}
