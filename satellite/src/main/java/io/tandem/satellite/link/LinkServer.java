package io.tandem.satellite.link;

import io.tandem.satellite.SatelliteConfig;
import io.tandem.satellite.reconcile.NodeAgent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accepts controller connections and runs one {@link ControllerSession} per connection. */
public final class LinkServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LinkServer.class);

    private final SatelliteConfig config;
    private final NodeAgent agent;
    private final AtomicReference<ControllerSession> active = new AtomicReference<>();
    private ServerSocket serverSocket;
    private volatile boolean closed;

    public LinkServer(SatelliteConfig config, NodeAgent agent) {
        this.config = config;
        this.agent = agent;
    }

    public void start() throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        try {
            serverSocket.bind(config.listen());
        } catch (IOException e) {
            throw new IOException("Cannot listen on " + config.listen() + ": " + e.getMessage(), e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "link-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                ControllerSession session = new ControllerSession(socket, config.clusterSecret(), agent, this);
                Thread thread = new Thread(session, "link-" + socket.getRemoteSocketAddress());
                thread.setDaemon(true);
                thread.start();
            } catch (SocketException e) {
                if (!closed) {
                    log.error("The link listener failed", e);
                }
                return;
            } catch (IOException e) {
                log.warn("Accepting a controller connection failed: {}", e.getMessage());
            }
        }
    }

    /** Called by a session once its controller has authenticated: it becomes the one served. */
    void becameActive(ControllerSession session) {
        ControllerSession previous = active.getAndSet(session);
        if (previous != null && previous != session) {
            log.info("Controller {} replaces controller {}", session.peer(), previous.peer());
            previous.replaced();
        }
    }

    void ended(ControllerSession session) {
        active.compareAndSet(session, null);
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (serverSocket != null) {
                serverSocket.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        ControllerSession session = active.getAndSet(null);
        if (session != null) {
            session.close();
        }
    }
}
