package io.firebreak.functions.toperrors;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** Seeds 001/003 "top errors in the last hour" with the error rate resolve-incident judges by. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class TopErrorsFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    @BeforeEach
    void errors() {
        new TargetData(db.target()).reset();
        // service is not in the contract: seed 003's apps have it, and top-errors' filter uses it where it is.
        Sql.exec(db.target(), """
                ALTER TABLE public.error_logs ADD COLUMN IF NOT EXISTS service text;
                DELETE FROM public.error_logs;
                DELETE FROM public.audit_logs;
                INSERT INTO public.error_logs (service, error_type, error_message, occurred_at)
                SELECT 'edge:send-sms', 'TwilioError', 'account suspended', now() - make_interval(mins => g % 50)
                FROM generate_series(1, 30) g;
                INSERT INTO public.error_logs (service, error_type, error_message, occurred_at)
                SELECT 'web', 'TypeError', 'x is undefined', now() - make_interval(mins => g % 50) FROM generate_series(1, 12) g;
                INSERT INTO public.error_logs (service, error_type, error_message, occurred_at)
                SELECT 'web', 'OldError', 'yesterday', now() - interval '1 day' FROM generate_series(1, 99) g;
                INSERT INTO public.audit_logs (action_type, created_at)
                SELECT 'login', now() - make_interval(mins => g % 50) FROM generate_series(1, 958) g;""");
    }

    @Test
    void groupsByTypeAndMessageOverTheWindowWithTheErrorRate() {
        JsonPath top = call("top-errors", Tokens.RESPONDER, "{}").statusCode(200).extract().jsonPath();
        assertEquals(60, top.getInt("windowMinutes"));
        assertEquals("public.error_logs", top.getString("table"));
        assertEquals(List.of("TwilioError", "TypeError"), top.getList("top.type"));
        assertEquals(List.of(30, 12), top.getList("top.count"));
        assertEquals("account suspended", top.getString("top[0].message"));
        assertEquals(42, top.getInt("errors"));
        assertEquals(1000, top.getInt("errorRate.requests"));
        assertEquals(4.2, top.getDouble("errorRate.percent"), 0.001);
        assertEquals(false, top.getBoolean("errorRate.belowResolutionBound"));
        call("top-errors", Tokens.RESPONDER, "{\"window\":\"2d\",\"limit\":1}").statusCode(200)
                .body("top.type", is(List.of("OldError"))).body("errors", is(141));
        call("top-errors", Tokens.RESPONDER, "{\"service\":\"edge:\"}").statusCode(200)
                .body("top.type", is(List.of("TwilioError"))).body("serviceFilter", is("edge:*"));
    }

    @Test
    void aLogWithoutTheTableIsAClearRefusalAndBadInputToo() {
        call("top-errors", Tokens.RESPONDER, "{\"window\":\"forever\"}").statusCode(400).body("error.field", is("window"));
        call("top-errors", Tokens.RESPONDER, "{\"limit\":500}").statusCode(400).body("error.field", is("limit"));
        Sql.exec(db.target(), "ALTER TABLE public.error_logs RENAME TO error_logs_gone");
        try {
            call("top-errors", Tokens.RESPONDER, "{}").statusCode(409).body("error.code", is("no_error_log"))
                    .body("error.message", is("no table public.error_logs on the target (firebreak.errors.table)"));
        } finally {
            Sql.exec(db.target(), "ALTER TABLE public.error_logs_gone RENAME TO error_logs");
        }
    }
}
