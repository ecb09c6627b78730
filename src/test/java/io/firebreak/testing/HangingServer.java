package io.firebreak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A database host that accepts connections and never answers: the outage that hangs callers. */
public final class HangingServer implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    private HangingServer(ServerSocket server) {
        this.server = server;
    }

    public static HangingServer start() {
        try {
            HangingServer s = new HangingServer(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(s::acceptForever, "hanging-server");
            acceptor.setDaemon(true);
            acceptor.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port nothing listens on: connections are refused at once. */
    public static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepted() {
        return held.size();
    }

    /** Connections the client has given up on and closed. */
    public int closedByClient() {
        int closed = 0;
        for (Socket s : held) {
            try {
                s.setSoTimeout(20);
                if (s.getInputStream().read(new byte[1024]) == -1) {
                    closed++;
                }
            } catch (java.net.SocketTimeoutException stillOpen) {
                // the client still waits on it
            } catch (IOException e) {
                closed++;
            }
        }
        return closed;
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                held.add(server.accept());
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing a test server
        }
    }
}
