package io.firebreak.functions.restoresnapshot;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.PGConnection;

import io.firebreak.db.BoundedPools;
import io.firebreak.db.DatabaseUrl;
import io.firebreak.db.Identifiers;
import io.firebreak.safety.Applying;

/**
 * Puts a snapshot back on the target, beside its table: a new table shaped LIKE the original,
 * filled by COPY … FROM STDIN from the stored chunks (streamed from the ops database, the SHA-256
 * checked again on the way), in one target transaction. What to do with it (swap, copy rows back)
 * stays the engineer's call; nothing existing is overwritten. Blocking JDBC, run on a worker.
 */
@Singleton
public class Restores {

    static final String SNAPSHOT = """
            SELECT table_name, rows_copied, bytes, sha256, chunks FROM snapshots WHERE id = ?""";

    static final String CHUNKS = "SELECT data FROM snapshot_chunks WHERE snapshot_id = ? ORDER BY seq";

    @ConfigProperty(name = "target.database.url")
    String targetUrl;

    @ConfigProperty(name = "ops.database.url")
    String opsUrl;

    @ConfigProperty(name = "firebreak.snapshot.timeout", defaultValue = "10m")
    Duration timeout;

    /** A stored snapshot. */
    public record Snapshot(UUID id, String table, long rows, long bytes, String sha256, int chunks) {
    }

    /** The stored chunks do not hash to the snapshot's checksum: nothing is restored from them. */
    public static final class Corrupt extends RuntimeException {
        Corrupt(String message) {
            super(message, null, false, false);
        }
    }

    public Optional<Snapshot> find(UUID id) throws SQLException {
        try (Connection ops = DatabaseUrl.open(opsUrl); PreparedStatement s = ops.prepareStatement(SNAPSHOT)) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Snapshot(id, r.getString(1), r.getLong(2), r.getLong(3), r.getString(4),
                        r.getInt(5))) : Optional.empty();
            }
        }
    }

    /** The SHA-256 of the stored chunks, read in order, one at a time. */
    public String checksum(UUID id) throws SQLException, IOException {
        try (Connection ops = DatabaseUrl.open(opsUrl); InputStream in = chunks(ops, id)) {
            MessageDigest digest = sha256();
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** Whether each of these tables exists on the target (schema.table). */
    public List<Boolean> exist(List<String> tables) throws SQLException {
        try (Connection target = DatabaseUrl.open(targetUrl); PreparedStatement s = target.prepareStatement(
                "SELECT to_regclass(?) IS NOT NULL")) {
            List<Boolean> out = new java.util.ArrayList<>();
            for (String t : tables) {
                s.setString(1, Identifiers.Table.of(t).qualified());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    out.add(r.getBoolean(1));
                }
            }
            return out;
        }
    }

    /**
     * Creates {@code into} LIKE the snapshot's table and copies the snapshot into it; the checksum
     * is verified over the bytes as they are sent, and a mismatch rolls everything back.
     * Answers the rows copied; the new table is recorded as committed with the apply.
     */
    public long restore(Applying apply, Snapshot snapshot, String into) throws SQLException, IOException {
        String from = Identifiers.Table.of(snapshot.table()).qualified();
        String to = Identifiers.Table.of(into).qualified();
        try (Connection target = DatabaseUrl.open(targetUrl); Connection ops = DatabaseUrl.open(opsUrl)) {
            target.setAutoCommit(false);
            try (Statement s = target.createStatement()) {
                s.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
                s.execute("SET LOCAL lock_timeout = 2000");
                s.execute("SET LOCAL application_name = '" + BoundedPools.APPLICATION_NAME + "'");
                s.execute("CREATE TABLE " + to + " (LIKE " + from + " INCLUDING DEFAULTS)");
            }
            MessageDigest digest = sha256();
            long rows;
            try (InputStream in = new java.security.DigestInputStream(chunks(ops, snapshot.id()), digest)) {
                rows = target.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + to
                        + " FROM STDIN WITH (FORMAT csv, HEADER)", in);
            } catch (SQLException | IOException | RuntimeException e) {
                target.rollback();
                throw e;
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            if (!sha.equals(snapshot.sha256()) || rows != snapshot.rows()) {
                target.rollback();
                throw new Corrupt("snapshot " + snapshot.id() + " does not hash to its checksum (or its row count) any more: "
                        + "nothing was restored");
            }
            target.commit();
            apply.committed("table", List.of(into));
            return rows;
        }
    }

    /** Drops a restored table, if it still holds exactly the rows it was restored with; answers whether it did. */
    public boolean drop(Applying apply, String into, long rows) throws SQLException {
        String table = Identifiers.Table.of(into).qualified();
        try (Connection target = DatabaseUrl.open(targetUrl)) {
            target.setAutoCommit(false);
            try (Statement s = target.createStatement()) {
                s.execute("SET LOCAL lock_timeout = 2000");
                s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
                    r.next();
                    if (r.getLong(1) != rows) {
                        target.rollback();
                        return false;
                    }
                }
                s.execute("DROP TABLE " + table);
            }
            target.commit();
            apply.committed("table", List.of(into));
            return true;
        }
    }

    /** The chunks of a snapshot as one stream, fetched from the ops database a few at a time. */
    private static InputStream chunks(Connection ops, UUID id) throws SQLException {
        ops.setAutoCommit(false);
        PreparedStatement s = ops.prepareStatement(CHUNKS);
        s.setFetchSize(4);
        s.setObject(1, id);
        ResultSet r = s.executeQuery();
        return new InputStream() {
            private InputStream current = InputStream.nullInputStream();

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (true) {
                    int n = current.read(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    try {
                        if (!r.next()) {
                            return -1;
                        }
                        current = new java.io.ByteArrayInputStream(r.getBytes(1));
                    } catch (SQLException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    r.close();
                    s.close();
                } catch (SQLException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
