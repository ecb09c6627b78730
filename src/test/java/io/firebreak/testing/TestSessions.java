package io.firebreak.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Real sessions on the target that stand in for the application's: idle ones, one running a long
 * query, a lock holder and a waiter. Each knows its backend pid; closing ends whatever is left.
 */
public final class TestSessions implements AutoCloseable {

    /** A plain login role (not superuser), as an application connects. */
    public static final String APP_ROLE = "fb_app";

    private final String url;
    private final List<Connection> connections = new ArrayList<>();
    private final List<Integer> pids = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-session");
        t.setDaemon(true);
        return t;
    });

    public TestSessions(String targetUrl) {
        this.url = targetUrl.replace("postgresql://postgres@", "postgresql://" + APP_ROLE + "@");
    }

    /** A session (as the app role, or as postgres when superuser) that ran one query and sits idle; answers its pid. */
    public int idle(String applicationName, boolean superuser) {
        try {
            Connection c = Sql.connect(superuser ? url.replace(APP_ROLE + "@", "postgres@") : url);
            connections.add(c);
            try (Statement s = c.createStatement()) {
                s.execute("SET application_name = '" + applicationName.replace("'", "") + "'");
                s.execute("SELECT 1");
            }
            return pid(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A session running pg_sleep for the given seconds in the background; answers its pid once the query runs. */
    public int running(String applicationName, int seconds) {
        return runningOn(url, applicationName, seconds);
    }

    /** The same on another database of the same server (pg_stat_activity lists it too). */
    public int runningElsewhere(String database, String applicationName, int seconds) {
        return runningOn(url.substring(0, url.lastIndexOf('/') + 1) + database, applicationName, seconds);
    }

    private int runningOn(String where, String applicationName, int seconds) {
        try {
            Connection c = Sql.connect(where);
            connections.add(c);
            try (Statement s = c.createStatement()) {
                s.execute("SET application_name = '" + applicationName.replace("'", "") + "'");
            }
            int pid = pid(c);
            background.submit(() -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_sleep(" + seconds + ")");
                } catch (SQLException ended) {
                    // terminated or closed: what the tests do to it
                }
            });
            awaitState(pid, "active");
            return pid;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A holder that locks a row inside an open transaction, and a waiter blocked on the same row;
     * answers {holder pid, waiter pid}.
     */
    public int[] lockWait(String table, String where) {
        try {
            Connection holder = Sql.connect(url.replace(APP_ROLE + "@", "postgres@"));
            connections.add(holder);
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("SET application_name = 'lock-holder'");
                s.execute("SELECT 1 FROM " + table + " WHERE " + where + " FOR UPDATE");
            }
            Connection waiter = Sql.connect(url.replace(APP_ROLE + "@", "postgres@"));
            connections.add(waiter);
            try (Statement s = waiter.createStatement()) {
                s.execute("SET application_name = 'lock-waiter'");
            }
            int waiterPid = pid(waiter);
            background.submit(() -> {
                try (Statement s = waiter.createStatement()) {
                    s.execute("SELECT 1 FROM " + table + " WHERE " + where + " FOR UPDATE");
                } catch (SQLException ended) {
                    // released or terminated
                }
            });
            awaitState(waiterPid, "active");
            return new int[] { pid(holder), waiterPid };
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lets server-side time pass (idle and running spans are measured by the server's clock). */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a backend with this pid still exists. */
    public boolean alive(int pid) {
        return Sql.count(url.replace(APP_ROLE + "@", "postgres@"), "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) == 1;
    }

    private void awaitState(int pid, String state) {
        String admin = url.replace(APP_ROLE + "@", "postgres@");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Sql.count(admin, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid + " AND state = '" + state
                    + "' AND query NOT LIKE 'SET %'") == 1) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("session " + pid + " never became " + state);
    }

    private int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pids.add(rs.getInt(1));
            return rs.getInt(1);
        }
    }

    /**
     * Ends the sessions on the server first: a backend busy in pg_sleep would notice a closed
     * socket only when its query ends, holding back VACUUM's horizon for other tests until then.
     */
    @Override
    public void close() {
        if (!pids.isEmpty()) {
            Sql.exec(url.replace(APP_ROLE + "@", "postgres@"), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE pid IN (" + pids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","))
                    + ")");
        }
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already terminated
            }
        }
        background.shutdownNow();
    }
}
