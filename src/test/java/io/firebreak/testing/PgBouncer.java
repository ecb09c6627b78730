package io.firebreak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A real pgbouncer in transaction mode in front of the test Postgres, like Supabase's port 6543:
 * each transaction may run on a different server connection, so session state and named prepared
 * statements do not survive between them.
 */
public final class PgBouncer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private PgBouncer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static PgBouncer start() {
        String binary = Files.isExecutable(Path.of("/usr/sbin/pgbouncer")) ? "/usr/sbin/pgbouncer" : "pgbouncer";
        int port = HangingServer.closedPort();
        try {
            Path dir = Files.createTempDirectory("fb-pgbouncer", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.writeString(dir.resolve("users.txt"), "\"postgres\" \"\"\n\"" + PostgresDatabases.RUNTIME_ROLE + "\" \"\"\n");
            Files.writeString(dir.resolve("pgbouncer.ini"), """
                    [databases]
                    * = host=127.0.0.1 port=5432
                    [pgbouncer]
                    listen_addr = 127.0.0.1
                    listen_port = %d
                    unix_socket_dir =
                    auth_type = trust
                    auth_file = %s
                    pool_mode = transaction
                    default_pool_size = 10
                    max_client_conn = 400
                    ignore_startup_parameters = extra_float_digits
                    logfile = %s
                    """.formatted(port, dir.resolve("users.txt"), dir.resolve("pgbouncer.log")));
            for (Path p : List.of(dir.resolve("users.txt"), dir.resolve("pgbouncer.ini"))) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            List<String> command = new ArrayList<>(List.of(binary));
            if ("root".equals(System.getProperty("user.name"))) {
                // pgbouncer refuses to run as root.
                command.addAll(List.of("-u", "postgres"));
            }
            command.add(dir.resolve("pgbouncer.ini").toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            PgBouncer bouncer = new PgBouncer(process, port, dir);
            bouncer.awaitListening();
            return bouncer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start pgbouncer (apt-get install pgbouncer; .ci/run does)", e);
        }
    }

    public String url(String database) {
        return url(database, "postgres");
    }

    public String url(String database, String user) {
        // Not on 6543, so the URL says it is a pooler (as Prisma-style URLs do).
        return "postgresql://" + user + "@127.0.0.1:" + port + "/" + database + "?pgbouncer=true";
    }

    public int port() {
        return port;
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("pgbouncer exited: " + Files.readString(dir.resolve("stdout.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        throw new IOException("pgbouncer did not listen on " + port + " within 10 s");
    }

    @Override
    public void close() {
        process.destroy();
    }
}
