package io.firebreak.safety;

import java.util.Optional;

import io.firebreak.platform.FunctionManifest.ApprovalPolicy;

/**
 * Approval policies a function declares per unit rather than per function (run-fix: each declared
 * fix has its own), found by the gate through this port so that safety names no function.
 */
public interface ApprovalPolicies {

    /** The manifest id whose plans these policies govern. */
    String function();

    /** The policy of the unit a plan's scope names, if it has one. */
    Optional<ApprovalPolicy> policy(String scope);
}
