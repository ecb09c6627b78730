package io.firebreak.functions.rotatesecret;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** Seed 004's "rotate all secrets": a declared secret variable replaced at Railway by fresh random bytes never shown, sessions signed out. */
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
