package io.firebreak.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A plan's before-images keep every digit of a wide numeric on their way into jsonb and back. */
class OpsJsonTest {

    @Test
    void decimalsSurviveTheRoundTripExactly() {
        OpsJson json = new OpsJson();
        json.mapper = new ObjectMapper();
        String wide = "12345678901234.123456";
        Object stored = json.jsonb(Map.of("rows", java.util.List.of(Map.of("before", Map.of("total", new BigDecimal(wide))))));
        String text = stored.toString();
        assertEquals(true, text.contains(wide), text);
        BigDecimal back = json.tree(text).path("rows").get(0).path("before").path("total").decimalValue();
        assertEquals(new BigDecimal(wide), back);
        // Through a tree read from text first (what a dry run does with a row's to_jsonb).
        Object again = json.jsonb(json.tree("{\"total\": 98765432109876.654321}"));
        assertEquals(true, again.toString().contains("98765432109876.654321"), again.toString());
    }
}
