package io.firebreak.functions.snapshottables;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.PGConnection;

import io.quarkus.runtime.annotations.RegisterForReflection;

import io.firebreak.db.BoundedPools;
import io.firebreak.db.DatabaseUrl;
import io.firebreak.db.Identifiers;

/**
 * Copies whole tables of the target into the ops database, streamed: COPY … TO STDOUT (CSV with a
 * header) on the target, written as 1 MiB chunks into snapshot_chunks while a SHA-256 of the bytes
 * is taken, all in one ops transaction, bounded by FIREBREAK_SNAPSHOT_MAX_BYTES over all tables of
 * the call. Blocking JDBC (the reactive client has no COPY): the function runs it on a worker.
 */
@Singleton
public class Snapshots {

    static final int CHUNK = 1 << 20;

    static final String INSERT_CHUNK = "INSERT INTO snapshot_chunks (snapshot_id, seq, data) VALUES (?, ?, ?)";

    static final String INSERT_SNAPSHOT = """
            INSERT INTO snapshots (id, table_name, incident_id, taken_at, format, rows_copied, bytes, sha256, chunks,
                                   token_id, reason)
            VALUES (?, ?, ?, ?, 'csv', ?, ?, ?, ?, ?, ?)""";

    @ConfigProperty(name = "target.database.url")
    String targetUrl;

    @ConfigProperty(name = "ops.database.url")
    String opsUrl;

    @ConfigProperty(name = "firebreak.snapshot.max-bytes", defaultValue = "268435456")
    long maxBytes;

    @ConfigProperty(name = "firebreak.snapshot.timeout", defaultValue = "10m")
    Duration timeout;

    @Inject
    Clock clock;

    /** One table's snapshot as stored. */
    @RegisterForReflection
    public record Taken(String snapshotId, String table, long rows, long bytes, String sha256, int chunks) {
    }

    /** The bound was reached: nothing was stored (the ops transaction rolled back). */
    public static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Takes every table, in order, in one ops transaction: all stored or none. */
    public List<Taken> take(List<String> tables, String incidentId, String tokenId, String reason) throws SQLException {
        try (Connection target = DatabaseUrl.open(targetUrl); Connection ops = DatabaseUrl.open(opsUrl)) {
            target.setAutoCommit(false);
            try (Statement s = target.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                s.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
                s.execute("SET LOCAL application_name = '" + BoundedPools.APPLICATION_NAME + "'");
            }
            ops.setAutoCommit(false);
            List<Taken> taken = new ArrayList<>();
            long budget = maxBytes;
            try {
                for (String table : tables) {
                    Taken t = copy(target, ops, table, budget, incidentId, tokenId, reason);
                    budget -= t.bytes();
                    taken.add(t);
                }
                ops.commit();
                return taken;
            } catch (SQLException | RuntimeException e) {
                ops.rollback();
                throw e;
            } finally {
                target.rollback();
            }
        }
    }

    private Taken copy(Connection target, Connection ops, String table, long budget, String incidentId, String tokenId,
            String reason) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement chunks = ops.prepareStatement(INSERT_CHUNK);
                ChunkStream out = new ChunkStream(chunks, id, budget, table)) {
            long rows = target.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM "
                    + Identifiers.Table.of(table).qualified() + ") TO STDOUT WITH (FORMAT csv, HEADER)", out);
            out.close();
            try (PreparedStatement s = ops.prepareStatement(INSERT_SNAPSHOT)) {
                s.setObject(1, id);
                s.setString(2, table);
                s.setString(3, incidentId);
                s.setTimestamp(4, Timestamp.from(clock.instant()));
                s.setLong(5, rows);
                s.setLong(6, out.bytes);
                s.setString(7, out.sha256());
                s.setInt(8, out.seq);
                s.setString(9, tokenId);
                s.setString(10, reason);
                s.executeUpdate();
            }
            return new Taken(id.toString(), table, rows, out.bytes, out.sha256(), out.seq);
        } catch (IOException e) {
            if (e.getCause() instanceof TooLarge tooLarge) {
                throw tooLarge;
            }
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException(e.getMessage(), "58030", e);
        }
    }

    /** COPY's bytes, hashed and written as numbered chunks; past the budget it stops the copy. */
    static final class ChunkStream extends OutputStream {
        private final PreparedStatement insert;
        private final UUID id;
        private final long budget;
        private final String table;
        private final MessageDigest digest;
        private final byte[] buffer = new byte[CHUNK];
        private int used;
        long bytes;
        int seq;
        private boolean closed;

        ChunkStream(PreparedStatement insert, UUID id, long budget, String table) {
            this.insert = insert;
            this.id = id;
            this.budget = budget;
            this.table = table;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (bytes + len > budget) {
                throw new IOException(new TooLarge(table + " is larger than what is left of FIREBREAK_SNAPSHOT_MAX_BYTES ("
                        + budget + " bytes): nothing was stored; snapshot fewer tables or raise the bound"));
            }
            digest.update(b, off, len);
            bytes += len;
            while (len > 0) {
                int n = Math.min(len, CHUNK - used);
                System.arraycopy(b, off, buffer, used, n);
                used += n;
                off += n;
                len -= n;
                if (used == CHUNK) {
                    flushChunk();
                }
            }
        }

        private void flushChunk() throws IOException {
            if (used == 0) {
                return;
            }
            try {
                insert.setObject(1, id);
                insert.setInt(2, seq++);
                insert.setBytes(3, java.util.Arrays.copyOf(buffer, used));
                insert.executeUpdate();
                used = 0;
            } catch (SQLException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                flushChunk();
            }
        }

        private String sha;

        String sha256() {
            if (sha == null) {
                sha = HexFormat.of().formatHex(digest.digest());
            }
            return sha;
        }
    }
}
