package io.firebreak.functions.verifypayment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeProviders;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;

/** Several sweepers at once, and one whose database connection dies mid-batch: nothing lost, nothing doubled. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeProviders.class)
class StuckPaymentSweepTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    StuckPaymentSweep sweep;

    TargetData target;
    OpsRecords ops;

    @BeforeEach
    void stuck() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(1);
        Sql.exec(db.ops(), "DELETE FROM sweep_items");
        FakeProviders.paystack().resetAll();
    }

    /** Paystack answers success for any reference, with the amount every test payment has. */
    static void paystackSucceeds(int delayMs) {
        FakeProviders.paystack().stubFor(WireMock.get(urlPathMatching("/transaction/verify/.*"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withFixedDelay(delayMs).withTransformers("response-template")
                        .withBody(FakeProviders.paystackBody("{{request.pathSegments.[2]}}", "success", 250000, "NGN"))));
    }

    long settled() {
        return target.count("SELECT count(*) FROM payment_transactions WHERE status = 'success'");
    }

    long auditedRows() {
        return Sql.count(db.ops(), "SELECT coalesce(sum(rows_affected), 0) FROM audit_records WHERE function = '"
                + StuckPaymentSweep.NAME + "'");
    }

    @Test
    void fourConcurrentSweepersVerifyEachOfAThousandPaymentsExactlyOnce() {
        target.stuckPayments("REF-", 1000, 250000);
        target.payment("RECENT-1", "paystack", 250000, "NGN", "pending", 10);
        paystackSucceeds(0);
        long audited = auditedRows();

        // A run takes at most firebreak.actions.max-rows (600 here) stuck payments: two rounds of four.
        int settledByRuns = 0;
        for (int round = 0; round < 2; round++) {
            List<CompletableFuture<StuckPaymentSweep.Result>> sweepers = IntStream.range(0, 4)
                    .mapToObj(i -> sweep.run().subscribeAsCompletionStage()).toList();
            for (var s : sweepers) {
                settledByRuns += s.orTimeout(120, java.util.concurrent.TimeUnit.SECONDS).join().settled();
            }
        }

        assertEquals(1000, settled());
        assertEquals("pending", target.status("RECENT-1"), "under an hour old: not stuck yet");
        assertEquals(1000, settledByRuns, "each payment settled by exactly one sweeper");
        assertEquals(1000, auditedRows() - audited);
        List<LoggedRequest> calls = FakeProviders.paystack().findAll(getRequestedFor(urlPathMatching("/transaction/verify/.*")));
        Set<String> references = new HashSet<>();
        calls.forEach(c -> references.add(c.getUrl()));
        assertEquals(1000, calls.size(), "one provider call per payment");
        assertEquals(1000, references.size());
    }

    @Test
    void aSweeperWhoseConnectionIsKilledMidBatchLosesNothingAndDoublesNothing() throws Exception {
        target.stuckPayments("CUT-", 200, 250000);
        paystackSucceeds(0);
        CompletableFuture<StuckPaymentSweep.Result> interruptedRun;
        long audited = auditedRows();

        // Another session holds ten of the rows, so the sweeper's updates of them wait in the database...
        try (Connection holder = Sql.connect(db.target())) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("SELECT 1 FROM payment_transactions WHERE transaction_reference "
                    + "BETWEEN 'CUT-00001' AND 'CUT-00010' FOR UPDATE");
            CompletableFuture<StuckPaymentSweep.Result> first = sweep.run().subscribeAsCompletionStage();
            // ...where their connections are killed mid-statement, as in a failover or by a DBA.
            long killed = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (killed == 0 && System.nanoTime() < deadline) {
                killed = Sql.rows(db.target(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND wait_event_type = 'Lock'").size();
                Thread.sleep(20);
            }
            assertTrue(killed > 0, "a sweeper statement was caught waiting and killed");
            holder.rollback();
            interruptedRun = first;
        }
        StuckPaymentSweep.Result interrupted = interruptedRun.orTimeout(120, java.util.concurrent.TimeUnit.SECONDS).join();
        assertTrue(interrupted.errors() > 0, "the kill hit the batch in flight: " + interrupted);

        // When the leases run out, a later batch or the next run takes up what the kill left.
        Thread.sleep(Duration.ofSeconds(2).toMillis() + 200);
        StuckPaymentSweep.Result second = sweep.run().await().atMost(Duration.ofSeconds(120));

        assertEquals(200, settled(), "nothing lost");
        assertEquals(200, interrupted.settled() + second.settled(), "nothing settled twice");
        assertEquals(200, auditedRows() - audited, "the audit counts each payment once");
        assertEquals(200, Sql.count(db.ops(), "SELECT count(*) FROM sweep_items WHERE state = 'done' AND changed"));
    }
}
