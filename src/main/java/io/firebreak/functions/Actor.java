package io.firebreak.functions;

/** Who is acting: the token id and role admission established. Never taken from the caller's input. */
public record Actor(String tokenId, String role) {
}
