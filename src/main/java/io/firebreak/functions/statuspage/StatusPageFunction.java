package io.firebreak.functions.statuspage;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** Serves the public status page (HTML, Statuspage v2 JSON, feeds, badge) without a token; re-renders, exports and tells subscribers on demand and every minute. */
@Singleton
public class StatusPageFunction {

    @Inject
    StatusPublishing publishing;

    @Funq("status-page")
    public Uni<StatusPublishing.Published> statusPage() {
        return publishing.publish();
    }
}
