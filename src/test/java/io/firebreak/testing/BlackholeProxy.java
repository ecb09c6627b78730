package io.firebreak.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy in front of the target that can go silent, as a pooler whose database is down or a
 * black-holed link does: while silent it accepts connections and never answers them, and every
 * connection open when the silence began stalls for good (its bytes are swallowed). When it
 * forwards again, only new connections work: a client must abandon what it opened before.
 */
public final class BlackholeProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final AtomicBoolean silent = new AtomicBoolean();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private BlackholeProxy(ServerSocket server, int upstreamPort) {
        this.server = server;
        this.upstreamPort = upstreamPort;
    }

    public static BlackholeProxy start(int upstreamPort) {
        try {
            BlackholeProxy proxy = new BlackholeProxy(new ServerSocket(0, 500, InetAddress.getLoopbackAddress()), upstreamPort);
            Thread acceptor = new Thread(proxy::acceptForever, "blackhole-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public void silent(boolean on) {
        silent.set(on);
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                if (silent.get()) {
                    continue; // accepted, held, never answered
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(upstream);
                AtomicBoolean stalled = new AtomicBoolean();
                pump(client, upstream, stalled);
                pump(upstream, client, stalled);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicBoolean stalled) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (silent.get()) {
                        stalled.set(true);
                    }
                    if (!stalled.get()) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException closed) {
                // one side went away
            }
            if (!stalled.get()) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "blackhole-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a test server
        }
        sockets.forEach(BlackholeProxy::closeQuietly);
    }
}
