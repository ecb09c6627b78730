package io.firebreak.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.firebreak.db.DatabaseUrl;

/** Plain JDBC against a test database: arranging fixtures and reading what firebreak wrote. */
public final class Sql {

    private Sql() {
    }

    public static Connection connect(String postgresUrl) throws SQLException {
        DatabaseUrl url = DatabaseUrl.parse(postgresUrl);
        return DriverManager.getConnection(url.jdbcUrl(), url.user().orElse("postgres"), url.password().orElse(""));
    }

    public static void exec(String postgresUrl, String sql) {
        try (Connection c = connect(postgresUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static long count(String postgresUrl, String sql) {
        return ((Number) rows(postgresUrl, sql).get(0).values().iterator().next()).longValue();
    }

    public static List<Map<String, Object>> rows(String postgresUrl, String sql) {
        try (Connection c = connect(postgresUrl); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
