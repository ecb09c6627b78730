package io.firebreak.platform;

/** Who is acting: the token id, role and (for a person's token) name admission established. Never taken from the caller's input. */
public record Actor(String tokenId, String role, String name) {

    /** The in-process or EventBridge schedule, acting on its own. */
    public static final Actor SCHEDULE = new Actor("schedule", "schedule");

    public Actor(String tokenId, String role) {
        this(tokenId, role, null);
    }

    /** How timelines name the actor: the person, or the token. */
    public String display() {
        return name != null ? name : "token:" + tokenId;
    }
}
