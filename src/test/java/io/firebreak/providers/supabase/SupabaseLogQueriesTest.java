package io.firebreak.providers.supabase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Both dialects of the log SQL, and the rows as each engine answers them. */
class SupabaseLogQueriesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final SupabaseLogQueries clickhouse = new SupabaseLogQueries(SupabaseLogQueries.Engine.CLICKHOUSE);
    final SupabaseLogQueries bigquery = new SupabaseLogQueries(SupabaseLogQueries.Engine.BIGQUERY);

    List<String> all(SupabaseLogQueries q) {
        return List.of(q.edgeResponses(), q.edgeServerErrors(), q.authFailures(), q.functionTail(20));
    }

    @Test
    void clickhouseReadsTheOneLogsTableBySourceWithoutCountStar() {
        for (String sql : all(clickhouse)) {
            assertTrue(sql.startsWith("-- firebreak: "), sql);
            assertTrue(sql.matches("(?s).*\\bfrom logs\\s+where source = '[a-z_]+'.*"), sql);
            assertFalse(sql.contains("count(*)") || sql.contains("select *") || sql.contains("unnest"), sql);
            assertTrue(sql.matches("(?s).*\\blimit \\d+$"), "every query is bounded: " + sql);
        }
    }

    @Test
    void bigqueryUnnestsMetadataAsSupabaseStudioDoes() {
        assertTrue(bigquery.edgeResponses().contains("from function_edge_logs\n  cross join unnest(metadata) as m\n"
                + "  cross join unnest(m.response) as response"));
        assertTrue(bigquery.authFailures().contains("from auth_logs\n  cross join unnest(metadata) as metadata"));
        assertTrue(bigquery.functionTail(5).contains("from function_logs\n  cross join unnest(metadata) as metadata"));
        for (String sql : all(bigquery)) {
            assertFalse(sql.matches("(?s).*\\bfrom logs\\b.*"), sql);
        }
    }

    @Test
    void theTailIsBoundedToFifty() {
        assertTrue(clickhouse.functionTail(500).endsWith("limit 50"));
        assertTrue(clickhouse.functionTail(0).endsWith("limit 1"));
    }

    @Test
    void timestampsInEitherEnginesForm() {
        Instant at = Instant.parse("2026-12-01T12:59:58.215Z");
        assertEquals(at, SupabaseLogQueries.timestamp(JSON.getNodeFactory().numberNode(1796129998215000L)));
        assertEquals(at, SupabaseLogQueries.timestamp(JSON.getNodeFactory().textNode("1796129998215000")));
        assertEquals(at, SupabaseLogQueries.timestamp(JSON.getNodeFactory().textNode("2026-12-01T12:59:58.215000")));
        assertEquals(at, SupabaseLogQueries.timestamp(JSON.getNodeFactory().textNode("2026-12-01 12:59:58.215000")));
        assertEquals(at, SupabaseLogQueries.timestamp(JSON.getNodeFactory().textNode("2026-12-01T12:59:58.215Z")));
        assertNull(SupabaseLogQueries.timestamp(JSON.getNodeFactory().textNode("yesterday")));
        assertNull(SupabaseLogQueries.timestamp(JSON.getNodeFactory().nullNode()));
    }

    @Test
    void countsAsNumbersOrClickhouseStrings() throws Exception {
        var rows = JSON.readTree("[{\"status_code\":503,\"function_id\":\"f\",\"count\":\"200\"},"
                + "{\"status_code\":\"500\",\"function_id\":null,\"count\":12},{\"status_code\":null,\"count\":\"x\"}]");
        List<SupabaseLogQueries.StatusCount> counts = SupabaseLogQueries.statusCounts(rows);
        assertEquals(new SupabaseLogQueries.StatusCount(503, "f", 200), counts.get(0));
        assertEquals(new SupabaseLogQueries.StatusCount(500, null, 12), counts.get(1));
        assertEquals(new SupabaseLogQueries.StatusCount(0, null, 0), counts.get(2));
        assertEquals(new SupabaseLogQueries.ServerErrors(3, 40),
                SupabaseLogQueries.serverErrors(JSON.readTree("[{\"server_errors\":\"3\",\"responses\":40}]")));
        assertEquals(new SupabaseLogQueries.ServerErrors(0, 0), SupabaseLogQueries.serverErrors(JSON.readTree("[]")));
    }

    @Test
    void theEngineIsOneOfTwo() {
        assertEquals(SupabaseLogQueries.Engine.CLICKHOUSE, SupabaseLogQueries.Engine.parse(""));
        assertEquals(SupabaseLogQueries.Engine.BIGQUERY, SupabaseLogQueries.Engine.parse(" BigQuery "));
        assertThrows(IllegalArgumentException.class, () -> SupabaseLogQueries.Engine.parse("postgres"));
    }
}
