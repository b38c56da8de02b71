package io.tandem.engine.simulation;

import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.wire.WireDecoded;
import io.tandem.engine.wire.WireDecoder;
import io.tandem.engine.wire.WireEncoder;
import io.tandem.engine.wire.WireFrame;
import io.tandem.engine.wire.WireProtocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The network between the nodes of a simulated cluster: at most one connection per pair of nodes,
 * as the engine's peer links keep it.
 *
 * <ul>
 *   <li>A pair is <em>connectable</em> while both nodes are up, no partition separates them and
 *       neither holds the other ({@link Effect.HoldPeer}). Then, once the backoff since the pair's
 *       last connection ended has passed, a handshake of random length establishes a connection,
 *       announced to each side by {@link Event.PeerConnected} after its own random delay and under
 *       an id of that side's own (fresh, never reused, not small, not consecutive, and not the
 *       id the other side knows the connection by: each node's edge names its connections).</li>
 *   <li>{@link Effect.SendToPeer} on a live connection goes through the wire codec (encoded into a
 *       frame, decoded by the receiving side's decoder of that connection, so the message must
 *       survive its encoding) and arrives as {@link Event.PeerReceived} after a random delay, in
 *       sending order per direction, never before that side's {@code PeerConnected}. A message to a
 *       connection that ended is dropped, as the edge does.</li>
 *   <li>A connection ends by a partition, a cut of that link, a node going down or a hold; what is
 *       in flight is lost; each side still up is told by {@link Event.PeerDisconnected} after its
 *       own detection delay (up to a second: a keepalive timeout), always before the
 *       {@code PeerConnected} of the pair's next connection.</li>
 *   <li>Faults: partitions of any shape (two or three groups, one node isolated, or any set of
 *       links, not necessarily transitive), single link cuts, and delay spikes on one link.</li>
 * </ul>
 *
 * <p>Protocol violations of a core — sending on a connection it was never told about, or that
 * joins other nodes, or holding itself or a stranger — fail the run.
 */
final class SimulatedNetwork {

  /** What the network needs of a node. */
  interface Node {
    int nodeId();

    boolean up();

    /** Changes whenever the node's process ends; events for an earlier process are dropped. */
    int incarnation();

    void handle(Event event);
  }

  /** One side of a connection, with the id that side knows the connection by. */
  private static final class End {
    final long id;
    final int node;
    final int incarnation;
    final WireDecoder decoder = new WireDecoder();
    boolean announced;
    boolean closed;
    /** When the last message towards this side arrives (FIFO), at first its PeerConnected. */
    long lastArrival;

    End(long id, int node, int incarnation) {
      this.id = id;
      this.node = node;
      this.incarnation = incarnation;
      decoder.established(WireProtocol.MAX_VERSION);
    }
  }

  private static final class Connection {
    final Link link;
    final End[] ends;
    boolean alive = true;

    Connection(Link link, End first, End second) {
      this.link = link;
      this.ends = new End[] {first, second};
    }

    End end(int node) {
      return ends[0].node == node ? ends[0] : ends[1];
    }

    End other(int node) {
      return ends[0].node == node ? ends[1] : ends[0];
    }

    @Override
    public String toString() {
      return "connection " + ends[0].id + "/" + ends[1].id + " " + link;
    }
  }

  /** The pair of nodes {@code a < b}. */
  private static final class Link {
    final int a;
    final int b;
    Connection connection;
    boolean connecting;
    long reconnectAt;
    long spikeUntil;
    long spikeExtra;
    /** Per side, when its last PeerDisconnected is delivered (a next PeerConnected comes after). */
    final long[] disconnectedAt = new long[2];

    Link(int a, int b) {
      this.a = a;
      this.b = b;
    }

    int side(int node) {
      return node == a ? 0 : 1;
    }

    @Override
    public String toString() {
      return "n" + a + "-n" + b;
    }
  }

  private final SimulationClock clock;
  private final Random random;
  private final SimulationTrace trace;
  private final List<? extends Node> nodes;
  private final List<Link> links = new ArrayList<>();
  /** Every connection ever made, by the id either side knows it by. */
  private final Map<Long, Connection> connections = new HashMap<>();
  /** Links a partition separates, in the order of {@link #links} (ending them draws from the Random). */
  private final Set<Link> blocked = new LinkedHashSet<>();
  /** Holder → held peer → why. */
  private final Map<Integer, Map<Integer, String>> holds = new TreeMap<>();
  private long nextConnectionId;
  private long established;
  private long ended;
  private long delivered;
  private long dropped;

  SimulatedNetwork(List<? extends Node> nodes, SimulationClock clock, Random random, SimulationTrace trace) {
    this.nodes = nodes;
    this.clock = clock;
    this.random = random;
    this.trace = trace;
    for (int a = 0; a < nodes.size(); a++) {
      for (int b = a + 1; b < nodes.size(); b++) {
        links.add(new Link(a, b));
      }
    }
    this.nextConnectionId = 1000 + random.nextInt(1_000_000);
  }

  long established() {
    return established;
  }

  long ended() {
    return ended;
  }

  long delivered() {
    return delivered;
  }

  long dropped() {
    return dropped;
  }

  // ---------------------------------------------------------------- connecting

  /** Starts a handshake on every connectable pair without a connection whose backoff has passed. */
  void tick() {
    for (Link link : links) {
      if (link.connection == null && !link.connecting && clock.now() >= link.reconnectAt && connectable(link)) {
        link.connecting = true;
        clock.after(latency(link) + random.nextInt(2_000), () -> {
          link.connecting = false;
          if (link.connection == null && connectable(link)) {
            establish(link);
          } else {
            link.reconnectAt = clock.now() + backoff();
          }
        });
      }
    }
  }

  private boolean connectable(Link link) {
    return nodes.get(link.a).up() && nodes.get(link.b).up() && !blocked.contains(link) && !holds(link.a, link.b)
        && !holds(link.b, link.a);
  }

  private boolean holds(int holder, int peer) {
    return holds.getOrDefault(holder, Map.of()).containsKey(peer);
  }

  /** Each side knows the connection by its own id, as each node's edge names its connections. */
  private void establish(Link link) {
    Connection connection = new Connection(link, new End(freshId(), link.a, nodes.get(link.a).incarnation()),
        new End(freshId(), link.b, nodes.get(link.b).incarnation()));
    link.connection = connection;
    for (End end : connection.ends) {
      connections.put(end.id, connection);
    }
    established++;
    trace.record(clock.now(), "net", "conn", connection);
    for (End end : connection.ends) {
      long at = Math.max(clock.now() + random.nextInt(1_000), link.disconnectedAt[link.side(end.node)]);
      end.lastArrival = at;
      clock.schedule(at, () -> announce(connection, end));
    }
  }

  private long freshId() {
    long id = nextConnectionId;
    nextConnectionId += 1 + random.nextInt(16);
    return id;
  }

  private void announce(Connection connection, End end) {
    if (!connection.alive || end.closed) {
      return;
    }
    Node node = nodes.get(end.node);
    end.announced = true;
    node.handle(new Event.PeerConnected(connection.other(end.node).node, end.id));
  }

  // ---------------------------------------------------------------- messages

  /** A core's {@link Effect.SendToPeer}. */
  void send(Node from, Effect.SendToPeer send) {
    Connection connection = connections.get(send.connectionId());
    End mine = connection == null ? null : connection.end(from.nodeId());
    if (mine == null || mine.id != send.connectionId() || connection.other(from.nodeId()).node != send.nodeId()) {
      throw new AssertionError(from + " sent to node " + send.nodeId() + " on connection " + send.connectionId()
          + ", which " + (connection == null ? "never existed" : "is not its connection to that node (" + connection
          + ")") + ": " + send.message());
    }
    if (mine.incarnation != from.incarnation()) {
      throw new AssertionError(from + " sent on connection " + send.connectionId()
          + " of its previous process, which this process was never told about");
    }
    if (!mine.announced) {
      throw new AssertionError(from + " sent on connection " + send.connectionId() + " before its PeerConnected");
    }
    if (!connection.alive) {
      dropped++;
      return;
    }
    End to = connection.other(from.nodeId());
    byte[] frame = WireEncoder.encode(WireFrame.of(WireProtocol.MAX_VERSION, from.nodeId(), send.message()));
    long at = Math.max(clock.now() + latency(connection.link), to.lastArrival);
    to.lastArrival = at;
    clock.schedule(at, () -> receive(connection, to, from.nodeId(), frame));
  }

  private void receive(Connection connection, End to, int from, byte[] frame) {
    if (!connection.alive || to.closed) {
      dropped++;
      return;
    }
    ByteBuffer bytes = ByteBuffer.wrap(frame);
    WireDecoded decoded = to.decoder.decode(bytes);
    if (decoded.kind() != WireDecoded.Kind.FRAME || bytes.hasRemaining()) {
      throw new AssertionError("a message from n" + from + " on " + connection
          + " does not decode as it was encoded: " + (decoded.error() != null ? decoded.error()
          : decoded.kind() + " with " + bytes.remaining() + " bytes left"));
    }
    if (decoded.frame().senderNodeId() != from) {
      throw new AssertionError("a frame from n" + from + " names sender " + decoded.frame().senderNodeId());
    }
    delivered++;
    nodes.get(to.node).handle(new Event.PeerReceived(from, to.id, decoded.frame().message()));
  }

  /** Microseconds: mostly a few hundred, sometimes milliseconds, more during a spike. */
  private long latency(Link link) {
    long latency = 50 + random.nextInt(random.nextInt(20) == 0 ? 5_000 : 400);
    return clock.now() < link.spikeUntil ? latency + link.spikeExtra : latency;
  }

  // ---------------------------------------------------------------- ending connections

  private void end(Connection connection, String reason) {
    if (!connection.alive) {
      return;
    }
    connection.alive = false;
    Link link = connection.link;
    link.connection = null;
    link.reconnectAt = clock.now() + backoff();
    ended++;
    trace.record(clock.now(), "net", "end", connection + ": " + reason);
    for (End end : connection.ends) {
      if (end.closed) {
        continue;
      }
      end.closed = true;
      if (!end.announced) {
        continue; // never told of it: nothing to tell
      }
      long at = clock.now() + detectionDelay();
      link.disconnectedAt[link.side(end.node)] = Math.max(link.disconnectedAt[link.side(end.node)], at);
      int peer = connection.other(end.node).node;
      clock.schedule(at, () -> {
        Node node = nodes.get(end.node);
        if (node.up() && node.incarnation() == end.incarnation) {
          node.handle(new Event.PeerDisconnected(peer, end.id, reason));
        }
      });
    }
  }

  /** Zero a quarter of the time (the side that saw the error), else up to 50 ms, rarely up to a second. */
  private long detectionDelay() {
    if (random.nextInt(4) == 0) {
      return 0;
    }
    return random.nextInt(random.nextInt(8) == 0 ? 1_000_000 : 50_000);
  }

  /** 1 to 200 ms before a pair connects again. */
  private long backoff() {
    return 1_000 + random.nextInt(200_000);
  }

  /** A node went down: its connections end (its holds end with its process). */
  void nodeDown(int node) {
    holds.remove(node);
    for (Link link : links) {
      if ((link.a == node || link.b == node) && link.connection != null) {
        end(link.connection, "n" + node + " is down");
      }
    }
  }

  /** A core's {@link Effect.HoldPeer}. */
  void hold(Node node, Effect.HoldPeer hold) {
    int peer = hold.nodeId();
    if (peer == node.nodeId() || peer < 0 || peer >= nodes.size()) {
      throw new AssertionError(node + " holds node " + peer + ", which is not a peer: " + hold);
    }
    if (!hold.hold()) {
      holds.getOrDefault(node.nodeId(), new TreeMap<>()).remove(peer);
      return;
    }
    holds.computeIfAbsent(node.nodeId(), n -> new TreeMap<>()).put(peer, hold.reason());
    Link link = link(node.nodeId(), peer);
    if (link.connection != null) {
      end(link.connection, "held by " + node + ": " + hold.reason());
    }
  }

  /** Every hold in force, for a message: "n0 holds n1 (split brain)". */
  List<String> describeHolds() {
    List<String> described = new ArrayList<>();
    holds.forEach((holder, held) -> held.forEach((peer, reason) ->
        described.add("n" + holder + " holds n" + peer + " (" + reason + ")")));
    return described;
  }

  private Link link(int first, int second) {
    int a = Math.min(first, second);
    int b = Math.max(first, second);
    for (Link link : links) {
      if (link.a == a && link.b == b) {
        return link;
      }
    }
    throw new IllegalArgumentException("no link n" + first + "-n" + second);
  }

  // ---------------------------------------------------------------- faults

  /** A new partition of a random shape replaces the current one; returns it described. */
  String partition() {
    blocked.clear();
    int n = nodes.size();
    int shape = random.nextInt(4);
    int[] group = new int[n];
    String described;
    if (shape == 0 || (shape == 3 && n < 3)) {
      int isolated = random.nextInt(n);
      group[isolated] = 1;
      described = "n" + isolated + " isolated";
    } else if (shape == 1 || shape == 3) {
      int groups = shape == 1 ? 2 : 3;
      for (int i = 0; i < n; i++) {
        group[i] = random.nextInt(groups);
      }
      described = groups + " groups " + java.util.Arrays.toString(group);
    } else {
      group = null;
      described = "links";
    }
    for (Link link : links) {
      boolean separated = group == null ? random.nextBoolean() : group[link.a] != group[link.b];
      if (separated) {
        blocked.add(link);
      }
    }
    if (blocked.isEmpty()) {
      blocked.add(links.get(random.nextInt(links.size())));
    }
    if (group == null) {
      described += " " + blocked;
    }
    trace.record(clock.now(), "net", "fault", "partition: " + described);
    for (Link link : links) {
      if (blocked.contains(link) && link.connection != null) {
        end(link.connection, "partition");
      }
    }
    return described;
  }

  void healPartition() {
    if (!blocked.isEmpty()) {
      trace.record(clock.now(), "net", "heal", "partition " + blocked + " healed");
    }
    blocked.clear();
  }

  /** Cuts one live connection, if there is one (the pair may connect again after its backoff). */
  void cutOne() {
    List<Link> connected = new ArrayList<>();
    for (Link link : links) {
      if (link.connection != null) {
        connected.add(link);
      }
    }
    if (!connected.isEmpty()) {
      end(connected.get(random.nextInt(connected.size())).connection, "link cut");
    }
  }

  /** Slows one link down by {@code extra} microseconds per message for {@code duration}. */
  void spike(long duration, long extra) {
    Link link = links.get(random.nextInt(links.size()));
    link.spikeUntil = clock.now() + duration;
    link.spikeExtra = extra;
    trace.record(clock.now(), "net", "fault", "delay spike on " + link + ": +" + extra + " µs for " + duration + " µs");
  }

  /** The heal phase: no partition, no spike. Holds stay: they are the cores' own decisions. */
  void healAll() {
    healPartition();
    for (Link link : links) {
      link.spikeUntil = 0;
    }
  }

  /** Whether every pair has a connection both sides were told about. */
  boolean fullyConnected() {
    for (Link link : links) {
      Connection connection = link.connection;
      if (connection == null || !connection.ends[0].announced || !connection.ends[1].announced) {
        return false;
      }
    }
    return true;
  }

  /** The peers {@code node} has a live connection with, announced to both sides. */
  Set<Integer> connectedPeers(int node) {
    Set<Integer> peers = new TreeSet<>();
    for (Link link : links) {
      Connection connection = link.connection;
      if ((link.a == node || link.b == node) && connection != null && connection.ends[0].announced
          && connection.ends[1].announced) {
        peers.add(link.a == node ? link.b : link.a);
      }
    }
    return peers;
  }

  /** The pairs without an announced connection, for a message. */
  List<String> describeUnconnected() {
    List<String> described = new ArrayList<>();
    for (Link link : links) {
      Connection connection = link.connection;
      if (connection == null) {
        described.add(link + (link.connecting ? " connecting" : blocked.contains(link) ? " partitioned"
            : " not connected"));
      } else if (!connection.ends[0].announced || !connection.ends[1].announced) {
        described.add(connection + " not yet announced to both");
      }
    }
    return described;
  }
}
