package io.tandem.engine.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.wire.HandshakeConfig;
import io.tandem.engine.wire.Hello;
import io.tandem.engine.wire.Ping;
import io.tandem.engine.wire.Pong;
import io.tandem.engine.wire.RefusalReason;
import io.tandem.engine.wire.Refused;
import io.tandem.engine.wire.WireDecoded;
import io.tandem.engine.wire.WireDecoder;
import io.tandem.engine.wire.WireEncoder;
import io.tandem.engine.wire.WireFrame;
import io.tandem.engine.wire.WireProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PeerLinksTest {

  private static final String RESOURCE = "r0";
  private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);
  private static final Duration CONNECT = Duration.ofSeconds(5);

  private final List<PeerLinks> started = new ArrayList<>();
  private final LogRecorder log = new LogRecorder();

  /**
   * What a listener heard, in order: "connected b", "disconnected b"; and the same with the
   * connection ids: "connected b #1", "disconnected b #1".
   */
  static final class Events implements PeerLinks.Listener {
    final List<String> heard = new CopyOnWriteArrayList<>();
    final List<String> withIds = new CopyOnWriteArrayList<>();
    final List<String> reasons = new CopyOnWriteArrayList<>();
    final Map<String, Long> currentIds = new ConcurrentHashMap<>();

    @Override
    public void connected(String peer, long connectionId, int version, long features) {
      heard.add("connected " + peer);
      withIds.add("connected " + peer + " #" + connectionId);
      currentIds.put(peer, connectionId);
    }

    @Override
    public void disconnected(String peer, long connectionId, String reason) {
      heard.add("disconnected " + peer);
      withIds.add("disconnected " + peer + " #" + connectionId);
      reasons.add(reason);
      currentIds.remove(peer, connectionId);
    }

    long count(String event) {
      return heard.stream().filter(event::equals).count();
    }

    long id(String peer) {
      Long id = currentIds.get(peer);
      assertThat(id).as("an established connection to %s", peer).isNotNull();
      return id;
    }
  }

  /** A node's name, id and address. */
  record Node(String name, int id, String address) {
    PeerEndpoint asPeer() {
      return new PeerEndpoint(name, id, address);
    }
  }

  @AfterEach
  void closeAll() {
    started.forEach(PeerLinks::close);
    log.close();
  }

  @Test
  void twoNodesConnectAndPing() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.1");
    Events aEvents = new Events();
    Events bEvents = new Events();
    PeerLinks aLinks = start(a, SECRET, aEvents, b);
    PeerLinks bLinks = start(b, SECRET, bEvents, a);

    await().atMost(CONNECT).until(() -> aLinks.states().get("b") == ConnectionState.Connected
        && bLinks.states().get("a") == ConnectionState.Connected);
    await().atMost(CONNECT).until(() -> aEvents.count("connected b") == 1 && bEvents.count("connected a") == 1);
    assertThat(aLinks.send("b", new Ping(42))).isTrue();
    assertThat(bLinks.send("a", new Ping(43))).isTrue();
    assertThat(aLinks.send("nobody", new Ping(1))).isFalse();
  }

  @Test
  void threeNodesFormAFullMeshDiallingFromTheirOwnAddresses() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.2");
    Node c = node("c", 3, "127.0.0.3");
    PeerLinks aLinks = start(a, SECRET, new Events(), b, c);
    PeerLinks bLinks = start(b, SECRET, new Events(), a, c);
    PeerLinks cLinks = start(c, SECRET, new Events(), a, b);

    await().atMost(CONNECT).until(() -> allConnected(aLinks) && allConnected(bLinks) && allConnected(cLinks));
    // the accepting side sees each dialler coming from its own address
    assertThat(host(bLinks, "a")).isEqualTo("127.0.0.1");
    assertThat(host(cLinks, "a")).isEqualTo("127.0.0.1");
    assertThat(host(cLinks, "b")).isEqualTo("127.0.0.2");
    // and the dialler reached the peer's listening address
    assertThat(aLinks.remoteAddress("c")).contains(cLinks.boundAddress());
  }

  @Test
  void aStoppedNodeIsSeenDisconnectedAndReconnectsWhenRestarted() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.2");
    Node c = node("c", 3, "127.0.0.3");
    Events aEvents = new Events();
    Events cEvents = new Events();
    PeerLinks aLinks = start(a, SECRET, aEvents, b, c);
    PeerLinks bLinks = start(b, SECRET, new Events(), a, c);
    PeerLinks cLinks = start(c, SECRET, cEvents, a, b);
    await().atMost(CONNECT).until(() -> allConnected(aLinks) && allConnected(bLinks) && allConnected(cLinks));

    bLinks.close();
    await().atMost(Duration.ofSeconds(6)).until(() -> aEvents.count("disconnected b") == 1
        && cEvents.count("disconnected b") == 1);
    assertThat(aLinks.states()).containsEntry("b", ConnectionState.Connecting).containsEntry("c",
        ConnectionState.Connected);
    assertThat(bLinks.states()).containsEntry("a", ConnectionState.StandAlone);

    PeerLinks restarted = start(b, SECRET, new Events(), a, c);
    await().atMost(Duration.ofSeconds(10)).until(() -> allConnected(aLinks) && allConnected(restarted)
        && allConnected(cLinks));
    // the state turns Connected just before the listener hears of it
    await().atMost(CONNECT).until(() -> aEvents.count("connected b") == 2);
  }

  @Test
  void aWrongSecretNeverConnectsAndBothSidesWarnAndKeepRunning() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.2");
    PeerLinks aLinks = start(a, SECRET, new Events(), b);
    PeerLinks bLinks = start(b, "other".getBytes(StandardCharsets.UTF_8), new Events(), a);

    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() ->
        aLinks.states().get("b") == ConnectionState.Connecting
            && bLinks.states().get("a") == ConnectionState.Connecting);
    await().atMost(CONNECT).until(() -> log.warned("connection to node b", "AUTHENTICATION")
        && log.warned("connection from node a", "AUTHENTICATION"));
    // the dialler kept trying, and the listener kept accepting: more than one attempt failed
    assertThat(log.warnings().stream().filter(w -> w.contains("connection to node b")).count()).isGreaterThan(1);
  }

  @Test
  void anHttpRequestIsClosedAndTheRealPeerConnectsAfterwards() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.1");
    PeerLinks bLinks = start(b, SECRET, new Events(), a);

    try (Socket raw = rawConnect(bLinks)) {
      raw.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(raw.getInputStream().read()).as("the listener closes the connection").isEqualTo(-1);
    }
    await().atMost(CONNECT).until(() -> log.warned("bad magic"));

    PeerLinks aLinks = start(a, SECRET, new Events(), b);
    await().atMost(CONNECT).until(() -> allConnected(aLinks) && allConnected(bLinks));
  }

  @Test
  void aConnectionClaimingANodeThatIsNoPeerIsRefused() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.1");
    PeerLinks bLinks = start(b, SECRET, new Events(), a);

    try (Socket raw = rawConnect(bLinks)) {
      Hello hello = new Hello(RESOURCE, 0, 2, WireProtocol.MIN_VERSION, WireProtocol.MAX_VERSION, 0L,
          new byte[WireProtocol.NONCE_BYTES]);
      raw.getOutputStream().write(WireEncoder.encode(WireFrame.handshake(0, hello)));
      WireFrame answer = readFrame(raw.getInputStream());
      assertThat(answer.message()).isInstanceOfSatisfying(Refused.class,
          refused -> assertThat(refused.reason()).isEqualTo(RefusalReason.WRONG_NODE));
      assertThat(raw.getInputStream().read()).isEqualTo(-1);
    }
    await().atMost(CONNECT).until(() -> log.warned("WRONG_NODE", "node id 0 is not a peer"));
    assertThat(bLinks.states()).containsEntry("a", ConnectionState.Connecting);
  }

  @Test
  void aConnectionFromAnAlreadyConnectedNodeIsRefused() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.1");
    PeerLinks aLinks = start(a, SECRET, new Events(), b);
    PeerLinks bLinks = start(b, SECRET, new Events(), a);
    await().atMost(CONNECT).until(() -> allConnected(aLinks) && allConnected(bLinks));

    try (RawPeer raw = new RawPeer(bLinks, CONNECT)) {
      raw.send(1, hello(1, 2));
      assertThat(raw.readFrame().message()).isInstanceOfSatisfying(Refused.class,
          refused -> assertThat(refused.text()).contains("already connected"));
      assertThat(raw.closedByPeer()).isTrue();
    }
    assertThat(aLinks.states()).containsEntry("b", ConnectionState.Connected);
  }

  @Test
  void aNodeWithTheHigherIdMayNotDial() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.1");
    PeerLinks aLinks = start(a, SECRET, new Events(), b);

    try (RawPeer raw = new RawPeer(aLinks, CONNECT)) {
      raw.send(2, hello(2, 1));
      assertThat(raw.readFrame().message()).isInstanceOfSatisfying(Refused.class,
          refused -> assertThat(refused.text()).contains("higher node id"));
      assertThat(raw.closedByPeer()).isTrue();
    }
  }

  @Test
  void pingsAreAnsweredAndASilentConnectionIsClosedAsDead() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.1");
    Events events = new Events();
    PeerTimings fast = new PeerTimings(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(800),
        Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(20));
    PeerLinks bLinks = start(b, SECRET, events, fast, a);

    try (RawPeer raw = new RawPeer(bLinks, CONNECT)) {
      raw.handshake(HandshakeConfig.of(RESOURCE, 1, 2, 0L, SECRET));
      await().atMost(CONNECT).until(() -> events.count("connected a") == 1);
      raw.send(1, new Ping(7));
      // b pings on its own too; the PONG is among the next frames
      WireFrame frame = raw.readFrame();
      while (!(frame.message() instanceof Pong)) {
        assertThat(frame.message()).isInstanceOf(Ping.class);
        frame = raw.readFrame();
      }
      assertThat(frame.message()).isEqualTo(new Pong(7));
      // then silence: b gives up on the connection after the limit
      assertThat(raw.closedByPeer()).isTrue();
    }
    await().atMost(CONNECT).until(() -> events.count("disconnected a") == 1);
    assertThat(bLinks.states()).containsEntry("a", ConnectionState.Connecting);
    assertThat(events.reasons).anySatisfy(reason -> assertThat(reason).contains("no frame for"));
  }

  @Test
  void aConnectionThatNeverSaysHelloIsClosedAtTheHandshakeDeadline() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.1");
    PeerTimings fast = new PeerTimings(Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(20));
    PeerLinks bLinks = start(b, SECRET, new Events(), fast, a);

    try (RawPeer raw = new RawPeer(bLinks, CONNECT)) {
      assertThat(raw.closedByPeer()).isTrue();
    }
    await().atMost(CONNECT).until(() -> log.warned("no connection and handshake within"));
  }

  @Test
  void everyEstablishedConnectionHasItsOwnIdAndMessagesForAnEndedOneAreDropped() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.2");
    Events aEvents = new Events();
    PeerLinks aLinks = start(a, SECRET, aEvents, b);
    PeerLinks bLinks = start(b, SECRET, new Events(), a);
    await().atMost(CONNECT).until(() -> aEvents.count("connected b") == 1);
    long first = aEvents.id("b");
    assertThat(first).isPositive();
    assertThat(aLinks.send("b", first, new Ping(1))).isTrue();
    assertThat(aLinks.send("b", first + 1, new Ping(2))).as("no connection has that id").isFalse();

    bLinks.close();
    await().atMost(CONNECT).until(() -> aEvents.count("disconnected b") == 1);
    assertThat(aLinks.send("b", first, new Ping(3))).as("the connection ended").isFalse();
    assertThat(aLinks.queuedBytes("b")).isZero();
    PeerLinks restarted = start(b, SECRET, new Events(), a);
    await().atMost(Duration.ofSeconds(10)).until(() -> aEvents.count("connected b") == 2
        && allConnected(restarted));
    long second = aEvents.id("b");

    assertThat(second).isGreaterThan(first);
    assertThat(aEvents.withIds).containsExactly("connected b #" + first, "disconnected b #" + first,
        "connected b #" + second);
    assertThat(aLinks.send("b", first, new Ping(4))).as("the id of the ended connection is not reused").isFalse();
    assertThat(aLinks.send("b", second, new Ping(5))).isTrue();
  }

  @Test
  void messagesAreWrittenInTheOrderTheyWereSentWithoutTheSenderWaiting() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.1");
    Events events = new Events();
    // the raw peer stays silent while it does not read: no dead-peer detection in between
    PeerTimings patient = new PeerTimings(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(60),
        Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(20));
    PeerLinks bLinks = start(b, SECRET, events, patient, a);

    try (RawPeer raw = new RawPeer(bLinks, CONNECT, 8192)) {
      raw.handshake(HandshakeConfig.of(RESOURCE, 1, 2, 0L, SECRET));
      await().atMost(CONNECT).until(() -> events.count("connected a") == 1);
      long id = events.id("a");
      // while nobody reads, the socket buffers fill up and the rest waits in the queue: sending
      // goes on regardless until a MiB is waiting
      int count = 0;
      long queued;
      do {
        for (int i = 0; i < 10_000; i++) {
          assertThat(bLinks.send("a", id, new Ping(1_000_000 + count))).isTrue();
          count++;
        }
        queued = bLinks.queuedBytes("a");
      } while (queued < 1 << 20 && count < 2_000_000);
      assertThat(queued).as("bytes queued while the peer does not read").isGreaterThanOrEqualTo(1 << 20);

      long expected = 1_000_000;
      while (expected < 1_000_000 + count) {
        WireFrame frame = raw.readFrame();
        // b's own pings (small sequence numbers) come in between
        if (frame.message() instanceof Ping ping && ping.sequence() >= 1_000_000) {
          assertThat(ping.sequence()).isEqualTo(expected);
          expected++;
        }
      }
      await().atMost(CONNECT).until(() -> bLinks.queuedBytes("a") == 0);
    }
  }

  @Test
  void aHeldPeerIsClosedAndNotDialledUntilReleased() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.2");
    Events aEvents = new Events();
    Events bEvents = new Events();
    PeerLinks aLinks = start(a, SECRET, aEvents, b);
    PeerLinks bLinks = start(b, SECRET, bEvents, a);
    await().atMost(CONNECT).until(() -> aEvents.count("connected b") == 1 && bEvents.count("connected a") == 1);
    long first = aEvents.id("b");

    // a dials b: holding b there stops the dialling
    aLinks.hold("b", "disconnect requested by an operator");

    assertThat(aLinks.state("b")).isEqualTo(ConnectionState.StandAlone);
    await().atMost(CONNECT).until(() -> aEvents.count("disconnected b") == 1 && bEvents.count("disconnected a") == 1);
    assertThat(aEvents.reasons).anySatisfy(reason -> assertThat(reason).contains("operator"));
    assertThat(aLinks.send("b", first, new Ping(1))).isFalse();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() ->
        aLinks.state("b") == ConnectionState.StandAlone && bLinks.state("a") == ConnectionState.Connecting);
    assertThat(aEvents.count("connected b")).isEqualTo(1);

    aLinks.release("b");

    await().atMost(CONNECT).until(() -> allConnected(aLinks) && allConnected(bLinks)
        && aEvents.count("connected b") == 2);
    assertThat(aEvents.id("b")).isGreaterThan(first);
  }

  @Test
  void aHeldPeerThatDialsIsRefusedUntilReleased() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.2");
    Events bEvents = new Events();
    PeerLinks aLinks = start(a, SECRET, new Events(), b);
    PeerLinks bLinks = start(b, SECRET, bEvents, a);
    await().atMost(CONNECT).until(() -> bEvents.count("connected a") == 1);

    // b accepts a: holding a there refuses a's redials
    bLinks.hold("a", "split brain");

    await().atMost(CONNECT).until(() -> log.warned("connection to node b", "held StandAlone here: split brain"));
    assertThat(bLinks.state("a")).isEqualTo(ConnectionState.StandAlone);
    assertThat(aLinks.state("b")).isEqualTo(ConnectionState.Connecting);
    assertThat(bEvents.count("connected a")).isEqualTo(1);

    bLinks.release("a");

    await().atMost(Duration.ofSeconds(10)).until(() -> allConnected(aLinks) && allConnected(bLinks)
        && bEvents.count("connected a") == 2);
  }

  @Test
  void aPeerHeldBeforeTheStartStaysStandAloneAndUnknownPeersAreRejected() throws IOException {
    Node a = node("a", 1, "127.0.0.1");
    Node b = node("b", 2, "127.0.0.1");
    Node c = node("c", 3, "127.0.0.1");
    PeerLinks aLinks = new PeerLinks(RESOURCE, a.id(), a.address(), SECRET, List.of(b.asPeer(), c.asPeer()),
        new Events());
    started.add(aLinks);
    aLinks.hold("b", "configured StandAlone");
    aLinks.start();

    assertThat(aLinks.states()).containsEntry("b", ConnectionState.StandAlone)
        .containsEntry("c", ConnectionState.Connecting);
    assertThat(aLinks.queuedBytes("b")).isZero();
    assertThatThrownBy(() -> aLinks.hold("z", "why"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[b, c]");
  }

  // ---- helpers

  private static Hello hello(int sender, int receiver) {
    return new Hello(RESOURCE, sender, receiver, WireProtocol.MIN_VERSION, WireProtocol.MAX_VERSION, 0L,
        new byte[WireProtocol.NONCE_BYTES]);
  }

  private PeerLinks start(Node self, byte[] secret, Events events, Node... peers) throws IOException {
    return start(self, secret, events, PeerTimings.DEFAULT, peers);
  }

  private PeerLinks start(Node self, byte[] secret, Events events, PeerTimings timings, Node... peers)
      throws IOException {
    List<PeerEndpoint> list = new ArrayList<>();
    for (Node peer : peers) {
      list.add(peer.asPeer());
    }
    PeerLinks links = new PeerLinks(RESOURCE, self.id(), self.address(), secret, list, events, timings);
    started.add(links);
    links.start();
    return links;
  }

  private static boolean allConnected(PeerLinks links) {
    return links.states().values().stream().allMatch(state -> state == ConnectionState.Connected);
  }

  private static String host(PeerLinks links, String peer) {
    return links.remoteAddress(peer).orElseThrow().getAddress().getHostAddress();
  }

  /** A node on a free port of {@code host}. */
  private static Node node(String name, int id, String host) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return new Node(name, id, host + ":" + probe.getLocalPort());
    }
  }

  private static Socket rawConnect(PeerLinks links) throws IOException {
    Socket socket = new Socket();
    socket.setSoTimeout((int) CONNECT.toMillis());
    InetSocketAddress address = links.boundAddress();
    socket.connect(address, (int) CONNECT.toMillis());
    return socket;
  }

  private static WireFrame readFrame(InputStream in) throws IOException {
    WireDecoder decoder = new WireDecoder();
    while (true) {
      int next = in.read();
      assertThat(next).as("a whole frame before the end of the stream").isNotEqualTo(-1);
      WireDecoded decoded = decoder.decode(ByteBuffer.wrap(new byte[] {(byte) next}));
      assertThat(decoded.kind()).isNotEqualTo(WireDecoded.Kind.ERROR);
      if (decoded.kind() == WireDecoded.Kind.FRAME) {
        return decoded.frame();
      }
    }
  }
}
