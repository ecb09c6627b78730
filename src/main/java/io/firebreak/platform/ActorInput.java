package io.firebreak.platform;

/**
 * What admission writes into the input of every function that changes something: the actor (from
 * the token, never from the caller) and the Idempotency-Key header.
 */
public class ActorInput {

    private Actor actor;
    private String idempotencyKey;

    public Actor getActor() {
        return actor;
    }

    public void setActor(Actor actor) {
        this.actor = actor;
    }

    public String getIdempotencyKey() {
        return idempotencyKey;
    }

    public void setIdempotencyKey(String idempotencyKey) {
        this.idempotencyKey = idempotencyKey;
    }
}
