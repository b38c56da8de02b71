package io.tandem.controller.satellite;

import io.tandem.controller.node.ConnectionStatus;
import io.tandem.link.LinkCodec;
import io.tandem.link.LinkMessage;
import io.tandem.link.LinkMessage.DesiredState;
import io.tandem.link.LinkMessage.Hello;
import io.tandem.link.LinkMessage.Login;
import io.tandem.link.LinkMessage.LoginReport;
import io.tandem.link.LinkMessage.ObservedState;
import io.tandem.link.LinkMessage.Ping;
import io.tandem.link.LinkMessage.Pong;
import io.tandem.link.LinkMessage.RefusalKind;
import io.tandem.link.LinkMessage.Refused;
import io.tandem.link.LinkMessage.Welcome;
import io.tandem.link.LinkProof;
import io.tandem.link.LinkProtocol;
import io.tandem.link.LinkProtocolException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's link to one node's satellite, run on its own thread: connect, authenticate,
 * push the desired state, read observations; on any failure record why, wait (exponential backoff
 * with jitter, reset by a successful login or a new target) and try again, until closed.
 */
final class SatelliteConnection implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SatelliteConnection.class);
    private static final int CONNECT_TIMEOUT_MS = 2000;
    private static final long MIN_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 5000;

    /** The satellite refused us or failed to authenticate: the status says why. */
    private static final class Refusal extends IOException {
        final ConnectionStatus status;

        Refusal(ConnectionStatus status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final UUID nodeId;
    private final String secret;
    private final String controllerId;
    private final SatelliteObservations observations;
    private final Supplier<Optional<DesiredStates.Desire>> desiredState;
    private final java.util.function.BiConsumer<String, String> removalConfirmed;
    /** Resources marked for deletion, and the first pushed version that no longer had them. */
    private final Map<String, Long> awaitingRemoval = new HashMap<>();
    private final LongSupplier nextVersion;
    private final Object lock = new Object();
    private volatile LinkTarget target;
    private volatile boolean closed;
    private volatile boolean wakeUp;
    private Socket socket;
    private OutputStream out;
    /** True between a completed login and the end of that connection: only then may state or pings be sent. */
    private boolean loggedIn;
    private String lastProblem;

    SatelliteConnection(UUID nodeId, LinkTarget target, String secret, String controllerId,
                        SatelliteObservations observations, Supplier<Optional<DesiredStates.Desire>> desiredState,
                        LongSupplier nextVersion, java.util.function.BiConsumer<String, String> removalConfirmed) {
        this.nodeId = nodeId;
        this.target = target;
        this.secret = secret;
        this.controllerId = controllerId;
        this.observations = observations;
        this.desiredState = desiredState;
        this.nextVersion = nextVersion;
        this.removalConfirmed = removalConfirmed;
    }

    LinkTarget target() {
        return target;
    }

    /** The node's address changed: drop the current link and connect to the new one at once. */
    void retarget(LinkTarget newTarget) {
        target = newTarget;
        dropSocket();
        wake();
    }

    @Override
    public void run() {
        long backoffMs = MIN_BACKOFF_MS;
        while (!closed) {
            LinkTarget current = target;
            try {
                connectAndServe(current);
                backoffMs = MIN_BACKOFF_MS;
            } catch (Refusal refusal) {
                report(refusal.status, refusal.getMessage(), current);
            } catch (IOException | RuntimeException e) {
                report(ConnectionStatus.OFFLINE, describe(e), current);
            } finally {
                dropSocket();
            }
            if (closed) {
                break;
            }
            sleep(backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1));
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        observations.forget(nodeId);
    }

    private void connectAndServe(LinkTarget current) throws IOException {
        Socket connected = new Socket();
        synchronized (lock) {
            if (closed) {
                return;
            }
            socket = connected;
        }
        connected.setTcpNoDelay(true);
        connected.connect(current.address(), CONNECT_TIMEOUT_MS);
        connected.setSoTimeout((int) LinkProtocol.HANDSHAKE_TIMEOUT.toMillis());
        InputStream in = new BufferedInputStream(connected.getInputStream());
        synchronized (lock) {
            out = new BufferedOutputStream(connected.getOutputStream());
        }
        LoginReport login = handshake(in, current);
        connected.setSoTimeout((int) LinkProtocol.DEAD_AFTER.toMillis());
        synchronized (lock) {
            loggedIn = true;
        }
        observations.online(nodeId, login);
        if (lastProblem != null) {
            log.info("Satellite of node '{}' at {} is ONLINE again", current.nodeName(), current.address());
        } else {
            log.info("Satellite of node '{}' at {} is ONLINE", current.nodeName(), current.address());
        }
        lastProblem = null;
        pushDesiredState();
        while (!closed) {
            LinkMessage message = LinkCodec.read(in);
            if (message instanceof ObservedState observed) {
                observations.observed(nodeId, observed);
                confirmRemovals(current.nodeName(), observed);
            } else if (message instanceof Ping ping) {
                send(new Pong(ping.sentAtMillis()));
            } else if (message instanceof Refused refused) {
                throw new Refusal(ConnectionStatus.OTHER_CONTROLLER, "the satellite dropped this controller: "
                        + refused.reason());
            } else if (!(message instanceof Pong)) {
                throw new LinkProtocolException("unexpected " + message.getClass().getSimpleName());
            }
        }
    }

    private LoginReport handshake(InputStream in, LinkTarget current) throws IOException {
        String controllerNonce = LinkProof.newNonce();
        send(new Hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION, controllerNonce, controllerId));
        LinkMessage answer = LinkCodec.read(in);
        if (answer instanceof Refused refused) {
            throw new Refusal(refused.kind() == RefusalKind.VERSION_MISMATCH ? ConnectionStatus.VERSION_MISMATCH
                    : ConnectionStatus.AUTHENTICATION_ERROR, "the satellite refused the link: " + refused.reason());
        }
        if (!(answer instanceof Welcome welcome)) {
            throw new LinkProtocolException("expected Welcome, got " + answer.getClass().getSimpleName());
        }
        if (welcome.version() < LinkProtocol.MIN_VERSION || welcome.version() > LinkProtocol.MAX_VERSION) {
            throw new Refusal(ConnectionStatus.VERSION_MISMATCH, "the satellite chose link version "
                    + welcome.version() + ", this controller speaks " + LinkProtocol.MIN_VERSION + ".."
                    + LinkProtocol.MAX_VERSION);
        }
        if (!LinkProof.verify(secret, LinkProof.ROLE_SATELLITE, controllerNonce, welcome.satelliteNonce(),
                welcome.satelliteProof())) {
            send(new Refused(RefusalKind.AUTHENTICATION, "the satellite does not know this cluster's secret",
                    LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION));
            throw new Refusal(ConnectionStatus.AUTHENTICATION_ERROR,
                    "the satellite does not know this cluster's secret");
        }
        send(new Login(LinkProof.prove(secret, LinkProof.ROLE_CONTROLLER, controllerNonce, welcome.satelliteNonce()),
                current.nodeName()));
        LinkMessage report = LinkCodec.read(in);
        if (report instanceof Refused refused) {
            throw new Refusal(ConnectionStatus.AUTHENTICATION_ERROR, "the satellite refused the link: "
                    + refused.reason());
        }
        if (!(report instanceof LoginReport login)) {
            throw new LinkProtocolException("expected LoginReport, got " + report.getClass().getSimpleName());
        }
        return login;
    }

    /**
     * Sends the node's complete desired state, read fresh from the database, if the link is up.
     * Returns the version sent, or -1 if nothing was sent.
     */
    long pushDesiredState() {
        if (!isUp()) {
            return -1;
        }
        Optional<DesiredStates.Desire> desire = desiredState.get();
        if (desire.isEmpty()) {
            return -1;
        }
        long version = nextVersion.getAsLong();
        synchronized (awaitingRemoval) {
            awaitingRemoval.keySet().retainAll(desire.get().deleting());
            desire.get().deleting().forEach(name -> awaitingRemoval.putIfAbsent(name, version));
        }
        try {
            send(new DesiredState(version, desire.get().state()));
            return version;
        } catch (IOException e) {
            log.debug("Push to node {} failed: {}", target.nodeName(), e.getMessage());
            dropSocket();
            return -1;
        }
    }

    /**
     * A resource marked for deletion is gone once the satellite reports, for a version that no
     * longer contained it, that it does not have it (the satellite reports a version only when it
     * has applied it completely, files deleted included).
     */
    private void confirmRemovals(String nodeName, ObservedState observed) {
        Set<String> present = new HashSet<>();
        observed.resources().forEach(resource -> present.add(resource.name()));
        List<String> gone = new ArrayList<>();
        synchronized (awaitingRemoval) {
            awaitingRemoval.entrySet().removeIf(entry -> {
                boolean confirmed = observed.appliedVersion() >= entry.getValue() && !present.contains(entry.getKey());
                if (confirmed) {
                    gone.add(entry.getKey());
                }
                return confirmed;
            });
        }
        gone.forEach(resource -> removalConfirmed.accept(nodeName, resource));
    }

    void ping() {
        if (!isUp()) {
            return;
        }
        try {
            send(new Ping(System.currentTimeMillis()));
        } catch (IOException e) {
            dropSocket();
        }
    }

    private boolean isUp() {
        synchronized (lock) {
            return loggedIn && out != null && socket != null && !socket.isClosed();
        }
    }

    private void send(LinkMessage message) throws IOException {
        synchronized (lock) {
            if (out == null) {
                throw new IOException("not connected");
            }
            LinkCodec.write(out, message);
        }
    }

    private void report(ConnectionStatus status, String problem, LinkTarget current) {
        observations.down(nodeId, closed ? ConnectionStatus.OFFLINE : status);
        String line = status + ": " + problem;
        if (!line.equals(lastProblem) && !closed) {
            log.info("Satellite of node '{}' at {} is {}: {}", current.nodeName(), current.address(), status, problem);
        }
        lastProblem = line;
    }

    private static String describe(Exception e) {
        if (e instanceof SocketTimeoutException) {
            return "no answer within the time limit";
        }
        if (e instanceof java.io.EOFException) {
            return "the satellite closed the connection";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void sleep(long millis) {
        long until = System.currentTimeMillis() + millis;
        synchronized (lock) {
            while (!closed && !wakeUp) {
                long left = until - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            wakeUp = false;
        }
    }

    private void wake() {
        synchronized (lock) {
            wakeUp = true;
            lock.notifyAll();
        }
    }

    private void dropSocket() {
        synchronized (lock) {
            loggedIn = false;
            out = null;
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }

    void close() {
        closed = true;
        dropSocket();
        wake();
    }
}
