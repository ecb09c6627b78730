package io.firebreak.db;

import io.firebreak.platform.FunctionError;

/**
 * One of firebreak's databases could not be reached or did not answer in time: a 503 the caller
 * can retry ({@code ops_unavailable}, {@code target_unavailable}), never a 500. {@link #inDoubt()}
 * says that a write's COMMIT was sent and its outcome is unknown.
 */
public class DatabaseUnavailable extends FunctionError {

    private final String database;
    private final String reason;
    private final boolean inDoubt;

    public DatabaseUnavailable(String database, String reason, boolean inDoubt) {
        super(503, database + "_unavailable", "the " + database + " database is unavailable: " + reason
                + (inDoubt ? " while committing: the transaction may or may not have committed" : ""), null);
        this.database = database;
        this.reason = reason;
        this.inDoubt = inDoubt;
    }

    /** The same loss, known to have happened after COMMIT was sent. */
    DatabaseUnavailable whileCommitting() {
        return inDoubt ? this : new DatabaseUnavailable(database, reason, true);
    }

    /** What went wrong, without the database's name. */
    public String reason() {
        return reason;
    }

    public String database() {
        return database;
    }

    /** The transaction's COMMIT was sent when the connection was lost: it may or may not have committed. */
    public boolean inDoubt() {
        return inDoubt;
    }
}
