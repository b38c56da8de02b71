package io.tandem.engine.simulation;

import io.tandem.engine.bitmap.Bitmap;
import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoStatus;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.QuorumPolicy;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.ReplicationProtocol;
import io.tandem.engine.core.ReplicationState;
import io.tandem.engine.core.RequestFlag;
import io.tandem.engine.core.RequestKind;
import io.tandem.engine.core.Role;
import io.tandem.engine.metadata.MetadataLayout;
import io.tandem.engine.metadata.Superblock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A cluster of two to four nodes sharing one resource of one or two small volumes, driven in a
 * single thread by one seed (after TigerBeetle's VOPR): every node a {@link SimulatedNode} (its own
 * crashable file system, its storage, its {@link io.tandem.engine.core.ReplicaCore}), the
 * {@link SimulatedNetwork} between them, clients, and faults — power losses, killed processes,
 * I/O errors, partitions, link cuts, delay spikes, operator disconnects — all on one virtual clock
 * (microseconds).
 *
 * <p>Clients attach to a node with write access (it promotes itself if it may; a refused client
 * tries another node later), issue reads, writes (some FUA), flushes, trims and write-zeroes, up to
 * eight at a time, and detach at random, so the Primary moves around. Each write carries content
 * naming it ({@link SectorModel}); {@link ReplicatedSectorModel} knows what each sector may hold.
 *
 * <p>Checked after every event: the core's invariants on that node; at most one Primary in the
 * cluster (strictly, or at most one with quorum: see {@link #checkSinglePrimary()}); every read
 * returns what the model allows. Then the heal phase: faults stop, partitions
 * heal, nodes that are down restart, nodes with a failed disk restart, operator holds are
 * released, clients detach; the run goes on until every node is up, Secondary, idle, connected to
 * every peer with every volume Established and UpToDate (or fails, naming the seed, after two
 * minutes of virtual time). Then: the replicas of each volume are byte-identical and share their
 * generation, every sector holds what {@link ReplicatedSectorModel#checkFinal} allows (no durable
 * write lost), and no bitmap slot of any peer has a block out of sync.
 *
 * <p>Any failure names the seed and ends with the last 50 entries of the trace;
 * {@code -Dseed=N} replays the run exactly and {@code -Dsimulation.trace=true} prints it all.
 */
final class MultiNodeSimulation implements SimulatedNode.Edge {

  /**
   * What a run exercises and checks.
   *
   * @param nodes the number of nodes, or 0 for two to four as the seed decides
   * @param disklessNodes how many of the nodes (the last ones, never all) have no disk
   * @param steps the typical number of steps before the heal (the seed picks from half to one and a
   *     half times as many)
   * @param workload whether clients attach and do I/O
   * @param crashes power losses and killed processes
   * @param ioErrorPerMille injected I/O errors per thousand file operations, or -1 as the seed decides
   * @param networkFaults partitions, link cuts, delay spikes, operator disconnects
   * @param replicationChecks the checks only replication passes: reads, Established and UpToDate
   *     after the heal, identical replicas, the final content, empty bitmaps
   * @param strictSinglePrimary at most one Primary at any instant, even one without quorum
   */
  /**
   * What a run does. {@code clock}: the nodes' cores get the edge's ticks (every
   * {@link SimulatedNode#TICK_MICROS}) and wait out a lost Primary's lease before a promotion;
   * without it (the seeds kept from before the cores had a clock) neither happens.
   */
  record Options(int nodes, int disklessNodes, int steps, boolean workload, boolean crashes, int ioErrorPerMille,
      boolean networkFaults, boolean replicationChecks, boolean strictSinglePrimary, boolean clock) {

    /** Everything, as replication is meant to pass it. */
    static Options full() {
      return new Options(0, 0, 1000, true, true, -1, true, true, false, true);
    }

    /** Two nodes, network faults only, the checks that pass without replication. */
    static Options smoke() {
      return new Options(2, 0, 400, true, false, 0, true, false, true, true);
    }

    /** One node through the cluster harness, every check (no peer, so no replication needed). */
    static Options singleNode() {
      return new Options(1, 0, 1000, true, true, -1, false, true, true, true);
    }

    Options withNodes(int count) {
      return new Options(count, disklessNodes, steps, workload, crashes, ioErrorPerMille, networkFaults,
          replicationChecks, strictSinglePrimary, clock);
    }

    Options withCrashes(boolean on) {
      return new Options(nodes, disklessNodes, steps, workload, on, ioErrorPerMille, networkFaults,
          replicationChecks, strictSinglePrimary, clock);
    }

    Options withIoErrorPerMille(int perMille) {
      return new Options(nodes, disklessNodes, steps, workload, crashes, perMille, networkFaults, replicationChecks,
          strictSinglePrimary, clock);
    }

    Options withoutClock() {
      return new Options(nodes, disklessNodes, steps, workload, crashes, ioErrorPerMille, networkFaults,
          replicationChecks, strictSinglePrimary, false);
    }
  }

  /** What a run exercised, for the test to see that the checks had something to check. */
  record Summary(int nodes, long completedWrites, long checkedReads, long promotions, long crashes,
      long connections, long disconnections, long ioErrors, long forcedPromotions) {}

  /**
   * What a set of runs did, added up. {@code forcedPromotions}: heals where no UpToDate copy was
   * left and the operator promoted a node with force ({@link #operatorStep}).
   */
  record Totals(int runs, long completedWrites, long checkedReads, long promotions, long crashes,
      long disconnections, long ioErrors, long forcedPromotions) {}

  /**
   * Runs the seeds {@link SimulationSeeds} chooses ({@code defaultSeeds} unless told otherwise, none
   * started after {@code budgetSeconds}) and adds up what they did; null when one seed was replayed.
   */
  static Totals runSeeds(Options options, int defaultSeeds, int budgetSeconds) {
    List<Summary> runs = SimulationSeeds.runAll(SimulationSeeds.seeds(defaultSeeds), budgetSeconds,
        seed -> new MultiNodeSimulation(seed, options).run());
    if (SimulationSeeds.replaying()) {
      return null;
    }
    return new Totals(runs.size(), runs.stream().mapToLong(Summary::completedWrites).sum(),
        runs.stream().mapToLong(Summary::checkedReads).sum(), runs.stream().mapToLong(Summary::promotions).sum(),
        runs.stream().mapToLong(Summary::crashes).sum(), runs.stream().mapToLong(Summary::disconnections).sum(),
        runs.stream().mapToLong(Summary::ioErrors).sum(), runs.stream().mapToLong(Summary::forcedPromotions).sum());
  }

  private static final long MILLISECOND = 1_000;
  private static final long HEAL_LIMIT = 120_000 * MILLISECOND;
  /** How long the operator waits before acting on a volume with no UpToDate copy (operatorStep). */
  private static final long OPERATOR_PATIENCE = 5_000 * MILLISECOND;
  private static final int TRACE_KEPT = 50;

  private final long seed;
  private final Options options;
  private final Random random;
  private final SimulationClock clock = new SimulationClock();
  private final SimulationTrace trace = SimulationTrace.fromProperties(TRACE_KEPT);
  private final List<SimulatedNode> nodes = new ArrayList<>();
  private final SimulatedNetwork network;
  private final List<SimulatedNode.Volume> volumes = new ArrayList<>();
  private final Map<Integer, ReplicatedSectorModel> models = new TreeMap<>();
  private final List<Client> clients = new ArrayList<>();
  private final Map<Long, Pending> pending = new HashMap<>();
  /** Per node, its current tenure as Primary (0: Secondary or down). */
  private final int[] tenure;
  /** Per node, its latest tenure as Primary, ended or not (0: never Primary). */
  private final int[] lastTenure;
  /** Operator disconnects not released yet: node → peers. */
  private final Map<Integer, Set<Integer>> operatorHolds = new TreeMap<>();
  private final ReplicationProtocol protocol;
  private final QuorumPolicy quorum = QuorumPolicy.MAJORITY;
  private final int capacity;
  private final int steps;
  private final int maxStepMicros;
  private final int ioErrorPerMille;
  private long stamp;
  private int tenures;
  private long nextRequestId = 1;
  private long nextWriteId = 1;
  private int partitionEpoch;
  private boolean healing;
  private long completedWrites;
  private long checkedReads;
  private long promotions;
  private long crashes;
  private long forcedPromotions;
  /** Since when (virtual µs) the healed cluster has had a volume without an UpToDate copy, or -1. */
  private long noUpToDateSince = -1;
  /** The node the operator promoted with force, to demote on the next step; or null. */
  private SimulatedNode toDemote;

  /** One client of the resource: attached to at most one node at a time. */
  private static final class Client {
    final int number;
    final int queueDepth;
    ClientState state = ClientState.DETACHED;
    SimulatedNode node;
    /** The node that last refused it: the next attempt prefers another. */
    SimulatedNode refusedBy;
    long nextAttemptAt;
    int inFlight;
    boolean leaving;

    Client(int number, int queueDepth) {
      this.number = number;
      this.queueDepth = queueDepth;
    }

    @Override
    public String toString() {
      return "client " + number + " " + state + (node == null ? "" : " on " + node) + ", " + inFlight + " in flight";
    }
  }

  private enum ClientState {
    DETACHED,
    ATTACHING,
    ATTACHED
  }

  /** A request handed to a core and not completed yet. */
  private sealed interface Pending permits AttachRequest, IoRequest, PeerRequest, RoleCommand {
    int node();

    int incarnation();
  }

  private record AttachRequest(Client client, int node, int incarnation) implements Pending {}

  private record IoRequest(Client client, int node, int incarnation, int volume, RequestKind kind, long offset,
      int length, boolean fua, long issued, int tenure, List<ReplicatedSectorModel.Version> versions)
      implements Pending {}

  private record PeerRequest(int node, int incarnation, int peer, boolean connect) implements Pending {}

  /** The operator's forced promotion (then demotion) of a node in the heal phase. */
  private record RoleCommand(int node, int incarnation, Role role) implements Pending {}

  MultiNodeSimulation(long seed, Options options) {
    this.seed = seed;
    this.options = options;
    this.random = new Random(seed);
    int nodeCount = options.nodes() > 0 ? options.nodes() : 2 + random.nextInt(3);
    int volumeCount = random.nextInt(3) == 0 ? 2 : 1;
    for (int number = 0; number < volumeCount; number++) {
      long size = (1 + random.nextInt(3)) * MetadataLayout.EXTENT_BYTES;
      if (random.nextInt(4) == 0) {
        size -= (1 + random.nextInt(64)) * (long) MetadataLayout.BITMAP_BYTES_PER_BIT;
      }
      long dayZero = random.nextLong() & ~1L;
      if (dayZero == 0 || dayZero == Superblock.JUST_CREATED_UUID) {
        dayZero = 0x100;
      }
      // each node picks its own provisioning below
      volumes.add(new SimulatedNode.Volume(number, size, Provisioning.THIN, dayZero));
      models.put(number, new ReplicatedSectorModel());
    }
    int dice = random.nextInt(10);
    this.protocol = dice < 6 ? ReplicationProtocol.C : dice < 8 ? ReplicationProtocol.B : ReplicationProtocol.A;
    this.capacity = 2 + random.nextInt(3);
    this.steps = options.steps() / 2 + random.nextInt(options.steps() + 1);
    this.maxStepMicros = 500 + random.nextInt(5_000);
    this.ioErrorPerMille = options.ioErrorPerMille() >= 0 ? options.ioErrorPerMille()
        : random.nextInt(3) == 0 ? 1 + random.nextInt(5) : 0;
    this.tenure = new int[nodeCount];
    this.lastTenure = new int[nodeCount];
    int diskless = Math.min(options.disklessNodes(), nodeCount - 1);
    for (int id = 0; id < nodeCount; id++) {
      List<Peer> peers = new ArrayList<>();
      for (int peer = 0; peer < nodeCount; peer++) {
        if (peer != id) {
          peers.add(new Peer("n" + peer, peer, peer >= nodeCount - diskless ? Peer.Disk.DISKLESS : Peer.Disk.DISKFUL));
        }
      }
      List<SimulatedNode.Volume> own = new ArrayList<>();
      for (SimulatedNode.Volume volume : volumes) {
        own.add(new SimulatedNode.Volume(volume.number(), volume.sizeBytes(),
            random.nextBoolean() ? Provisioning.THIN : Provisioning.THICK, volume.dayZeroUuid()));
      }
      // the network reports a dead link within a second (SimulatedNetwork): a node that lost a
      // Primary waits that long, and two of its ticks, before a promotion
      ReplicaSettings settings = new ReplicaSettings("sim", "n" + id, id, peers, capacity, quorum, protocol)
          .withPrimaryLeaseNanos(options.clock() ? (1_000_000L + 2 * SimulatedNode.TICK_MICROS) * 1_000 : 0);
      nodes.add(new SimulatedNode(settings, id >= nodeCount - diskless, own, clock, random, trace, this,
          options.clock()));
    }
    this.network = new SimulatedNetwork(nodes, clock, random, trace);
    int clientCount = options.workload() ? 1 + random.nextInt(3) : 0;
    for (int i = 0; i < clientCount; i++) {
      clients.add(new Client(i, 1 + random.nextInt(8)));
    }
  }

  /** Runs the whole scenario; throws AssertionError naming the seed, with the trace, on the first violation. */
  Summary run() {
    try {
      for (SimulatedNode node : nodes) {
        node.injectIoErrors(ioErrorPerMille);
        node.start();
      }
      for (int step = 0; step < steps; step++) {
        injectFault();
        for (Client client : clients) {
          clientStep(client);
        }
        network.tick();
        clock.advanceTo(clock.now() + 1 + random.nextInt(maxStepMicros));
      }
      heal();
      converge();
      if (options.replicationChecks()) {
        checkReplicas();
      }
      return new Summary(nodes.size(), completedWrites, checkedReads, promotions, crashes, network.established(),
          network.ended(), nodes.stream().mapToLong(SimulatedNode::injectedIoErrors).sum(), forcedPromotions);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("multi-node simulation seed " + seed + " failed (replay with -Dseed=" + seed
          + ", print the whole run with -Dsimulation.trace=true): "
          + (e.getMessage() == null ? e.toString() : e.getMessage()) + "\n  " + this
          + "\n  the last " + TRACE_KEPT + " entries of the trace (virtual µs, who, what):\n" + trace.lastEntries(), e);
    }
  }

  // ---------------------------------------------------------------- faults

  private void injectFault() {
    int dice = random.nextInt(1000);
    if (options.crashes() && dice < 4) {
      SimulatedNode node = randomUpNode();
      if (node != null) {
        stop(node, dice < 2);
        long downtime = dice < 2 ? 1 + random.nextInt(500) : 1 + random.nextInt(50);
        int stoppedAs = node.incarnation();
        clock.after(downtime * MILLISECOND, () -> {
          if (!node.up() && node.incarnation() == stoppedAs) {
            node.start();
          }
        });
      }
    } else if (options.networkFaults() && dice < 8 && nodes.size() > 1) {
      network.partition();
      int epoch = ++partitionEpoch;
      clock.after((5 + random.nextInt(1500)) * MILLISECOND, () -> {
        if (partitionEpoch == epoch) {
          network.healPartition();
        }
      });
    } else if (options.networkFaults() && dice < 14) {
      network.cutOne();
    } else if (options.networkFaults() && dice < 20 && nodes.size() > 1) {
      network.spike((10 + random.nextInt(500)) * MILLISECOND, random.nextInt(100) * MILLISECOND);
    } else if (options.networkFaults() && dice < 22 && nodes.size() > 1) {
      operatorDisconnect();
    } else if (dice < 40) {
      for (SimulatedNode node : nodes) {
        if (node.diskFailed()) {
          // the operator brings the disk back: a restart attaches it again
          stop(node, false);
          node.start();
          break;
        }
      }
    }
  }

  private SimulatedNode randomUpNode() {
    return randomUpNode(null);
  }

  /** A random node that is up, other than {@code avoided} if another is up; null if none is. */
  private SimulatedNode randomUpNode(SimulatedNode avoided) {
    List<SimulatedNode> up = new ArrayList<>();
    for (SimulatedNode node : nodes) {
      if (node.up() && node != avoided) {
        up.add(node);
      }
    }
    if (up.isEmpty()) {
      return avoided != null && avoided.up() ? avoided : null;
    }
    return up.get(random.nextInt(up.size()));
  }

  /** Ends a node's process: what it had in flight is lost, its clients lose their connection. */
  private void stop(SimulatedNode node, boolean powerLoss) {
    crashes++;
    node.stop(powerLoss);
    network.nodeDown(node.id);
    endTenure(node);
    operatorHolds.remove(node.id);
    pending.values().removeIf(request -> {
      if (request.node() != node.id) {
        return false;
      }
      if (request instanceof IoRequest io) {
        io.client().inFlight--;
      } else if (request instanceof AttachRequest attach) {
        attach.client().state = ClientState.DETACHED;
        attach.client().node = null;
      }
      return true;
    });
    for (Client client : clients) {
      if (client.node == node) {
        client.state = ClientState.DETACHED;
        client.node = null;
        client.nextAttemptAt = clock.now() + (1 + random.nextInt(100)) * MILLISECOND;
      }
    }
  }

  private void operatorDisconnect() {
    SimulatedNode node = randomUpNode();
    if (node == null) {
      return;
    }
    int peer = node.peers().get(random.nextInt(node.peers().size())).nodeId();
    operatorHolds.computeIfAbsent(node.id, n -> new LinkedHashSet<>()).add(peer);
    peerCommand(node, peer, false);
    int incarnation = node.incarnation();
    clock.after((5 + random.nextInt(500)) * MILLISECOND, () -> {
      Set<Integer> held = operatorHolds.get(node.id);
      if (node.up() && node.incarnation() == incarnation && held != null && held.remove(peer)) {
        peerCommand(node, peer, true);
      }
    });
  }

  private void peerCommand(SimulatedNode node, int peer, boolean connect) {
    long requestId = nextRequestId++;
    pending.put(requestId, new PeerRequest(node.id, node.incarnation(), peer, connect));
    node.handle(new Event.PeerCommand(requestId, peer, connect));
  }

  // ---------------------------------------------------------------- clients

  private void clientStep(Client client) {
    switch (client.state) {
      case DETACHED:
        if (!client.leaving && clock.now() >= client.nextAttemptAt) {
          SimulatedNode node = randomUpNode(client.refusedBy);
          if (node != null) {
            attach(client, node);
          }
        }
        break;
      case ATTACHED:
        boolean bored = random.nextInt(1000) < 3 && (client.inFlight == 0 || random.nextInt(8) == 0);
        if (client.leaving || bored) {
          detach(client);
        } else if (client.inFlight < client.queueDepth && random.nextInt(100) < 60) {
          issue(client);
        }
        break;
      default:
        break;
    }
  }

  private void attach(Client client, SimulatedNode node) {
    long requestId = nextRequestId++;
    client.state = ClientState.ATTACHING;
    client.node = node;
    pending.put(requestId, new AttachRequest(client, node.id, node.incarnation()));
    trace.record(clock.now(), "client" + client.number, "act", "attaches to " + node);
    node.handle(new Event.ClientAttach(requestId, Event.Access.READ_WRITE));
  }

  private void detach(Client client) {
    SimulatedNode node = client.node;
    client.state = ClientState.DETACHED;
    client.node = null;
    client.nextAttemptAt = clock.now() + (1 + random.nextInt(300)) * MILLISECOND;
    trace.record(clock.now(), "client" + client.number, "act", "detaches from " + node);
    node.handle(new Event.ClientDetach(Event.Access.READ_WRITE));
  }

  private void issue(Client client) {
    SimulatedNode node = client.node;
    SimulatedNode.Volume volume = volumes.get(random.nextInt(volumes.size()));
    int dice = random.nextInt(100);
    RequestKind kind = dice < 45 ? RequestKind.WRITE : dice < 75 ? RequestKind.READ : dice < 85 ? RequestKind.FLUSH
        : dice < 93 ? RequestKind.TRIM : RequestKind.WRITE_ZEROES;
    long sectors = volume.sizeBytes() / SectorModel.SECTOR;
    int lengthSectors = 1 + (random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(16));
    long first = random.nextInt((int) (sectors - lengthSectors));
    long extents = (volume.sizeBytes() + MetadataLayout.EXTENT_BYTES - 1) / MetadataLayout.EXTENT_BYTES;
    if (extents > 1 && random.nextInt(5) == 0) {
      // near an extent boundary, so requests span two extents
      long boundary = (1 + random.nextInt((int) extents - 1)) * (MetadataLayout.EXTENT_BYTES / SectorModel.SECTOR);
      first = Math.max(0, Math.min(sectors - lengthSectors, boundary - lengthSectors / 2));
    }
    long offset = first * SectorModel.SECTOR;
    int length = lengthSectors * SectorModel.SECTOR;
    Set<RequestFlag> flags = EnumSet.noneOf(RequestFlag.class);
    if (kind.modifies() && random.nextInt(6) == 0) {
      flags.add(RequestFlag.FUA);
    }
    if (kind == RequestKind.WRITE_ZEROES && random.nextBoolean()) {
      flags.add(RequestFlag.NO_HOLE);
    }
    long issued = ++stamp;
    ReplicatedSectorModel model = models.get(volume.number());
    ByteBuffer payload = null;
    List<ReplicatedSectorModel.Version> versions = List.of();
    if (kind == RequestKind.WRITE) {
      long writeId = nextWriteId++;
      payload = SectorModel.content(writeId, offset, length);
      versions = model.issue(writeId, offset, length, issued);
    } else if (kind.modifies()) {
      versions = model.issue(0, offset, length, issued);
    } else if (kind == RequestKind.FLUSH) {
      offset = 0;
      length = 0;
    }
    long requestId = nextRequestId++;
    pending.put(requestId, new IoRequest(client, node.id, node.incarnation(), volume.number(), kind, offset, length,
        flags.contains(RequestFlag.FUA), issued, tenure[node.id], versions));
    client.inFlight++;
    node.handle(new Event.ClientRequest(requestId, volume.number(), kind, offset, length, flags, payload));
  }

  // ---------------------------------------------------------------- what the nodes report

  @Override
  public void afterEvent(SimulatedNode node) {
    try {
      node.core().checkInvariants();
    } catch (IllegalStateException e) {
      throw new AssertionError(node + " broke an invariant of its core: " + e.getMessage(), e);
    }
    if (trace.printsAll()) {
      traceMarks(node);
    }
    Role role = node.core().role();
    if (role == Role.Primary && tenure[node.id] == 0) {
      tenure[node.id] = ++tenures;
      lastTenure[node.id] = tenure[node.id];
      promotions++;
      trace.record(clock.now(), node.name, "role", "Primary, tenure " + tenure[node.id]);
    } else if (role == Role.Secondary && tenure[node.id] != 0) {
      endTenure(node);
      trace.record(clock.now(), node.name, "role", "Secondary");
    }
    checkSinglePrimary();
  }

  /** The out-of-sync KiB of each node's slots as last traced: node → "peer/volume" → KiB. */
  private final Map<Integer, Map<String, Long>> tracedMarks = new HashMap<>();

  /** In a full trace, every change of what a node marks out of sync for a peer. */
  private void traceMarks(SimulatedNode node) {
    Map<String, Long> before = tracedMarks.computeIfAbsent(node.id, id -> new TreeMap<>());
    for (ReplicaStatus.PeerStatus peer : node.core().status().peers()) {
      for (ReplicaStatus.PeerVolume volume : peer.volumes()) {
        String key = peer.name() + "/" + volume.number();
        Long old = before.put(key, volume.outOfSyncKib());
        if (old == null ? volume.outOfSyncKib() != 0 : old != volume.outOfSyncKib()) {
          trace.record(clock.now(), node.name, "marks", "for " + peer.name() + " volume " + volume.number() + ": "
              + (old == null ? 0 : old) + " -> " + volume.outOfSyncKib() + " KiB");
        }
      }
    }
  }

  private void endTenure(SimulatedNode node) {
    if (tenure[node.id] != 0) {
      for (ReplicatedSectorModel model : models.values()) {
        model.tenureEnded(tenure[node.id]);
      }
      tenure[node.id] = 0;
    }
  }

  /**
   * At most one Primary at any instant; unless strict, only Primaries that have quorum both by
   * their own account and in truth (live connections, announced to both sides, to enough diskful
   * peers) count. A Primary cut off from the others keeps its role (DRBD keeps it Primary without
   * quorum) and may even believe it has quorum until it learns of the cut, while the others
   * promote one of them; neither is a fault, and neither can complete a write that counts.
   */
  private void checkSinglePrimary() {
    List<SimulatedNode> primaries = new ArrayList<>();
    for (SimulatedNode node : nodes) {
      if (node.up() && node.core().role() == Role.Primary && (options.strictSinglePrimary()
          || (node.core().quorum().hasQuorum() && hasQuorumInTruth(node)))) {
        primaries.add(node);
      }
    }
    if (primaries.size() > 1) {
      throw new AssertionError("two nodes are Primary" + (options.strictSinglePrimary() ? "" : " with quorum")
          + " at once: " + primaries);
    }
  }

  private boolean hasQuorumInTruth(SimulatedNode node) {
    int voters = 0;
    int visible = 0;
    Set<Integer> connected = network.connectedPeers(node.id);
    // a link counts when it is up and the node uses it (not one kept unused between two Primaries)
    Set<Integer> used = new java.util.HashSet<>();
    for (var peer : node.core().status().peers()) {
      if (peer.connection() == io.tandem.engine.core.ConnectionState.Connected) {
        used.add(peer.nodeId());
      }
    }
    for (SimulatedNode other : nodes) {
      if (!other.diskless()) {
        voters++;
        if (other == node || (connected.contains(other.id) && used.contains(other.id))) {
          visible++;
        }
      }
    }
    return quorum.evaluate(voters, visible).hasQuorum();
  }

  @Override
  public void completed(SimulatedNode node, Effect.RequestCompleted completed) {
    Pending request = pending.remove(completed.requestId());
    if (request == null || request.node() != node.id || request.incarnation() != node.incarnation()) {
      throw new AssertionError(node + " completed request " + completed.requestId()
          + ", which it was not given or completed before: " + completed);
    }
    if (request instanceof AttachRequest attach) {
      Client client = attach.client();
      if (completed.status() == IoStatus.OK) {
        client.state = ClientState.ATTACHED;
        client.refusedBy = null;
      } else if (completed.status() == IoStatus.REFUSED) {
        client.state = ClientState.DETACHED;
        client.refusedBy = client.node;
        client.node = null;
        client.nextAttemptAt = clock.now() + (1 + random.nextInt(200)) * MILLISECOND;
      } else {
        throw new AssertionError(node + " answered an attach with " + completed.status() + ": " + completed.message());
      }
    } else if (request instanceof PeerRequest command) {
      if (completed.status() != IoStatus.OK) {
        throw new AssertionError(node + " refused to " + (command.connect() ? "connect to" : "disconnect from") + " n"
            + command.peer() + ": " + completed.status() + " " + completed.message());
      }
    } else if (request instanceof RoleCommand command) {
      trace.record(clock.now(), "operator", "role", node + " " + command.role() + ": " + completed.status()
          + (completed.message() == null ? "" : " " + completed.message()));
      if (command.role() == Role.Primary && completed.status() == IoStatus.OK) {
        toDemote = node; // done: the peers resync from it as Secondary too (next step: not inside its event)
      }
    } else {
      completedIo(node, (IoRequest) request, completed);
    }
  }

  private void completedIo(SimulatedNode node, IoRequest request, Effect.RequestCompleted completed) {
    request.client().inFlight--;
    long now = ++stamp;
    ReplicatedSectorModel model = models.get(request.volume());
    boolean ok = completed.status() == IoStatus.OK;
    if (!ok && completed.status() != IoStatus.IO_ERROR && completed.status() != IoStatus.NOT_PERMITTED) {
      throw new AssertionError(request.kind() + " " + request.offset() + "+" + request.length() + " on volume "
          + request.volume() + " ended " + completed.status() + ": " + completed.message());
    }
    if (request.kind().modifies()) {
      if (ok) {
        model.completed(request.versions(), now, tenure[node.id], request.fua());
        completedWrites++;
      } else {
        model.failed(request.versions());
      }
    } else if (request.kind() == RequestKind.FLUSH) {
      if (ok && request.tenure() != 0 && request.tenure() == tenure[node.id]) {
        model.flushed(request.tenure(), request.issued(), now);
      }
    } else if (ok && options.replicationChecks()) {
      ByteBuffer data = completed.data().slice();
      if (data.remaining() != request.length()) {
        throw new AssertionError("a read of " + request.length() + " bytes returned " + data.remaining());
      }
      for (int at = 0; at < request.length(); at += SectorModel.SECTOR) {
        long sector = (request.offset() + at) / SectorModel.SECTOR;
        try {
          model.checkRead(sector, SectorModel.decode(data, at, sector), request.issued(), now, request.tenure());
        } catch (AssertionError e) {
          throw new AssertionError(node + ", volume " + request.volume() + ": " + e.getMessage(), e);
        }
      }
      checkedReads++;
    }
  }

  @Override
  public void send(SimulatedNode node, Effect.SendToPeer send) {
    network.send(node, send);
  }

  @Override
  public void hold(SimulatedNode node, Effect.HoldPeer hold) {
    network.hold(node, hold);
  }

  // ---------------------------------------------------------------- the heal phase

  private void heal() {
    healing = true;
    trace.record(clock.now(), "sim", "heal", "faults stop");
    partitionEpoch++;
    network.healAll();
    for (SimulatedNode node : nodes) {
      node.injectIoErrors(0);
      if (!node.up()) {
        node.start();
      } else if (node.diskFailed()) {
        stop(node, false);
        node.start();
      }
    }
    operatorHolds.forEach((node, peers) -> {
      for (int peer : peers) {
        peerCommand(nodes.get(node), peer, true);
      }
    });
    operatorHolds.clear();
    for (Client client : clients) {
      client.leaving = true;
    }
  }

  private void converge() {
    long deadline = clock.now() + HEAL_LIMIT;
    for (String problem = notConverged(); problem != null; problem = notConverged()) {
      if (clock.now() > deadline) {
        throw new AssertionError("the cluster did not converge within " + HEAL_LIMIT / 1_000_000
            + " s of virtual time after the heal (" + problem + "):" + describeState());
      }
      for (Client client : clients) {
        clientStep(client);
      }
      operatorStep();
      network.tick();
      clock.advanceTo(clock.now() + MILLISECOND);
    }
    trace.record(clock.now(), "sim", "heal", "converged");
  }

  /**
   * What an operator does when a healed cluster has a volume with no UpToDate copy anywhere — the
   * only one was on a disk that failed, or a resync from it was cut: after {@link #OPERATOR_PATIENCE}
   * of that with every node up and connected and no client, promote with force the node holding
   * the newest data (consistent before Inconsistent; then the one the others wait to resync from,
   * as the status shows; then the latest Primary, as the operator knows from the logs), then demote
   * it. The final checks then prove no durable write was lost.
   */
  private void operatorStep() {
    if (toDemote != null) {
      SimulatedNode node = toDemote;
      toDemote = null;
      if (node.up() && node.core().role() == Role.Primary) {
        roleCommand(node, Role.Secondary, false);
      }
      return;
    }
    if (!pending.isEmpty() || !network.fullyConnected() || clients.stream().anyMatch(c -> c.state != ClientState.DETACHED)
        || nodes.stream().anyMatch(node -> !node.up() || node.core().role() != Role.Secondary)
        || !withoutUpToDateCopy()) {
      noUpToDateSince = -1;
      return;
    }
    if (noUpToDateSince < 0) {
      noUpToDateSince = clock.now();
      return;
    }
    if (clock.now() - noUpToDateSince < OPERATOR_PATIENCE) {
      return;
    }
    noUpToDateSince = -1;
    SimulatedNode chosen = null;
    for (SimulatedNode node : nodes) {
      if (!node.diskless() && (chosen == null || newerData(node, chosen))) {
        chosen = node;
      }
    }
    forcedPromotions++;
    roleCommand(chosen, Role.Primary, true);
  }

  private boolean withoutUpToDateCopy() {
    for (SimulatedNode.Volume volume : volumes) {
      boolean upToDate = false;
      for (SimulatedNode node : nodes) {
        if (!node.diskless()) {
          ReplicaStatus.Volume status = node.core().status().volumes().get(volume.number());
          upToDate |= status.diskState() == DiskState.UpToDate;
        }
      }
      if (!upToDate) {
        return true;
      }
    }
    return false;
  }

  /** Whether an operator would take {@code node}'s data over {@code other}'s. */
  private boolean newerData(SimulatedNode node, SimulatedNode other) {
    int consistent = Integer.compare(consistentVolumes(node), consistentVolumes(other));
    if (consistent != 0) {
      return consistent > 0;
    }
    int behind = Integer.compare(volumesBehind(other), volumesBehind(node));
    if (behind != 0) {
      return behind > 0;
    }
    return lastTenure[node.id] > lastTenure[other.id];
  }

  /**
   * The volumes {@code node} waits to resync from a peer with consistent data (the generations say
   * that peer is newer; an Inconsistent one is only the source of a crash's marks).
   */
  private int volumesBehind(SimulatedNode node) {
    int count = 0;
    for (ReplicaStatus.PeerStatus peer : node.core().status().peers()) {
      List<ReplicaStatus.Volume> theirs = nodes.get(peer.nodeId()).core().status().volumes();
      for (ReplicaStatus.PeerVolume volume : peer.volumes()) {
        ReplicationState state = volume.replication();
        boolean waits = state == ReplicationState.PausedSyncT || state == ReplicationState.SyncTarget
            || state == ReplicationState.WFBitMapT;
        count += waits && consistent(theirs.get(volume.number()).diskState()) ? 1 : 0;
      }
    }
    return count;
  }

  private static boolean consistent(DiskState disk) {
    return disk == DiskState.UpToDate || disk == DiskState.Consistent || disk == DiskState.Outdated;
  }

  private int consistentVolumes(SimulatedNode node) {
    int count = 0;
    for (ReplicaStatus.Volume volume : node.core().status().volumes()) {
      count += consistent(volume.diskState()) ? 1 : 0;
    }
    return count;
  }

  private void roleCommand(SimulatedNode node, Role role, boolean force) {
    long requestId = nextRequestId++;
    pending.put(requestId, new RoleCommand(node.id, node.incarnation(), role));
    trace.record(clock.now(), "operator", "act", (force ? "promotes with force " : "demotes ") + node);
    node.handle(new Event.RoleRequest(requestId, role, force));
  }

  /** Why the cluster has not converged yet, or null if it has. */
  private String notConverged() {
    if (!pending.isEmpty()) {
      return pending.size() + " requests are not completed";
    }
    for (Client client : clients) {
      if (client.state != ClientState.DETACHED) {
        return client + " has not detached";
      }
    }
    if (!network.fullyConnected()) {
      return "not every pair of nodes is connected";
    }
    for (SimulatedNode node : nodes) {
      if (!node.up()) {
        return node + " is down";
      }
      if (node.core().ioInFlight() > 0) {
        return node + " has I/O in flight";
      }
      if (node.core().role() != Role.Secondary) {
        return node + " is still " + node.core().role();
      }
      ReplicaStatus status = node.core().status();
      for (ReplicaStatus.PeerStatus peer : status.peers()) {
        if (peer.connection() != ConnectionState.Connected) {
          return node + " sees " + peer.name() + " " + peer.connection();
        }
        for (ReplicaStatus.PeerVolume volume : peer.volumes()) {
          if (options.replicationChecks() && volume.replication() != ReplicationState.Established) {
            return node + " has volume " + volume.number() + " " + volume.replication() + " towards " + peer.name();
          }
        }
      }
      for (ReplicaStatus.Volume volume : status.volumes()) {
        if (options.replicationChecks() && !node.diskless() && volume.diskState() != DiskState.UpToDate) {
          return node + " has volume " + volume.number() + " " + volume.diskState();
        }
      }
    }
    return null;
  }

  private String describeState() {
    StringBuilder text = new StringBuilder();
    for (SimulatedNode node : nodes) {
      text.append("\n    ").append(node);
      if (!node.up()) {
        text.append(" down");
        continue;
      }
      ReplicaStatus status = node.core().status();
      text.append(' ').append(status.role()).append(", ").append(node.core().ioInFlight()).append(" I/O in flight");
      for (ReplicaStatus.Volume volume : status.volumes()) {
        text.append(", volume ").append(volume.number()).append(' ').append(volume.diskState()).append(" uuid ")
            .append(Long.toHexString(volume.currentUuid()));
      }
      for (ReplicaStatus.PeerStatus peer : status.peers()) {
        text.append("; ").append(peer.name()).append(' ').append(peer.connection());
        for (ReplicaStatus.PeerVolume volume : peer.volumes()) {
          text.append(" [volume ").append(volume.number()).append(' ').append(volume.replication()).append(", ")
              .append(volume.outOfSyncKib()).append(" KiB out of sync]");
        }
      }
    }
    List<String> unconnected = network.describeUnconnected();
    if (!unconnected.isEmpty()) {
      text.append("\n    links: ").append(String.join(", ", unconnected));
    }
    List<String> holds = network.describeHolds();
    if (!holds.isEmpty()) {
      text.append("\n    holds: ").append(String.join(", ", holds));
    }
    if (!pending.isEmpty()) {
      text.append("\n    ").append(pending.size()).append(" requests not completed: ")
          .append(pending.values().stream().limit(5).toList());
    }
    for (Client client : clients) {
      if (client.state != ClientState.DETACHED) {
        text.append("\n    ").append(client);
      }
    }
    return text.toString();
  }

  // ---------------------------------------------------------------- the final checks

  private void checkReplicas() {
    for (SimulatedNode.Volume volume : volumes) {
      byte[] reference = null;
      SimulatedNode referenceNode = null;
      for (SimulatedNode node : nodes) {
        if (node.diskless()) {
          continue;
        }
        byte[] bytes = node.readVolume(volume.number());
        if (reference == null) {
          reference = bytes;
          referenceNode = node;
        } else {
          compare(volume.number(), referenceNode, reference, node, bytes);
        }
        long uuid = currentUuid(node, volume.number());
        long referenceUuid = currentUuid(referenceNode, volume.number());
        if (uuid != referenceUuid) {
          throw new AssertionError("volume " + volume.number() + " is in sync everywhere, but " + node
              + " has generation " + Long.toHexString(uuid) + " and " + referenceNode + " "
              + Long.toHexString(referenceUuid));
        }
        checkBitmaps(node, volume.number());
      }
      if (reference != null) {
        checkContent(volume, referenceNode, reference);
      }
    }
  }

  private static long currentUuid(SimulatedNode node, int volume) {
    for (ReplicaStatus.Volume state : node.core().status().volumes()) {
      if (state.number() == volume) {
        return state.currentUuid();
      }
    }
    throw new AssertionError(node + " has no volume " + volume);
  }

  private static void compare(int volume, SimulatedNode first, byte[] firstBytes, SimulatedNode second,
      byte[] secondBytes) {
    int at = Arrays.mismatch(firstBytes, secondBytes);
    if (at < 0) {
      return;
    }
    long sector = at / SectorModel.SECTOR;
    int start = (int) (sector * SectorModel.SECTOR);
    throw new AssertionError("the replicas of volume " + volume + " differ from sector " + sector + " on: " + first
        + " holds " + sectorName(firstBytes, start, sector) + ", " + second + " holds "
        + sectorName(secondBytes, start, sector));
  }

  private static String sectorName(byte[] bytes, int at, long sector) {
    if (at + SectorModel.SECTOR > bytes.length) {
      return "nothing (the file is shorter)";
    }
    try {
      return "write " + SectorModel.decode(ByteBuffer.wrap(bytes), at, sector);
    } catch (AssertionError e) {
      return "bytes no write put there";
    }
  }

  private void checkContent(SimulatedNode.Volume volume, SimulatedNode node, byte[] bytes) {
    ReplicatedSectorModel model = models.get(volume.number());
    ByteBuffer all = ByteBuffer.wrap(bytes);
    for (long sector = 0; sector < volume.sizeBytes() / SectorModel.SECTOR; sector++) {
      int at = (int) (sector * SectorModel.SECTOR);
      try {
        if (!model.touched(sector)) {
          if (!SectorModel.isZero(bytes, at)) {
            throw new AssertionError("sector " + sector + " was never written but is not zero");
          }
          continue;
        }
        model.checkFinal(sector, SectorModel.decode(all, at, sector));
      } catch (AssertionError e) {
        throw new AssertionError("volume " + volume.number() + " (as " + node + " and every replica hold it): "
            + e.getMessage(), e);
      }
    }
  }

  private static void checkBitmaps(SimulatedNode node, int volume) {
    Bitmap bitmap = node.core().bitmapForChecks(volume);
    for (Peer peer : node.peers()) {
      if (peer.disk() != Peer.Disk.DISKFUL) {
        continue;
      }
      int slot = node.slotOf(volume, peer.nodeId());
      if (slot < 0) {
        throw new AssertionError(node + " has no bitmap slot for " + peer.name() + " in volume " + volume);
      }
      if (bitmap.count(slot) != 0) {
        throw new AssertionError(node + " is in sync with " + peer.name() + ", yet " + bitmap.count(slot)
            + " blocks of volume " + volume + " are out of sync in its slot " + slot + " (the first is block "
            + bitmap.nextSetBit(slot, 0) + ")");
      }
    }
    for (ReplicaStatus.PeerStatus peer : node.core().status().peers()) {
      for (ReplicaStatus.PeerVolume state : peer.volumes()) {
        if (state.number() == volume && state.outOfSyncKib() != 0) {
          throw new AssertionError(node + " reports " + state.outOfSyncKib() + " KiB of volume " + volume
              + " out of sync with " + peer.name());
        }
      }
    }
  }

  /** For the failure message. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("seed " + seed + ": " + nodes.size() + " nodes");
    long diskless = nodes.stream().filter(SimulatedNode::diskless).count();
    if (diskless > 0) {
      text.append(" (").append(diskless).append(" diskless)");
    }
    text.append(", protocol ").append(protocol).append(", activity log ").append(capacity).append(" extents, volumes");
    for (SimulatedNode.Volume volume : volumes) {
      text.append(' ').append(volume.number()).append(':').append(volume.sizeBytes()).append(" bytes");
    }
    text.append(", ").append(clients.size()).append(" clients, ").append(steps).append(" steps, I/O errors ")
        .append(ioErrorPerMille).append("‰, ").append(healing ? "in the heal phase" : "before the heal")
        .append(" at ").append(clock.now()).append(" µs");
    return text.toString();
  }
}
