package io.firebreak.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakeProviders;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.FakeSupabase;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.SampleCalls;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;

/**
 * An application whose schema lacks part of the contract — each table, then each column, hidden in
 * turn (renamed, as a migration half-way through would leave it) — gets from every function a clear
 * answer: 409 target_contract_mismatch naming what is missing (no_error_log for top-errors' configurable
 * log), or its normal answer where it does not need it; never a 500, never a raw database error, and
 * confirm-outage never calls a database that answered an outage.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeProviders.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSupabase.class)
@WithTestResource(FakeSlack.class)
class TargetContractTest {

    static final String T = SampleCalls.TENANT;
    static final String HIDDEN = "_hidden_by_test";

    /** Rows every sample call finds, so that each gets as far into the contract as it can. */
    static final String ROWS = """
            INSERT INTO public.tenants (id, name) VALUES ('%1$s', 'Acme');
            INSERT INTO public.profiles (tenant_id, full_name, email, phone, role)
                VALUES ('%1$s', 'Ada Obi', 'ada@acme.example', '+2348012345678', 'admin');
            INSERT INTO public.erp_integrations (id, tenant_id, name, erp_system) VALUES ('%1$s', '%1$s', 'Xero', 'xero');
            INSERT INTO public.erp_sync_logs (integration_id, sync_status) SELECT '%1$s', 'retrying' FROM generate_series(1, 3);
            INSERT INTO public.payment_transactions (tenant_id, transaction_reference, provider, amount, currency, status,
                created_at) VALUES ('%1$s', 'PSK-404', 'paystack', 5000, 'NGN', 'pending', now() - interval '1 hour');
            INSERT INTO public.audit_logs (tenant_id, action_type) VALUES ('%1$s', 'login');
            INSERT INTO public.error_logs (error_type, error_message) VALUES ('edge:checkout', 'boom');
            """.formatted(T);

    @TestDatabases.Inject
    TestDatabases db;

    TargetData target;
    String incident;

    @BeforeEach
    void rows() {
        target = new TargetData(db.target());
        target.reset();
        Sql.exec(db.target(), ROWS);
        FakeMessaging.acceptEmail();
        FakeSlack.answerNormally();
        incident = Lifecycle.declare("Checkout failing", "P2", null);
    }

    @AfterEach
    void clean() {
        target.reset();
        Sql.exec(db.target(), "DELETE FROM public.error_logs WHERE error_type = 'edge:checkout' AND error_message = 'boom'");
    }

    @Test
    void everyMissingTableOrColumnIsA409NamingItNeverA500() {
        List<Map<String, Object>> columns = Sql.rows(db.target(), """
                SELECT table_name AS t, column_name AS c FROM information_schema.columns
                WHERE table_schema = 'public' ORDER BY table_name, ordinal_position""");
        List<String> tables = columns.stream().map(r -> (String) r.get("t")).distinct().toList();
        Map<String, Integer> mismatches = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (String table : tables) {
            calls += hidden("ALTER TABLE public." + table + " RENAME TO " + table + HIDDEN,
                    "ALTER TABLE public." + table + HIDDEN + " RENAME TO " + table, table, "public." + table, mismatches, wrong);
        }
        for (Map<String, Object> col : columns) {
            String t = (String) col.get("t");
            String c = (String) col.get("c");
            calls += hidden("ALTER TABLE public." + t + " RENAME COLUMN " + c + " TO " + c + HIDDEN,
                    "ALTER TABLE public." + t + " RENAME COLUMN " + c + HIDDEN + " TO " + c, t + "." + c, c, mismatches, wrong);
        }
        System.out.printf("target contract: %d tables and %d columns hidden in turn, %d calls; 409 naming what is missing, "
                + "by function: %s%n", tables.size(), columns.size(), calls, mismatches);
        assertEquals(List.of(), wrong);
        // The functions whose contract reads name what they lack before touching anything.
        for (String f : List.of("notify-tenant", "clear-retry-queue", "verify-payment", "contain-breach", "top-errors")) {
            assertTrue(mismatches.getOrDefault(f, 0) > 0, f + " never said what the target lacked: " + mismatches);
        }
    }

    /** Every sample call with one part of the schema hidden; what was wrong is added to {@code wrong}. */
    int hidden(String hide, String restore, String what, String named, Map<String, Integer> mismatches, List<String> wrong) {
        Sql.exec(db.target(), hide);
        int calls = 0;
        try {
            for (String function : SampleCalls.CALLS.keySet()) {
                Response r = SampleCalls.send(function, SampleCalls.CALLS.get(function).body()
                        .replace(SampleCalls.INCIDENT, incident));
                calls++;
                String where = function + " without " + what + ": " + r.statusCode() + " " + r.asString();
                if (r.statusCode() >= 500 && !"apply_failed".equals(r.path("error.code"))
                        && !"ops_unavailable".equals(r.path("error.code"))) {
                    wrong.add(where);
                } else if (r.statusCode() >= 400) {
                    String code = r.path("error.code");
                    assertNotNull(code, where);
                    // top-errors reads a configurable log (firebreak.errors.table) and names what it lacks its own way.
                    if (code.equals("target_contract_mismatch") || code.equals("no_error_log")) {
                        mismatches.merge(function, 1, Integer::sum);
                        if (!r.<String>path("error.message").contains(named)) {
                            wrong.add(where + " (does not name " + named + ")");
                        }
                    }
                }
                String text = r.asString();
                if (text.contains("SQLSTATE") || text.contains("Exception") || text.contains("ERROR:")) {
                    wrong.add(where + " (a raw database error)");
                }
                if (function.equals("confirm-outage") && "outage".equals(r.path("verdict"))) {
                    wrong.add(where + " (the database answered: a schema firebreak cannot read is not an outage)");
                }
            }
        } finally {
            Sql.exec(db.target(), restore);
        }
        return calls;
    }
}
