package io.firebreak.incident;

import io.smallrye.mutiny.Uni;

/**
 * The port through which a change that may move the public page has it published: implemented by
 * the status page, so the incident kernel names no function. Never fails the change it follows.
 */
public interface StatusPublisher {

    /** After a change committed: in the background (a service), or the copy written before answering (a Lambda). */
    Uni<Void> afterChange(String why);
}
