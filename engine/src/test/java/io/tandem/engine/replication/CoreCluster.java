package io.tandem.engine.replication;

import io.tandem.engine.core.DataOperation;
import io.tandem.engine.core.Durability;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoOutcome;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.QuorumPolicy;
import io.tandem.engine.core.ReplicaCore;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.core.ReplicationProtocol;
import io.tandem.engine.core.ResyncRate;
import io.tandem.engine.core.SplitBrainPolicy;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.storage.MemoryFileSystem;
import io.tandem.engine.volume.VolumeFileNames;
import io.tandem.engine.volume.VolumeStorage;
import io.tandem.engine.wire.WireMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Several cores in one thread with in-memory disks and a loss-free network, every event handled in
 * order: small replication scenarios, step by step. Connections are made and cut by the test.
 */
final class CoreCluster {

  static final class Node {
    final int nodeId;
    final String name;
    final MemoryFileSystem fileSystem = new MemoryFileSystem();
    VolumeStorage storage;
    ReplicaCore core;
    final Map<Long, Effect.RequestCompleted> completions = new HashMap<>();
    final Map<Integer, Boolean> held = new HashMap<>();
    final List<WireMessage> sent = new ArrayList<>();
    /** What the node's log would say ({@link Effect.Notice}). */
    final List<String> notices = new ArrayList<>();

    Node(int nodeId, String name) {
      this.nodeId = nodeId;
      this.name = name;
    }

    ByteBuffer readAll(long sizeBytes) {
      Event.IoCompleted read = storage.perform(new Effect.DataIo(-1, 0, DataOperation.READ, 0, (int) sizeBytes, null,
          Durability.CACHED));
      if (read.outcome() != IoOutcome.OK) {
        throw new AssertionError(read.detail());
      }
      return read.data();
    }
  }

  private record Pending(Node node, Event event) {}

  final long sizeBytes;
  final List<Node> nodes = new ArrayList<>();
  private final Deque<Pending> queue = new ArrayDeque<>();
  private final Map<String, Long> links = new HashMap<>();
  private long nextConnectionId = 1;
  private long nextRequestId = 1;
  private final Random random = new Random(42);

  CoreCluster(int count, long sizeBytes, ReplicationProtocol protocol, QuorumPolicy quorum) throws IOException {
    this(count, sizeBytes, protocol, quorum, SplitBrainPolicy.DISCONNECT);
  }

  CoreCluster(int count, long sizeBytes, ReplicationProtocol protocol, QuorumPolicy quorum, SplitBrainPolicy splitBrain)
      throws IOException {
    this(count, sizeBytes, protocol, quorum, splitBrain, ResyncRate.UNLIMITED);
  }

  CoreCluster(int count, long sizeBytes, ReplicationProtocol protocol, QuorumPolicy quorum, SplitBrainPolicy splitBrain,
      ResyncRate resyncRate) throws IOException {
    this(count, sizeBytes, protocol, quorum, splitBrain, resyncRate, java.util.Set.of());
  }

  final java.util.Set<Integer> diskless;
  private final ReplicationProtocol protocol;
  private final QuorumPolicy quorum;
  private final SplitBrainPolicy splitBrain;
  private final ResyncRate resyncRate;
  /** Checksum-based resync on every node (set before the nodes restart to take effect). */
  boolean checksumResync;
  /** {@link ReplicaSettings#primaryLeaseNanos} of every node (set before the nodes restart to take effect). */
  long primaryLeaseNanos;

  CoreCluster(int count, long sizeBytes, ReplicationProtocol protocol, QuorumPolicy quorum, SplitBrainPolicy splitBrain,
      ResyncRate resyncRate, java.util.Set<Integer> diskless) throws IOException {
    this.diskless = diskless;
    this.protocol = protocol;
    this.quorum = quorum;
    this.splitBrain = splitBrain;
    this.resyncRate = resyncRate;
    this.sizeBytes = sizeBytes;
    String[] names = {"alpha", "bravo", "charlie", "delta"};
    for (int i = 0; i < count; i++) {
      nodes.add(new Node(i, names[i]));
    }
    for (Node node : nodes) {
      boot(node);
    }
    run();
  }

  /** Writes bytes straight into a node's data file, behind its core (a silent corruption, or equal data). */
  void scribble(int id, long offset, ByteBuffer bytes) {
    Event.IoCompleted done = nodes.get(id).storage.perform(new Effect.DataIo(-1, 0, DataOperation.WRITE, offset,
        bytes.remaining(), bytes, Durability.CACHED));
    if (done.outcome() != IoOutcome.OK) {
      throw new AssertionError(done.detail());
    }
  }

  /** Kills a node (its unsynced writes are lost or torn) and starts it again; its links are cut. */
  void restart(int id) throws IOException {
    Node node = stop(id);
    node.fileSystem.setFaultPolicy(io.tandem.engine.storage.FaultPolicy.NONE);
    node.fileSystem.crash(random);
    boot(node);
    run();
  }

  /** Stops a node, replaces its disk with a new, empty one (the old data and metadata are gone) and starts it. */
  void replaceDisk(int id) throws IOException {
    Node node = stop(id);
    VolumeFileNames names = VolumeFileNames.in("/pool", "r0", 0);
    for (String path : List.of(names.dataPath(), names.metadataPath())) {
      if (node.fileSystem.exists(path)) {
        node.fileSystem.delete(path);
      }
    }
    boot(node);
    run();
  }

  /** Cuts a node's links and drops every event still waiting for it, as its process ending would. */
  private Node stop(int id) {
    Node node = nodes.get(id);
    for (Node other : nodes) {
      if (other != node) {
        disconnect(id, other.nodeId);
      }
    }
    queue.removeIf(pending -> pending.node() == node);
    parked.removeIf(pending -> pending.node() == node);
    node.held.clear();
    return node;
  }

  /** Opens (or creates) a node's volume and starts a new core on it, as a restart does. */
  void boot(Node node) throws IOException {
    List<Peer> peers = new ArrayList<>();
    for (Node other : nodes) {
      if (other != node) {
        peers.add(new Peer(other.name, other.nodeId, diskless.contains(other.nodeId) ? Peer.Disk.DISKLESS
            : Peer.Disk.DISKFUL));
      }
    }
    VolumeSetup setup;
    if (diskless.contains(node.nodeId)) {
      setup = VolumeSetup.diskless(0, sizeBytes);
    } else {
      node.storage = VolumeStorage.openOrCreate(node.fileSystem, VolumeFileNames.in("/pool", "r0", 0),
          new VolumeStorage.Creation(sizeBytes, node.nodeId, peers, Provisioning.THIN, 0x5eed_0000_0000_1000L));
      setup = VolumeSetup.diskful(0, Provisioning.THIN, node.storage.image());
    }
    node.core = new ReplicaCore(new ReplicaSettings("r0", node.name, node.nodeId, peers, 61, quorum, protocol,
        splitBrain, resyncRate, checksumResync, primaryLeaseNanos), List.of(setup), random::nextLong);
    node.completions.clear();
    perform(node, node.core.start());
  }

  /** The virtual time of the last tick the test sent. */
  long tickNanos;

  /** Whether a released hold connects the pair again (as the edge's redial would). */
  boolean reconnectOnRelease = true;

  private boolean held(int node, int peer) {
    return Boolean.TRUE.equals(nodes.get(node).held.get(peer));
  }

  Node node(int id) {
    return nodes.get(id);
  }

  private static String key(int a, int b) {
    return Math.min(a, b) + "-" + Math.max(a, b);
  }

  void connect(int a, int b) {
    long id = nextConnectionId++;
    links.put(key(a, b), id);
    queue.add(new Pending(nodes.get(a), new Event.PeerConnected(b, id)));
    queue.add(new Pending(nodes.get(b), new Event.PeerConnected(a, id)));
  }

  void connectAll() {
    for (int a = 0; a < nodes.size(); a++) {
      for (int b = a + 1; b < nodes.size(); b++) {
        connect(a, b);
      }
    }
  }

  /** The live connection's id between two nodes (for messages a test sends in a node's name). */
  long connectionId(int a, int b) {
    return links.get(key(a, b));
  }

  void disconnect(int a, int b) {
    Long id = links.remove(key(a, b));
    if (id == null) {
      return;
    }
    queue.add(new Pending(nodes.get(a), new Event.PeerDisconnected(b, id, "cut")));
    queue.add(new Pending(nodes.get(b), new Event.PeerDisconnected(a, id, "cut")));
  }

  /** Submits an event on a node and returns the request id it carries (for requests). */
  long submit(int node, java.util.function.LongFunction<Event> event) {
    long id = nextRequestId++;
    queue.add(new Pending(nodes.get(node), event.apply(id)));
    return id;
  }

  /** The completion of request {@code id} on {@code node}, or null while it is not complete. */
  Effect.RequestCompleted completion(int node, long id) {
    return nodes.get(node).completions.get(id);
  }

  Effect.RequestCompleted request(int node, java.util.function.LongFunction<Event> event) {
    long id = submit(node, event);
    run();
    Effect.RequestCompleted done = nodes.get(node).completions.get(id);
    if (done == null) {
      throw new AssertionError("request " + id + " on " + nodes.get(node).name + " did not complete");
    }
    return done;
  }

  /** Runs until nothing is left to do. */
  void run() {
    runUntil(n -> false);
  }

  /** Nodes whose events wait (all of them, or only I/O completions: a stalled node or disk). */
  private final java.util.Set<Integer> stalled = new java.util.HashSet<>();
  private final java.util.Set<Integer> stalledDisks = new java.util.HashSet<>();
  private final List<Pending> parked = new ArrayList<>();

  void stall(int node) {
    stalled.add(node);
  }

  void stallDisk(int node) {
    stalledDisks.add(node);
  }

  /** Drops the messages from {@code from} waiting at the stalled {@code node}: lost with a broken connection. */
  void loseWaitingMessages(int node, int from) {
    parked.removeIf(pending -> pending.node().nodeId == node && pending.event() instanceof Event.PeerReceived received
        && received.nodeId() == from);
  }

  /** Lets a stalled node (and its disk) go on, its waiting events first. */
  void resume(int node) {
    stalled.remove(node);
    stalledDisks.remove(node);
    List<Pending> release = new ArrayList<>();
    for (Pending pending : parked) {
      if (pending.node().nodeId == node) {
        release.add(pending);
      }
    }
    parked.removeAll(release);
    for (int i = release.size() - 1; i >= 0; i--) {
      queue.addFirst(release.get(i));
    }
  }

  private boolean parks(Pending pending) {
    int id = pending.node().nodeId;
    return stalled.contains(id) || (stalledDisks.contains(id) && pending.event() instanceof Event.IoCompleted);
  }

  /** Runs until the predicate holds (checked after each event) or nothing is left; true if it held. */
  boolean runUntil(Predicate<CoreCluster> done) {
    int steps = 0;
    while (!queue.isEmpty()) {
      Pending next = queue.pollFirst();
      if (parks(next)) {
        parked.add(next);
        continue;
      }
      perform(next.node(), next.node().core.handle(next.event()));
      next.node().core.checkInvariants();
      if (done.test(this)) {
        return true;
      }
      if (++steps > 5_000_000) {
        throw new AssertionError("no quiescence after " + steps + " steps");
      }
    }
    return done.test(this);
  }

  private void perform(Node node, List<Effect> effects) {
    for (Effect effect : effects) {
      if (effect instanceof Effect.RequestCompleted completed) {
        node.completions.put(completed.requestId(), completed);
      } else if (effect instanceof Effect.SendToPeer send) {
        node.sent.add(send.message());
        Long live = links.get(key(node.nodeId, send.nodeId()));
        if (live != null && live == send.connectionId()) {
          queue.add(new Pending(nodes.get(send.nodeId()), new Event.PeerReceived(node.nodeId, send.connectionId(),
              send.message())));
        }
      } else if (effect instanceof Effect.Notice notice) {
        node.notices.add(notice.message());
      } else if (effect instanceof Effect.HoldPeer hold) {
        node.held.put(hold.nodeId(), hold.hold());
        if (hold.hold()) {
          disconnect(node.nodeId, hold.nodeId());
        } else if (reconnectOnRelease && !held(hold.nodeId(), node.nodeId)) {
          connect(node.nodeId, hold.nodeId());
        }
      } else {
        queue.add(new Pending(node, node.storage.perform(effect)));
      }
    }
  }
}
