package io.firebreak.functions.verifyaudit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.safety.AuditTrail;

/** Walks the audit trail's hash chain and reports the first broken link, if any. */
@Singleton
public class VerifyAuditFunction {

    @Inject
    AuditTrail audit;

    @Funq("verify-audit")
    public Uni<AuditTrail.Verification> verifyAudit() {
        return audit.verify();
    }
}
