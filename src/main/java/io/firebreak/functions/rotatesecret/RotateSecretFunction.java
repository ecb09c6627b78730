package io.firebreak.functions.rotatesecret;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** Rotates a declared secret variable on Railway (SESSION_SECRET, JWT_SECRET) to fresh random bytes that are never shown, and signs every session out where declared. */
@Singleton
public class RotateSecretFunction {

    @Inject
    RotateSecretFlow flow;

    @Funq("rotate-secret")
    public Uni<JsonNode> rotateSecret(RotateSecretInput input) {
        RotateSecretInput in = input == null ? new RotateSecretInput() : input;
        RotateSecretFlow.Request request = flow.request(in);
        return in.applying() ? flow.apply(request, in) : flow.plan(request, in);
    }
}
