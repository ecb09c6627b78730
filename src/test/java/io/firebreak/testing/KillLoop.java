package io.firebreak.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kills firebreak's connections to a database over and over (pg_terminate_backend on its
 * application name), as an operator or a failover would, while a test drives an apply.
 */
public final class KillLoop implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger killed = new AtomicInteger();
    private final Thread thread;

    public KillLoop(String databaseUrl, long everyMillis) {
        thread = new Thread(() -> {
            try (Connection c = Sql.connect(databaseUrl); Statement s = c.createStatement()) {
                while (running.get()) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM "
                            + "pg_stat_activity WHERE application_name = 'firebreak' AND datname = current_database() "
                            + "AND pid <> pg_backend_pid()")) {
                        rs.next();
                        killed.addAndGet(rs.getInt(1));
                    }
                    Thread.sleep(everyMillis);
                }
            } catch (Exception e) {
                if (running.get()) {
                    throw new IllegalStateException(e);
                }
            }
        }, "kill-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /** How many of firebreak's backends it ended. */
    public int killed() {
        return killed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5000);
    }
}
