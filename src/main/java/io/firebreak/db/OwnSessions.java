package io.firebreak.db;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.sqlclient.impl.Connection;

/**
 * The backend pids of the connections this process holds, on every database: terminate-sessions
 * never ends them, whatever application_name another session claims. A closed connection's pid is
 * dropped as soon as it is looked at, so a pid the server reuses is not protected by mistake.
 */
public final class OwnSessions {

    private static final ConcurrentHashMap<Integer, Connection> OPEN = new ConcurrentHashMap<>();

    private OwnSessions() {
    }

    static void opened(Connection connection) {
        OPEN.put(connection.getProcessId(), connection);
    }

    /** The pids of this process's open connections. */
    public static Set<Integer> pids() {
        OPEN.entrySet().removeIf(e -> !e.getValue().isValid());
        return Set.copyOf(OPEN.keySet());
    }
}
