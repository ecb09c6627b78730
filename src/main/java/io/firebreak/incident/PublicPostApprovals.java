package io.firebreak.incident;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.firebreak.platform.FunctionManifest.ApprovalPolicy;
import io.firebreak.safety.ApprovalPolicies;

/**
 * The approval gate's view of public posts: their plans (function {@value PublicPosts#PLAN}, scope
 * "incident:rank") need the status section's declared approval when their incident's rank is listed.
 */
@ApplicationScoped
public class PublicPostApprovals implements ApprovalPolicies {

    @Inject
    StatusComponents declared;

    @Override
    public String function() {
        return PublicPosts.PLAN;
    }

    @Override
    public Optional<ApprovalPolicy> policy(String scope) {
        String rank = scope.substring(scope.lastIndexOf(':') + 1);
        return declared.approval().filter(a -> a.severities().stream().anyMatch(s -> s.name().equals(rank)))
                .map(StatusComponents.PostApproval::policy);
    }
}
