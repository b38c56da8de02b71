package io.tandem.satellite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.link.LinkCodec;
import io.tandem.link.LinkMessage;
import io.tandem.link.LinkMessage.DesiredState;
import io.tandem.link.LinkMessage.Hello;
import io.tandem.link.LinkMessage.Login;
import io.tandem.link.LinkMessage.LoginReport;
import io.tandem.link.LinkMessage.NodeState;
import io.tandem.link.LinkMessage.ObservedState;
import io.tandem.link.LinkMessage.Ping;
import io.tandem.link.LinkMessage.PoolSpec;
import io.tandem.link.LinkMessage.Pong;
import io.tandem.link.LinkMessage.RefusalKind;
import io.tandem.link.LinkMessage.Refused;
import io.tandem.link.LinkMessage.Welcome;
import io.tandem.link.LinkProof;
import io.tandem.link.LinkProtocol;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@link Satellite} on a loopback port, and the test acting as the controller with plain
 * sockets and {@link LinkCodec}: the handshake of the link package documentation, step by step.
 */
class SatelliteLinkTest {
    private static final String SECRET = LinkProof.newSecret();
    /** Longer than any answer takes, shorter than the satellite's DEAD_AFTER: a missing answer fails fast. */
    private static final int READ_TIMEOUT_MS = 4_000;

    @TempDir
    Path temp;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Satellite startSatellite(String secret) throws IOException {
        Satellite satellite = new Satellite(new SatelliteConfig(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), temp.resolve("data"), secret));
        toClose.add(satellite);
        satellite.start();
        assertThat(satellite.listenAddress().getPort()).isPositive();
        return satellite;
    }

    private FakeController connect(Satellite satellite) throws IOException {
        FakeController controller = new FakeController(satellite.listenAddress());
        toClose.add(controller);
        return controller;
    }

    private PoolSpec fileThinPool(String name) throws IOException {
        Path directory = Files.createDirectories(temp.resolve(name));
        return new PoolSpec(name, "FILE_THIN", Map.of("StorDriver/FileDir", directory.toString()));
    }

    // ---- (a) the happy path ----

    @Test
    void aControllerWithTheSecretLogsInPushesDesiredStateAndIsAnsweredWithObservations() throws IOException {
        Satellite satellite = startSatellite(SECRET);
        FakeController controller = connect(satellite);

        Welcome welcome = controller.hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION);
        assertThat(welcome.version()).isEqualTo(LinkProtocol.MAX_VERSION);
        assertThat(welcome.satelliteNonce()).isNotEqualTo(controller.controllerNonce);
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_SATELLITE, controller.controllerNonce,
                welcome.satelliteNonce(), welcome.satelliteProof())).as("the satellite's proof").isTrue();

        controller.send(new Login(controller.proof(SECRET), "node-a"));
        LoginReport report = controller.expect(LoginReport.class);
        assertThat(report.providers()).contains("DISKLESS", "FILE", "FILE_THIN");
        assertThat(report.hostname()).isNotBlank();
        assertThat(report.satelliteVersion()).isNotBlank();
        assertThat(report.unsupportedProviders().keySet()).doesNotContainAnyElementsOf(report.providers());

        PoolSpec pool = fileThinPool("pool-a");
        controller.send(new DesiredState(7, new NodeState("node-a", List.of(pool))));
        ObservedState observed = controller.readUntil(ObservedState.class, state -> state.appliedVersion() == 7);
        assertThat(observed.pools()).singleElement().satisfies(observation -> {
            assertThat(observation.name()).isEqualTo("pool-a");
            assertThat(observation.providerKind()).isEqualTo("FILE_THIN");
            assertThat(observation.problems()).isEmpty();
            assertThat(observation.totalKib()).isPositive();
            assertThat(observation.freeKib()).isNotNegative().isLessThanOrEqualTo(observation.totalKib());
        });

        controller.send(new Ping(1234));
        assertThat(controller.readUntil(Pong.class, pong -> true)).isEqualTo(new Pong(1234));
    }

    @Test
    void aPoolThatCannotBeUsedIsObservedWithItsProblem() throws IOException {
        FakeController controller = connect(startSatellite(SECRET));
        controller.logIn(SECRET);

        Path missing = temp.resolve("missing");
        controller.send(new DesiredState(1, new NodeState("node-a", List.of(
                new PoolSpec("pool-m", "FILE", Map.of("StorDriver/FileDir", missing.toString()))))));
        ObservedState observed = controller.readUntil(ObservedState.class, state -> state.appliedVersion() == 1);
        assertThat(observed.pools()).singleElement().satisfies(observation ->
                assertThat(observation.problems()).singleElement().asString().contains(missing.toString()));
    }

    @Test
    void theHighestCommonVersionIsChosen() throws IOException {
        Satellite satellite = startSatellite(SECRET);
        assertThat(connect(satellite).hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION + 5).version())
                .isEqualTo(LinkProtocol.MAX_VERSION);
        assertThat(connect(satellite).hello(LinkProtocol.MIN_VERSION - 1, LinkProtocol.MAX_VERSION).version())
                .isEqualTo(LinkProtocol.MAX_VERSION);
    }

    // ---- (b) wrong secret, reflection, replay ----

    @Test
    void aControllerWithTheWrongSecretIsRefusedAndDisconnected() throws IOException {
        FakeController controller = connect(startSatellite(SECRET));
        Welcome welcome = controller.hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION);
        String wrongSecret = LinkProof.newSecret();
        assertThat(LinkProof.verify(wrongSecret, LinkProof.ROLE_SATELLITE, controller.controllerNonce,
                welcome.satelliteNonce(), welcome.satelliteProof()))
                .as("the controller can tell that the satellite has another secret").isFalse();

        controller.send(new Login(controller.proof(wrongSecret), "node-a"));
        Refused refused = controller.expect(Refused.class);
        assertThat(refused.kind()).isEqualTo(RefusalKind.AUTHENTICATION);
        assertThat(refused.reason()).contains("secret");
        controller.assertClosedBySatellite();
    }

    @Test
    void theSatellitesOwnProofReflectedBackIsRefused() throws IOException {
        FakeController controller = connect(startSatellite(SECRET));
        Welcome welcome = controller.hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION);
        controller.send(new Login(welcome.satelliteProof(), "node-a"));
        assertThat(controller.expect(Refused.class).kind()).isEqualTo(RefusalKind.AUTHENTICATION);
        controller.assertClosedBySatellite();
    }

    @Test
    void aProofFromAnEarlierConnectionCannotBeReplayed() throws IOException {
        Satellite satellite = startSatellite(SECRET);
        FakeController recorded = connect(satellite);
        recorded.logIn(SECRET);
        String recordedProof = recorded.proof(SECRET);

        // an eavesdropper replays the same Hello and Login on a new connection
        FakeController replay = connect(satellite);
        replay.controllerNonce = recorded.controllerNonce;
        replay.send(new Hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION, recorded.controllerNonce, "replay"));
        Welcome welcome = replay.expect(Welcome.class);
        assertThat(welcome.satelliteNonce()).isNotEqualTo(recorded.welcome.satelliteNonce());
        replay.send(new Login(recordedProof, "node-a"));
        assertThat(replay.expect(Refused.class).kind()).isEqualTo(RefusalKind.AUTHENTICATION);
        replay.assertClosedBySatellite();

        // and the controller that really knows the secret is still served
        recorded.send(new Ping(5));
        assertThat(recorded.readUntil(Pong.class, pong -> true)).isEqualTo(new Pong(5));
    }

    // ---- (c) no secret configured ----

    @Test
    void aSatelliteWithoutSecretRefusesEveryControllerAndSaysHowToConfigureOne() throws IOException {
        FakeController controller = connect(startSatellite(null));
        controller.send(new Hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION, LinkProof.newNonce(), "c"));
        Refused refused = controller.expect(Refused.class);
        assertThat(refused.kind()).isEqualTo(RefusalKind.AUTHENTICATION);
        assertThat(refused.reason()).contains("no cluster secret").contains("--cluster-secret-file")
                .contains("TANDEM_CLUSTER_SECRET");
        controller.assertClosedBySatellite();
    }

    // ---- (d) no common version ----

    @Test
    void aControllerWithoutACommonVersionIsRefused() throws IOException {
        Satellite satellite = startSatellite(SECRET);
        int[][] ranges = {{LinkProtocol.MAX_VERSION + 1, LinkProtocol.MAX_VERSION + 3},
                {LinkProtocol.MIN_VERSION - 1, LinkProtocol.MIN_VERSION - 1}, {3, 2}};
        for (int[] range : ranges) {
            FakeController controller = connect(satellite);
            controller.send(new Hello(range[0], range[1], LinkProof.newNonce(), "c"));
            Refused refused = controller.expect(Refused.class);
            assertThat(refused.kind()).isEqualTo(RefusalKind.VERSION_MISMATCH);
            assertThat(refused.minVersion()).isEqualTo(LinkProtocol.MIN_VERSION);
            assertThat(refused.maxVersion()).isEqualTo(LinkProtocol.MAX_VERSION);
            assertThat(refused.reason()).contains(range[0] + ".." + range[1]);
            controller.assertClosedBySatellite();
        }
    }

    // ---- (e) not the link protocol ----

    @Test
    void garbageClosesTheConnectionAndTheSatelliteServesTheNextController() throws IOException {
        Satellite satellite = startSatellite(SECRET);
        FakeController browser = connect(satellite);
        browser.sendRaw("GET / HTTP/1.1\r\nHost: satellite\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        browser.assertClosedBySatellite();

        FakeController controller = connect(satellite);
        controller.logIn(SECRET);
        controller.send(new Ping(9));
        assertThat(controller.readUntil(Pong.class, pong -> true)).isEqualTo(new Pong(9));
    }

    @Test
    void aFirstMessageOtherThanHelloClosesTheConnection() throws IOException {
        FakeController controller = connect(startSatellite(SECRET));
        controller.send(new Ping(1));
        controller.assertClosedBySatellite();
    }

    @Test
    void aHelloWithoutNonceClosesTheConnection() throws IOException {
        FakeController controller = connect(startSatellite(SECRET));
        controller.send(new Hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION, null, "c"));
        controller.assertClosedBySatellite();
    }

    @Test
    void aHandshakeMessageAfterLoginClosesTheConnection() throws IOException {
        FakeController controller = connect(startSatellite(SECRET));
        controller.logIn(SECRET);
        controller.send(new Hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION, LinkProof.newNonce(), "c"));
        controller.assertClosedBySatellite();
    }

    @Test
    void aControllerThatRefusesTheSatellitesProofEndsTheHandshake() throws IOException {
        FakeController controller = connect(startSatellite(SECRET));
        controller.hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION);
        controller.send(new Refused(RefusalKind.AUTHENTICATION, "the satellite does not know this cluster's secret",
                LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION));
        controller.assertClosedBySatellite();
    }

    // ---- (f) one controller at a time ----

    @Test
    void aSecondAuthenticatedControllerReplacesTheFirst() throws IOException {
        Satellite satellite = startSatellite(SECRET);
        FakeController first = connect(satellite);
        first.logIn(SECRET);
        first.readUntil(ObservedState.class, state -> true);

        FakeController second = connect(satellite);
        second.logIn(SECRET);

        Refused refused = first.readUntil(Refused.class, message -> true);
        assertThat(refused.kind()).isEqualTo(RefusalKind.OTHER_CONTROLLER);
        first.assertClosedBySatellite();

        // the new controller is fully served
        PoolSpec pool = fileThinPool("pool-b");
        second.send(new DesiredState(3, new NodeState("node-a", List.of(pool))));
        ObservedState observed = second.readUntil(ObservedState.class, state -> state.appliedVersion() == 3);
        assertThat(observed.pools()).singleElement().satisfies(observation ->
                assertThat(observation.problems()).isEmpty());
        second.send(new Ping(2));
        assertThat(second.readUntil(Pong.class, pong -> true)).isEqualTo(new Pong(2));
    }

    @Test
    void aControllerThatFailsToAuthenticateDoesNotDisturbTheServedOne() throws IOException {
        Satellite satellite = startSatellite(SECRET);
        FakeController served = connect(satellite);
        served.logIn(SECRET);

        FakeController intruder = connect(satellite);
        intruder.hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION);
        intruder.send(new Login(intruder.proof(LinkProof.newSecret()), "node-a"));
        assertThat(intruder.expect(Refused.class).kind()).isEqualTo(RefusalKind.AUTHENTICATION);
        intruder.assertClosedBySatellite();

        served.send(new Ping(3));
        assertThat(served.readUntil(Pong.class, pong -> true)).isEqualTo(new Pong(3));
    }

    @Test
    void aReconnectingControllerGetsTheCurrentObservationAtOnce() throws IOException {
        Satellite satellite = startSatellite(SECRET);
        FakeController first = connect(satellite);
        first.logIn(SECRET);
        first.send(new DesiredState(4, new NodeState("node-a", List.of(fileThinPool("pool-c")))));
        ObservedState applied = first.readUntil(ObservedState.class, state -> state.appliedVersion() == 4);

        FakeController second = connect(satellite);
        second.logIn(SECRET);
        // before it sends anything, the new controller learns what the satellite has applied
        assertThat(second.expect(ObservedState.class)).isEqualTo(applied);
    }

    // ---- liveness ----

    @Test
    void aSilentControllerIsDisconnectedAfterDeadAfter() throws IOException {
        FakeController controller = connect(startSatellite(SECRET));
        controller.logIn(SECRET);
        controller.readUntil(ObservedState.class, state -> true);
        controller.socket.setSoTimeout((int) LinkProtocol.DEAD_AFTER.multipliedBy(2).toMillis());
        long startNanos = System.nanoTime();
        controller.assertClosedBySatellite();
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos))
                .isGreaterThan(LinkProtocol.DEAD_AFTER.minusMillis(500));
    }

    /** The test's side of the link: what a controller sends, written out step by step. */
    private static final class FakeController implements AutoCloseable {
        final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        String controllerNonce;
        Welcome welcome;

        FakeController(InetSocketAddress satellite) throws IOException {
            socket = new Socket();
            socket.connect(satellite, READ_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            in = new BufferedInputStream(socket.getInputStream());
            out = new BufferedOutputStream(socket.getOutputStream());
        }

        void send(LinkMessage message) throws IOException {
            LinkCodec.write(out, message);
        }

        void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        LinkMessage read() throws IOException {
            return LinkCodec.read(in);
        }

        <T extends LinkMessage> T expect(Class<T> type) throws IOException {
            LinkMessage message = read();
            assertThat(message).isInstanceOf(type);
            return type.cast(message);
        }

        /** Skips what the satellite sends on its own (observations) until the wanted message comes. */
        <T extends LinkMessage> T readUntil(Class<T> type, Predicate<T> wanted) throws IOException {
            while (true) {
                LinkMessage message = read();
                if (type.isInstance(message) && wanted.test(type.cast(message))) {
                    return type.cast(message);
                }
                assertThat(message).as("only observations come unasked").isInstanceOf(ObservedState.class);
            }
        }

        Welcome hello(int minVersion, int maxVersion) throws IOException {
            controllerNonce = LinkProof.newNonce();
            send(new Hello(minVersion, maxVersion, controllerNonce, "test-controller"));
            welcome = expect(Welcome.class);
            return welcome;
        }

        String proof(String secret) {
            return LinkProof.prove(secret, LinkProof.ROLE_CONTROLLER, controllerNonce, welcome.satelliteNonce());
        }

        LoginReport logIn(String secret) throws IOException {
            hello(LinkProtocol.MIN_VERSION, LinkProtocol.MAX_VERSION);
            assertThat(LinkProof.verify(secret, LinkProof.ROLE_SATELLITE, controllerNonce, welcome.satelliteNonce(),
                    welcome.satelliteProof())).isTrue();
            send(new Login(proof(secret), "node-a"));
            return expect(LoginReport.class);
        }

        /** The satellite closed its end: end of stream, or a reset if it had unread bytes. */
        void assertClosedBySatellite() {
            assertThatThrownBy(() -> {
                while (true) {
                    read(); // anything still in flight before the close
                }
            }).isInstanceOfAny(EOFException.class, SocketException.class);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
