package io.tandem.satellite.link;

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
import io.tandem.satellite.reconcile.NodeAgent;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One controller connection: handshake, then desired state in, observed state out. */
final class ControllerSession implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ControllerSession.class);

    private final Socket socket;
    private final String secret;
    private final NodeAgent agent;
    private final LinkServer server;
    private final Consumer<ObservedState> observer = this::sendQuietly;
    private OutputStream out;
    private volatile boolean ended;

    ControllerSession(Socket socket, String secret, NodeAgent agent, LinkServer server) {
        this.socket = socket;
        this.secret = secret;
        this.agent = agent;
        this.server = server;
    }

    String peer() {
        return String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public void run() {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) LinkProtocol.HANDSHAKE_TIMEOUT.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out = new BufferedOutputStream(socket.getOutputStream());
            if (!handshake(in)) {
                return;
            }
            server.becameActive(this);
            socket.setSoTimeout((int) LinkProtocol.DEAD_AFTER.toMillis());
            agent.resend();
            agent.addObserver(observer);
            send(agent.observed());
            serve(in);
        } catch (EOFException | SocketException e) {
            if (!ended) {
                log.info("Controller {} disconnected", peer());
            }
        } catch (SocketTimeoutException e) {
            log.warn("Controller {} silent for {} s; closing the link", peer(), LinkProtocol.DEAD_AFTER.toSeconds());
        } catch (LinkProtocolException e) {
            log.warn("Controller {} broke the link protocol: {}", peer(), e.getMessage());
        } catch (IOException e) {
            log.warn("Link to controller {} failed: {}", peer(), e.getMessage());
        } finally {
            close();
        }
    }

    private boolean handshake(InputStream in) throws IOException {
        LinkMessage first = LinkCodec.read(in);
        if (!(first instanceof Hello hello)) {
            throw new LinkProtocolException("expected Hello, got " + first.getClass().getSimpleName());
        }
        if (secret == null) {
            refuse(RefusalKind.AUTHENTICATION, "this satellite has no cluster secret configured "
                    + "(start it with --cluster-secret-file FILE or TANDEM_CLUSTER_SECRET)");
            return false;
        }
        int version = Math.min(hello.maxVersion(), LinkProtocol.MAX_VERSION);
        if (version < Math.max(hello.minVersion(), LinkProtocol.MIN_VERSION)) {
            refuse(RefusalKind.VERSION_MISMATCH, "the controller speaks link versions %d..%d, this satellite %d..%d"
                    .formatted(hello.minVersion(), hello.maxVersion(), LinkProtocol.MIN_VERSION,
                            LinkProtocol.MAX_VERSION));
            return false;
        }
        if (hello.controllerNonce() == null || hello.controllerNonce().isBlank()) {
            throw new LinkProtocolException("Hello without a controller nonce");
        }
        String satelliteNonce = LinkProof.newNonce();
        send(new Welcome(version, satelliteNonce,
                LinkProof.prove(secret, LinkProof.ROLE_SATELLITE, hello.controllerNonce(), satelliteNonce)));
        LinkMessage second = LinkCodec.read(in);
        if (second instanceof Refused refused) {
            log.warn("Controller {} refused this satellite: {}", peer(), refused.reason());
            return false;
        }
        if (!(second instanceof Login login)) {
            throw new LinkProtocolException("expected Login, got " + second.getClass().getSimpleName());
        }
        if (!LinkProof.verify(secret, LinkProof.ROLE_CONTROLLER, hello.controllerNonce(), satelliteNonce,
                login.controllerProof())) {
            log.warn("Controller {} failed to prove the cluster secret; refused", peer());
            refuse(RefusalKind.AUTHENTICATION, "the controller does not know this cluster's secret");
            return false;
        }
        log.info("Controller {} authenticated (link version {}); this node is '{}'", peer(), version,
                login.nodeName());
        send(new LoginReport(hostname(), io.tandem.satellite.SatelliteBuild.version(), agent.providers().supported(),
                agent.providers().unsupported()));
        return true;
    }

    private void serve(InputStream in) throws IOException {
        while (!ended) {
            LinkMessage message = LinkCodec.read(in);
            if (message instanceof DesiredState desired) {
                agent.apply(desired);
            } else if (message instanceof Ping ping) {
                send(new Pong(ping.sentAtMillis()));
            } else if (!(message instanceof Pong)) {
                throw new LinkProtocolException("unexpected " + message.getClass().getSimpleName() + " after login");
            }
        }
    }

    private void refuse(RefusalKind kind, String reason) throws IOException {
        log.warn("Refusing controller {}: {}", peer(), reason);
        send(new Refused(kind, reason, LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION));
    }

    private synchronized void send(LinkMessage message) throws IOException {
        LinkCodec.write(out, message);
    }

    private void sendQuietly(ObservedState observed) {
        try {
            send(observed);
        } catch (IOException e) {
            log.debug("Could not send the observed state to {}: {}", peer(), e.getMessage());
            close();
        }
    }

    /** Another controller authenticated: this one is no longer served. */
    void replaced() {
        try {
            send(new Refused(RefusalKind.OTHER_CONTROLLER, "another controller took over this satellite",
                    LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION));
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    void close() {
        ended = true;
        agent.removeObserver(observer);
        server.ended(this);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
