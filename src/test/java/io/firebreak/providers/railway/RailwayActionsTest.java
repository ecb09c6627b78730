package io.firebreak.providers.railway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.providers.ProviderCalls;
import io.firebreak.testing.FakeRailway;
import io.firebreak.testing.PostgresDatabases;

/**
 * Railway's reads, mutations and the bounded wait, against the stateful fake that executes every
 * document on Railway's published schema: refusals arrive as HTTP 200 errors and change nothing, a
 * lost answer is in doubt, a document outside the schema is refused, a hung deployment ends the wait.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeRailway.class)
@WithTestResource(RailwayActionsTest.Fast.class)
class RailwayActionsTest {

    public static class Fast implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("firebreak.railway.deploy-wait", "3s", "firebreak.railway.poll-every", "100ms",
                    "firebreak.providers.timeout", "1500ms");
        }

        @Override
        public void stop() {
        }
    }

    @Inject
    RailwayActions railway;

    @Inject
    RailwayGraphql graphql;

    @Inject
    ObjectMapper mapper;

    RailwayServices declared;
    RailwayServices.Service api;

    @BeforeEach
    void fresh() {
        FakeRailway.reset();
        declared = new RailwayServices(FakeRailway.PROJECT, FakeRailway.ENVIRONMENT,
                List.of(new RailwayServices.Service("api", FakeRailway.API)), Set.of(), List.of(), List.of());
        api = declared.services().get(0);
        Instant now = Instant.now();
        FakeRailway.state().deployed(FakeRailway.API, "d-old", now.minusSeconds(7200), "REMOVED", "aaa111");
        FakeRailway.state().deployed(FakeRailway.API, "d-live", now.minusSeconds(600), "SUCCESS", "bbb222");
        FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE", "false");
    }

    @Test
    void historyIsNewestFirstWithCommitsAndWhatCanBeRolledBackTo() {
        List<RailwayActions.Deployment> h = railway.history(declared, api).await().atMost(Duration.ofSeconds(5));
        assertEquals(List.of("d-live", "d-old"), h.stream().map(RailwayActions.Deployment::id).toList());
        assertEquals("bbb222", h.get(0).commit());
        assertTrue(h.get(1).canRollback() && h.get(1).ran());
        assertEquals(Optional.of("false"), railway.variable(declared, api, "MAINTENANCE_MODE").await().atMost(Duration.ofSeconds(5)));
        assertEquals(Optional.empty(), railway.variable(declared, api, "NOT_SET").await().atMost(Duration.ofSeconds(5)));
        assertEquals(List.of(), FakeRailway.contract().refusals());
    }

    @Test
    void aRollbackMakesANewDeploymentThatTheWaitFollowsToSuccessAndTheOldLiveOneIsRemoved() {
        railway.rollback("d-old").await().atMost(Duration.ofSeconds(5));
        RailwayActions.Settled s = railway.awaitNew(declared, api, Set.of("d-live", "d-old")).await().atMost(Duration.ofSeconds(10));
        assertTrue(s.settled() && s.succeeded(), s.toString());
        assertEquals("REMOVED", railway.deployment("d-live").await().atMost(Duration.ofSeconds(5)).status());
        assertEquals(1, FakeRailway.state().mutations().size());
        assertTrue(FakeRailway.state().mutations().get(0).startsWith("deploymentRollback d-old -> "));
    }

    @Test
    void aRefusalArrivesWithHttp200AndChangesNothing() {
        FakeRailway.state().refuseNext("deploymentRestart", "Not Authorized");
        RailwayActions.Failure f = assertThrows(RailwayActions.Failure.class,
                () -> railway.restart("d-live").await().atMost(Duration.ofSeconds(5)));
        assertEquals("railway_refused", f.code());
        assertFalse(f.inDoubt());
        assertTrue(f.getMessage().contains("Not Authorized"), f.getMessage());
        assertEquals(List.of(), FakeRailway.state().mutations());
    }

    @Test
    void aLostAnswerIsInDoubtThoughRailwayActed() {
        FakeRailway.state().loseAnswerOf("deploymentRollback");
        RailwayActions.Failure f = assertThrows(RailwayActions.Failure.class,
                () -> railway.rollback("d-old").await().atMost(Duration.ofSeconds(5)));
        assertEquals("railway_unavailable", f.code());
        assertTrue(f.inDoubt(), f.getMessage());
        assertEquals(1, FakeRailway.state().mutations().size(), "Railway did act");
    }

    @Test
    void aDeploymentThatNeverSettlesEndsTheWaitAtItsBound() {
        FakeRailway.state().newDeploymentStatuses("BUILDING");
        railway.redeploy(declared, api).await().atMost(Duration.ofSeconds(5));
        RailwayActions.Settled s = railway.awaitNew(declared, api, Set.of("d-live", "d-old")).await().atMost(Duration.ofSeconds(10));
        assertFalse(s.settled());
        assertEquals("BUILDING", s.status());
        assertTrue(s.waitedMs() >= 2_500 && s.waitedMs() < 3_500, s.toString());
    }

    @Test
    void aVariableUpsertDeploysUnlessTold() {
        railway.upsert(declared, api, "MAINTENANCE_MODE", "true", true).await().atMost(Duration.ofSeconds(5));
        assertEquals("true", FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE"));
        assertEquals(2, FakeRailway.state().deploymentsOf(FakeRailway.API).size(), "skipDeploys: no deployment");
        railway.delete(declared, api, "MAINTENANCE_MODE").await().atMost(Duration.ofSeconds(5));
        assertEquals(null, FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE"));
        assertEquals(3, FakeRailway.state().deploymentsOf(FakeRailway.API).size(), "a delete deploys the service");
    }

    @Test
    void aDocumentOutsideRailwaysSchemaIsRefusedAsRailwayRefusesIt() throws Exception {
        ProviderCalls.Answer a = graphql.post("mutation { deploymentRollback(deploymentId: \"d-old\") }", graphql.variables())
                .await().atMost(Duration.ofSeconds(5));
        assertEquals(400, a.status());
        JsonNode errors = a.body().path("errors");
        assertTrue(errors.toString().contains("Unknown field argument 'deploymentId'"), a.body().toString());
        ProviderCalls.Answer missing = graphql.post("mutation r($id: String!) { deploymentRollback(id: $id) }",
                graphql.variables()).await().atMost(Duration.ofSeconds(5));
        assertTrue(graphql.error(missing, "deploymentRollback") != null);
        assertEquals(List.of(), FakeRailway.state().mutations());
    }

    @Test
    void aColleaguesDeploymentDuringTheWaitIsNeverTakenForOurs() {
        railway.upsert(declared, api, "MAINTENANCE_MODE", "true", false).await().atMost(Duration.ofSeconds(5));
        FakeRailway.state().deployed(FakeRailway.API, "d-hotfix", Instant.now(), "BUILDING", "ccc333");
        RailwayActions.Settled s = railway.awaitNew(declared, api, Set.of("d-live", "d-old")).await().atMost(Duration.ofSeconds(10));
        assertFalse(s.settled(), s.toString());
        assertEquals(null, s.deploymentId());
        assertTrue(s.error().startsWith("could not tell which deployment is ours"), s.error());
    }
}
