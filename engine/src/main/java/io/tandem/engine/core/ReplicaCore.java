package io.tandem.engine.core;

import io.tandem.engine.activitylog.ActivityLog;
import io.tandem.engine.activitylog.ActivityLogPlan;
import io.tandem.engine.bitmap.Bitmap;
import io.tandem.engine.generation.ConnectingSide;
import io.tandem.engine.generation.Generations;
import io.tandem.engine.generation.ResyncDecider;
import io.tandem.engine.generation.ResyncDecision;
import io.tandem.engine.metadata.ActivityLogTransaction;
import io.tandem.engine.metadata.MetadataLayout;
import io.tandem.engine.metadata.PeerSlot;
import io.tandem.engine.metadata.Superblock;
import io.tandem.engine.metadata.SuperblockFlag;
import io.tandem.engine.wire.Barrier;
import io.tandem.engine.wire.BarrierAck;
import io.tandem.engine.wire.BitmapRuns;
import io.tandem.engine.wire.BlockDigests;
import io.tandem.engine.wire.ChecksumReply;
import io.tandem.engine.wire.ChecksumRequest;
import io.tandem.engine.wire.DataWrite;
import io.tandem.engine.wire.InSync;
import io.tandem.engine.wire.NewCurrentUuid;
import io.tandem.engine.wire.PeerAck;
import io.tandem.engine.wire.ReplicaState;
import io.tandem.engine.wire.ResyncFinished;
import io.tandem.engine.wire.ResyncReply;
import io.tandem.engine.wire.ResyncRequest;
import io.tandem.engine.wire.TwoPhase;
import io.tandem.engine.wire.WireMessage;
import io.tandem.engine.wire.WriteAck;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The deterministic core of one node's side of a resource: events in, effects out (STYLE.md
 * "Engine"; after etcd's raft {@code RawNode}). It owns roles, disk states, bitmaps, activity logs
 * and the replication towards every peer, orders writes, and decides every I/O and every message;
 * the edge performs them and reports back. No threads, files, sockets, clock or randomness here
 * ({@code ArchitectureTest}).
 *
 * <p>Guarantees kept by construction and checked by {@link #checkInvariants()}:
 * <ul>
 *   <li>a write reaches the data file only inside extents a durable activity-log transaction
 *       names, after every overlapping earlier write completed, and with its blocks marked out of
 *       sync for every peer that will miss it;</li>
 *   <li>a request completes only after what it needs is done: a FLUSH after the data file was
 *       synced here and on every replicating peer, a write after the local write and the peers'
 *       acknowledgements its protocol asks for, a promotion after the peers agreed and the
 *       superblock that says so is durable;</li>
 *   <li>bitmap pages of an extent, and the data it covers, are durable before the extent leaves
 *       the activity log; a write leaves the log only when every peer it went to wrote it or is
 *       marked as having missed it.</li>
 * </ul>
 *
 * <p>Replication (REPLICATION.md; DRBD-REFERENCE.md §3–§5): on connect both sides send a
 * {@link ReplicaState}; each decides with {@link ResyncDecider} (the function is symmetric, so
 * both reach mirrored outcomes), then both send the bitmap they keep for the other
 * ({@link BitmapRuns}) and union what they receive. The SyncTarget then asks for the marked blocks
 * in order ({@link ResyncRequest}), writes the replies, syncs, clears its bits and tells the source
 * ({@link InSync}); at the end it adopts the source's generation ({@link ResyncFinished}). The
 * SyncSource is the Primary whenever one is connected, so resync data and the Primary's writes
 * reach the target over one ordered connection.
 *
 * <p>Not thread-safe: the edge hands it one event at a time.
 */
public final class ReplicaCore {

  /** Bytes of client writes in flight to one peer before further writes wait (backpressure). */
  static final long MAX_IN_FLIGHT_BYTES_PER_PEER = 32L << 20;
  /** Resync requests a SyncTarget keeps in flight. */
  static final int RESYNC_WINDOW = 8;
  /** The largest resync request. */
  static final int RESYNC_REQUEST_BYTES = 1 << 20;
  /** Resync writes written before the SyncTarget syncs and reports them in sync. */
  static final int RESYNC_SYNC_BATCH = 16;

  private static final long BLOCK_BYTES = MetadataLayout.BITMAP_BYTES_PER_BIT;
  /** The lowest wire type code of the replication messages (ReplicaState). */
  private static final int FIRST_REPLICATION_TYPE = 32;

  private final ReplicaSettings settings;
  private final UuidSource uuids;
  private final Map<Integer, VolumeCore> volumes = new TreeMap<>();
  private final Map<Integer, VolumeImage> images = new HashMap<>();
  private final Map<Long, PendingIo> pendingIo = new HashMap<>();
  private final Map<Integer, Connection> connections = new TreeMap<>();
  private List<Effect> outbox = new ArrayList<>();
  private long nextIoId = 1;
  private long nextTransaction = 1;
  /** The sequence of the last write this node sent to peers; one counter for all of them. */
  private long lastWriteSequence;
  private boolean started;
  private Role role = Role.Secondary;
  private RoleChange roleChange;
  private int writers;
  /** Why this node was made Secondary under its attached writers (forceSecondary); null otherwise. */
  private String forcedSecondary;
  private int readers;
  private boolean autoPromoted;
  /** The last tick's time, or -1 before the first; application bytes written since. */
  private long lastTickNanos = -1;
  /**
   * When this node lost its connection to a peer that was Primary (or whose promotion it had agreed
   * to), by the edge's clock ({@link #LOST_BEFORE_ANY_TICK} until the first tick): for
   * {@link ReplicaSettings#primaryLeaseNanos} it neither promotes nor agrees to a promotion.
   */
  private final Map<Integer, Long> primaryLostAtNanos = new HashMap<>();
  private static final long LOST_BEFORE_ANY_TICK = Long.MIN_VALUE;
  /** How long a connection stays held for a split brain before both sides compare again. */
  static final long SPLIT_BRAIN_RECHECK_NANOS = 30_000_000_000L;
  /** How often a resyncing volume writes its changed bitmap pages. */
  private static final long LAZY_BITMAP_WRITE_NANOS = 1_000_000_000L;
  private long applicationBytesSinceTick;
  /** A demotion waiting for client writes to finish. */
  private RoleChange demotionWaiting;
  /** An operator asked this node to lose a split brain (discard-my-data); cleared once it synced. */
  private boolean discardMyData;
  private final List<Long> writersAfterRoleChange = new ArrayList<>();

  /** Why an I/O effect was issued, so its completion goes to the right place. */
  private sealed interface PendingIo permits WriteIo, ReadIo, FlushIo, MetadataStep, BarrierSync, ResyncSync {}

  /** Any operation of the write pipeline: a client write, a peer's write, resync data or a resync read. */
  private record WriteIo(VolumeCore volume, VolumeCore.PendingWrite write) implements PendingIo {}

  private record ReadIo(VolumeCore volume, Event.ClientRequest request) implements PendingIo {}

  private record FlushIo(VolumeCore volume, Connection.FlushWaiter waiter) implements PendingIo {}

  /** Metadata I/O; {@code plan} is set when it carries an activity-log transaction of the writer policy. */
  private record MetadataStep(VolumeCore volume, ActivityLogPlan plan, Superblock superblock, Runnable onDurable)
      implements PendingIo {}

  /** A sync made for a barrier a peer sent. */
  private record BarrierSync(Connection connection, long connectionId, Connection.IncomingBarrier barrier,
      VolumeCore volume) implements PendingIo {}

  /** A SyncTarget's sync of resync writes, after which their bits are cleared and reported. */
  private record ResyncSync(VolumeCore volume, Connection connection, long connectionId,
      List<PeerVolume.Outstanding> ranges) implements PendingIo {}

  /** A promotion or demotion in progress. */
  private static final class RoleChange {
    final Role target;
    final boolean automatic;
    /** A forced promotion: volumes without an UpToDate copy anywhere become UpToDate here. */
    final boolean force;
    final List<Long> requests = new ArrayList<>();
    int volumesLeft;
    /** Two-phase commit of a promotion: the transaction and the peers whose vote is awaited. */
    long transaction;
    final Set<Integer> participants = new LinkedHashSet<>();
    final Set<Integer> awaitingVotes = new LinkedHashSet<>();

    RoleChange(Role target, boolean automatic, boolean force) {
      this.target = target;
      this.automatic = automatic;
      this.force = force;
    }
  }

  /** @param uuids where new generation UUIDs come from (the core takes no randomness of its own) */
  public ReplicaCore(ReplicaSettings settings, List<VolumeSetup> setups, UuidSource uuids) {
    this.settings = settings;
    this.uuids = uuids;
    for (VolumeSetup setup : setups) {
      if (volumes.put(setup.number(), new VolumeCore(setup)) != null) {
        throw new IllegalArgumentException("volume " + setup.number() + " is given twice");
      }
      if (!setup.diskless()) {
        images.put(setup.number(), setup.image());
      }
    }
    for (Peer peer : settings.peers()) {
      if (peer.nodeId() == settings.nodeId()) {
        throw new IllegalArgumentException("peer " + peer.name() + " has this node's id " + peer.nodeId());
      }
      if (connections.put(peer.nodeId(), new Connection(peer)) != null) {
        throw new IllegalArgumentException("node id " + peer.nodeId() + " is given to two peers");
      }
    }
  }

  /**
   * Attaches every diskful volume: applies its replayed activity log to the bitmap, writes the
   * touched bitmap pages, an empty SNAPSHOT transaction and the superblock. The volume's disk
   * becomes usable when that is durable.
   */
  public List<Effect> start() {
    if (started) {
      throw new IllegalStateException("the core was started already");
    }
    started = true;
    for (VolumeCore volume : volumes.values()) {
      if (!volume.diskful()) {
        continue;
      }
      VolumeImage image = images.remove(volume.number);
      Superblock attached;
      try {
        attached = volume.replayAndAssignSlots(image, settings.peers());
      } catch (IllegalStateException e) {
        volume.diskState = DiskState.Failed;
        volume.failure = e.getMessage();
        continue;
      }
      DiskState target = VolumeCore.diskStateFromFlags(attached.flags());
      long resetSequence = image.lastTransactionSequence() + 1;
      issueMetadata(volume, Effect.DataSync.NONE, volume.takeDirtyPages(),
          volume.resetTransaction(image.lastTransactionSequence()), null, attached, () -> {
            if (volume.diskState == DiskState.Failed) {
              return;
            }
            volume.activityLog = new ActivityLog(settings.activityLogCapacity(), attached.activityLogBlocks(),
                resetSequence);
            volume.diskState = target;
            if (!stateUnsettled()) {
              attached();
            }
            broadcastState();
          });
    }
    return takeEffects();
  }

  public List<Effect> handle(Event event) {
    if (!started) {
      throw new IllegalStateException("start() first");
    }
    if (event instanceof Event.ClientRequest request) {
      onClientRequest(request);
    } else if (event instanceof Event.IoCompleted completed) {
      onIoCompleted(completed);
    } else if (event instanceof Event.RoleRequest request) {
      onRoleRequest(request.requestId(), request.role(), false, request.force());
    } else if (event instanceof Event.ClientAttach attach) {
      onClientAttach(attach);
    } else if (event instanceof Event.ClientDetach detach) {
      onClientDetach(detach);
    } else if (event instanceof Event.PeerConnected connected) {
      onPeerConnected(connected);
    } else if (event instanceof Event.PeerDisconnected disconnected) {
      onPeerDisconnected(disconnected);
    } else if (event instanceof Event.PeerReceived received) {
      onPeerReceived(received);
    } else if (event instanceof Event.PeerCommand command) {
      onPeerCommand(command);
    } else if (event instanceof Event.DiscardMyData discard) {
      onDiscardMyData(discard);
    } else if (event instanceof Event.Tick tick) {
      onTick(tick);
    } else if (event instanceof Event.Verify verify) {
      onVerify(verify);
    } else {
      throw new IllegalArgumentException("unknown event " + event);
    }
    return takeEffects();
  }

  private List<Effect> takeEffects() {
    List<Effect> effects = outbox;
    outbox = new ArrayList<>();
    return effects;
  }

  // ---------------------------------------------------------------- client I/O

  private void onClientRequest(Event.ClientRequest request) {
    if (forcedSecondary != null && role != Role.Primary) {
      // the clients attached when this node was made Secondary would see data that changed under them
      complete(request.requestId(), IoStatus.IO_ERROR, forcedSecondary + "; detach and attach again");
      return;
    }
    VolumeCore volume = volumes.get(request.volume());
    if (volume == null) {
      complete(request.requestId(), IoStatus.INVALID, "no volume " + request.volume());
      return;
    }
    if (request.kind() != RequestKind.FLUSH) {
      String problem = rangeProblem(volume, request.offset(), request.length());
      if (problem != null) {
        complete(request.requestId(), IoStatus.INVALID, problem);
        return;
      }
    }
    if (request.kind() == RequestKind.READ) {
      read(volume, request);
    } else if (request.kind() == RequestKind.FLUSH) {
      flush(volume, request);
    } else {
      write(volume, request);
    }
  }

  private static String rangeProblem(VolumeCore volume, long offset, long length) {
    if (offset < 0 || length <= 0 || offset > volume.sizeBytes - length) {
      return "range " + offset + "+" + length + " is outside volume " + volume.number + " of " + volume.sizeBytes
          + " bytes";
    }
    return null;
  }

  /** Reads are local when the local copy is UpToDate, else served by an UpToDate peer. */
  /**
   * on-no-quorum io-error: a Primary cut off from the majority takes no writes the others could
   * never see, and serves no reads or flushes either (the majority may have promoted another node
   * and written since). The rest of engine III — suspend-io, tiebreakers, last man standing —
   * comes later. Returns whether the request was refused.
   */
  private boolean refusedWithoutQuorum(Event.ClientRequest request, String what) {
    if (role != Role.Primary) {
      return false;
    }
    QuorumVerdict quorum = quorum();
    if (quorum.hasQuorum()) {
      return false;
    }
    complete(request.requestId(), IoStatus.IO_ERROR, "resource " + settings.resource() + " on "
        + settings.nodeName() + " has no quorum (" + quorum.reason() + "); the " + what + " is refused");
    return true;
  }

  private void read(VolumeCore volume, Event.ClientRequest request) {
    if (refusedWithoutQuorum(request, "read")) {
      return;
    }
    if (!volume.servesLocally() || volume.diskState != DiskState.UpToDate) {
      if (readFromPeer(volume, request, null)) {
        return;
      }
      if (!volume.servesLocally() || !volume.readable()) {
        complete(request.requestId(), IoStatus.IO_ERROR, noDataReason(volume) + "; no UpToDate peer is connected");
        return;
      }
    }
    long ioId = issue(new ReadIo(volume, request));
    outbox.add(new Effect.DataIo(ioId, volume.number, DataOperation.READ, request.offset(), request.length(),
        null, Durability.CACHED));
  }

  /**
   * A FLUSH syncs the local data file and, on a Primary, sends a barrier to every replicating
   * peer; it completes when all of them are done (a peer that disconnects no longer counts).
   */
  private void flush(VolumeCore volume, Event.ClientRequest request) {
    if (refusedWithoutQuorum(request, "flush")) {
      return;
    }
    Connection.FlushWaiter waiter = new Connection.FlushWaiter(request.requestId());
    if (!volume.servesLocally()) {
      if (role == Role.Primary && sendBarriers(volume, waiter) > 0) {
        waiter.localDone = true;
        finishFlush(waiter);
        return;
      }
      complete(request.requestId(), IoStatus.IO_ERROR, noDataReason(volume) + "; no peer with data is connected");
      return;
    }
    if (role == Role.Primary) {
      sendBarriers(volume, waiter);
    }
    long ioId = issue(new FlushIo(volume, waiter));
    outbox.add(new Effect.DataIo(ioId, volume.number, DataOperation.SYNC, 0, 0, null, Durability.FORCED));
  }

  private int sendBarriers(VolumeCore volume, Connection.FlushWaiter waiter) {
    int sent = 0;
    for (Connection connection : connections.values()) {
      if (replicatesTo(connection, volume)) {
        long sequence = connection.nextSequence++;
        connection.barriers.put(sequence, waiter);
        waiter.awaiting.add(connection.peer.nodeId());
        send(connection, new Barrier(sequence));
        sent++;
      }
    }
    return sent;
  }

  /** Sends a read to an UpToDate peer (not {@code except}); false when none is connected. */
  private boolean readFromPeer(VolumeCore volume, Event.ClientRequest request, Connection except) {
    for (Connection connection : connections.values()) {
      PeerVolume peerVolume = connection.volumes.get(volume.number);
      if (connection != except && connection.ready() && connection.peer.disk() == Peer.Disk.DISKFUL
          && peerVolume != null && peerVolume.peerDisk == DiskState.UpToDate && holdsCurrentData(volume, connection)) {
        long id = peerVolume.nextRequestId++;
        peerVolume.remoteReads.put(id, request);
        send(connection, new ResyncRequest(id, volume.number, request.offset(), request.length()));
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the peer holds this node's data, for a node whose disk failed: the peer is in this
   * node's generation or moved on from it (writes through the peers since). One UpToDate in an
   * older or another generation would return data older than what this node acknowledged. A node
   * without a disk, or resyncing, reads from any UpToDate peer.
   */
  private boolean holdsCurrentData(VolumeCore volume, Connection connection) {
    if (volume.superblock == null || volume.diskState != DiskState.Failed) {
      return true;
    }
    long mine = volume.superblock.currentUuid();
    if (sameUuid(connection.volume(volume.number).peerCurrentUuid, mine)) {
      return true;
    }
    if (connection.peerState == null) {
      return false;
    }
    for (ReplicaState.VolumeState theirs : connection.peerState.volumes()) {
      if (theirs.number() == volume.number) {
        return theirs.history().stream().anyMatch(uuid -> uuid != 0 && sameUuid(uuid, mine));
      }
    }
    return false;
  }

  private void onRemoteReadReply(VolumeCore volume, Connection connection, Event.ClientRequest request,
      ResyncReply reply) {
    if (reply.kind() == ResyncReply.FAILED || reply.offset() != request.offset()
        || reply.length() != request.length()) {
      if (!readFromPeer(volume, request, connection)) {
        complete(request.requestId(), IoStatus.IO_ERROR, "read of volume " + volume.number + " failed on "
            + connection.peer.name() + " and no other UpToDate peer is connected");
      }
      return;
    }
    ByteBuffer data = reply.kind() == ResyncReply.DATA ? reply.payload() : ByteBuffer.allocate(request.length());
    outbox.add(new Effect.RequestCompleted(request.requestId(), IoStatus.OK, null, data));
  }

  private void finishFlush(Connection.FlushWaiter waiter) {
    if (waiter.localDone && waiter.awaiting.isEmpty()) {
      if (waiter.failure == null) {
        complete(waiter.requestId, IoStatus.OK, null);
      } else {
        complete(waiter.requestId, IoStatus.IO_ERROR, waiter.failure);
      }
    }
  }

  private void write(VolumeCore volume, Event.ClientRequest request) {
    if (role != Role.Primary) {
      complete(request.requestId(), IoStatus.NOT_PERMITTED, "resource " + settings.resource() + " is Secondary on "
          + settings.nodeName() + "; only the Primary writes");
      return;
    }
    if (refusedWithoutQuorum(request, "write")) {
      return;
    }
    if (!volume.diskful() || volume.diskState == DiskState.Failed) {
      writeThroughPeers(volume, request);
      return;
    }
    if (!volume.servesLocally() || !volume.readable()) {
      complete(request.requestId(), IoStatus.IO_ERROR, noDataReason(volume));
      return;
    }
    VolumeCore.PendingWrite write = new VolumeCore.PendingWrite(request, dataOperation(volume, request));
    if (write.extents.count() > volume.activityLog.capacity()) {
      complete(request.requestId(), IoStatus.INVALID, "a request of " + request.length() + " bytes spans "
          + write.extents.count() + " extents, more than the activity log's " + volume.activityLog.capacity());
      return;
    }
    applicationBytesSinceTick += request.length();
    volume.pending.add(write);
    advance(volume);
  }

  /**
   * A Primary without a usable disk (diskless, or detached after an I/O error) writes to its peers
   * only; the write fails when no peer wrote it. The first such write starts a new generation on
   * the peers, whose slots for this node then track what it misses.
   */
  private void writeThroughPeers(VolumeCore volume, Event.ClientRequest request) {
    List<Connection> targets = new ArrayList<>();
    int replicatedTo = 0;
    for (Connection connection : connections.values()) {
      if (replicatesTo(connection, volume)) {
        targets.add(connection);
        replicatedTo |= 1 << connection.peer.nodeId();
      }
    }
    boolean upToDateTarget = false;
    for (Connection connection : targets) {
      upToDateTarget |= connection.volume(volume.number).peerDisk == DiskState.UpToDate;
    }
    if (!upToDateTarget) {
      // a write that only reaches copies being resynced would live nowhere authoritative
      complete(request.requestId(), IoStatus.IO_ERROR, noDataReason(volume) + "; no UpToDate peer is connected");
      return;
    }
    if (volume.newGenerationOnFirstWrite || !volume.diskful()) {
      if (volume.newGenerationOnFirstWrite) {
        long uuid = freshUuid(volume.superblock == null ? 0 : volume.superblock.currentUuid());
        int weak = volume.diskful() ? 1 << settings.nodeId() : 0;
        for (Connection connection : connections.values()) {
          if (!targets.contains(connection)) {
            weak |= 1 << connection.peer.nodeId();
          }
        }
        for (Connection connection : targets) {
          send(connection, new NewCurrentUuid(volume.number, uuid, weak));
        }
      }
      volume.newGenerationOnFirstWrite = false;
    }
    VolumeCore.PendingWrite write = new VolumeCore.PendingWrite(request, dataOperation(volume, request));
    write.throughPeers = true;
    write.localDone = true;
    write.localStatus = IoStatus.OK;
    applicationBytesSinceTick += request.length();
    volume.active.add(write);
    sendWrite(volume, write, targets, replicatedTo);
  }

  private String noDataReason(VolumeCore volume) {
    if (volume.failure != null) {
      return "volume " + volume.number + " is " + volume.diskState + ": " + volume.failure;
    }
    return "volume " + volume.number + " has no usable data here (disk " + volume.diskState + ")";
  }

  private void advanceAll() {
    for (VolumeCore volume : volumes.values()) {
      advance(volume);
    }
  }

  /** Issues every pending operation that may go now, and the next activity-log transaction if one is needed. */
  private void advance(VolumeCore volume) {
    if (volume.activityLog == null || volume.diskState == DiskState.Failed) {
      return;
    }
    if (role == Role.Primary && volume.newGenerationOnFirstWrite && hasClientWrite(volume.pending)) {
      startNewGeneration(volume, false);
    }
    if (volume.generationChangeInFlight) {
      pumpMetadata(volume);
      return;
    }
    for (VolumeCore.PendingWrite write : volume.issuable(peersHaveRoom(), write -> awaitsResync(volume, write))) {
      issueWrite(volume, write);
    }
    pumpMetadata(volume);
  }

  /**
   * Whether resync data this node asked for overlaps the write and has not arrived yet. Data asked
   * of the write's own sender needs no wait: the sender orders its read and its write, and both
   * travel on one connection.
   */
  private boolean awaitsResync(VolumeCore volume, VolumeCore.PendingWrite write) {
    for (Connection connection : connections.values()) {
      PeerVolume peerVolume = connection.volumes.get(volume.number);
      if (peerVolume == null || peerVolume.outstanding.isEmpty()
          || (write.origin == VolumeCore.Origin.PEER && write.peerNodeId == connection.peer.nodeId())) {
        continue;
      }
      for (PeerVolume.Outstanding request : peerVolume.outstanding.values()) {
        if (!request.checksum() && request.offset() < write.end() && write.start() < request.offset() + request.length()) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasClientWrite(List<VolumeCore.PendingWrite> writes) {
    for (VolumeCore.PendingWrite write : writes) {
      if (write.origin == VolumeCore.Origin.CLIENT) {
        return true;
      }
    }
    return false;
  }

  private boolean peersHaveRoom() {
    for (Connection connection : connections.values()) {
      if (connection.inFlightBytes >= MAX_IN_FLIGHT_BYTES_PER_PEER) {
        return false;
      }
    }
    return true;
  }

  private void issueWrite(VolumeCore volume, VolumeCore.PendingWrite write) {
    if (write.origin == VolumeCore.Origin.CLIENT && role != Role.Primary) {
      // made Secondary while it waited (forceSecondary): neither written nor sent, it fails
      write.localDone = true;
      write.localStatus = IoStatus.IO_ERROR;
      write.localMessage = write.replaced != null ? write.replaced : "resource " + settings.resource() + " on "
          + settings.nodeName() + " is no longer Primary";
      finishClientWrite(volume, write);
      return;
    }
    if (write.origin == VolumeCore.Origin.CLIENT) {
      replicate(volume, write);
    } else if (write.origin == VolumeCore.Origin.PEER) {
      // a node the Primary did not send this write to misses it (the Primary itself when it has no disk)
      for (Map.Entry<Integer, Integer> slot : volume.slotOfPeer.entrySet()) {
        int nodeId = slot.getKey();
        if ((write.replicatedTo & (1 << nodeId)) == 0) {
          volume.markOutOfSync(write, slot.getValue(), peerVolumeOf(nodeId, volume));
          tellOutOfSync(volume, connections.get(nodeId), write);
        }
      }
    }
    long ioId = issue(new WriteIo(volume, write));
    outbox.add(new Effect.DataIo(ioId, volume.number, write.operation, write.offset, write.length,
        write.payload == null ? null : write.payload.duplicate(), write.durability));
  }

  /** Sends a client write to every peer that replicates; marks it out of sync for every other diskful peer. */
  private void replicate(VolumeCore volume, VolumeCore.PendingWrite write) {
    List<Connection> targets = new ArrayList<>();
    int replicatedTo = 1 << settings.nodeId();
    for (Map.Entry<Integer, Integer> slot : volume.slotOfPeer.entrySet()) {
      Connection connection = connections.get(slot.getKey());
      if (replicatesTo(connection, volume)) {
        targets.add(connection);
        replicatedTo |= 1 << slot.getKey();
      } else {
        volume.markOutOfSync(write, slot.getValue(), peerVolumeOf(slot.getKey(), volume));
        recordOwnMissedWrite(volume, write, slot.getKey());
      }
    }
    sendWrite(volume, write, targets, replicatedTo);
  }

  private void sendWrite(VolumeCore volume, VolumeCore.PendingWrite write, List<Connection> targets,
      int replicatedTo) {
    int operation = write.operation == DataOperation.WRITE ? DataWrite.OP_WRITE
        : write.operation == DataOperation.PUNCH_HOLE ? DataWrite.OP_PUNCH_HOLE : DataWrite.OP_WRITE_ZEROS;
    int flags = write.durability == Durability.FORCED ? DataWrite.FLAG_FUA : 0;
    if (settings.protocol() == ReplicationProtocol.B) {
      flags |= DataWrite.FLAG_WANT_RECEIVED_ACK;
    }
    long sequence = ++lastWriteSequence;
    volume.generationWrites = sequence;
    if (!targets.isEmpty()) {
      write.replicationSequence = sequence;
      write.generation = volume.superblock == null ? 0 : volume.superblock.currentUuid();
      volume.replicatedSinceStart = true;
    }
    for (Connection connection : targets) {
      int nodeId = connection.peer.nodeId();
      if (connection.volume(volume.number).peerDisk == DiskState.UpToDate) {
        write.upToDateTargets.add(nodeId);
      }
      connection.unacked.put(sequence, write);
      connection.inFlightBytes += write.length;
      write.awaitingWritten.add(nodeId);
      if (settings.protocol() == ReplicationProtocol.B) {
        write.awaitingReceived.add(nodeId);
      }
      send(connection, new DataWrite(sequence, volume.number, operation, flags, write.offset, write.length,
          replicatedTo, write.payload == null ? null : write.payload.duplicate()));
    }
  }

  /** Whether a Primary's writes to {@code volume} go to this peer: connected, decided, and the peer has a disk. */
  private boolean replicatesTo(Connection connection, VolumeCore volume) {
    if (connection == null || !connection.ready() || connection.peer.disk() != Peer.Disk.DISKFUL) {
      return false;
    }
    PeerVolume peerVolume = connection.volumes.get(volume.number);
    return peerVolume != null && peerVolume.replicates() && holdsData(peerVolume.peerDisk);
  }

  private static boolean holdsData(DiskState disk) {
    return disk == DiskState.UpToDate || disk == DiskState.Consistent || disk == DiskState.Outdated
        || disk == DiskState.Inconsistent;
  }

  /**
   * The first write after the node became Primary starts a new data generation, durable before the
   * write goes out; connected peers adopt it, and the slots of the others start tracking. A peer
   * that missed writes can then never be mistaken for being in sync, also for replicas created
   * already in sync ("day 0", DRBD-REFERENCE.md §4.1). The same happens on the first write after a
   * peer was lost.
   */
  private void startNewGeneration(VolumeCore volume, boolean unwritten) {
    volume.newGenerationOnFirstWrite = false;
    volume.generationWrites = 0;
    renegotiateStaleReports(volume);
    volume.generationChangeInFlight = true;
    long next = freshUuid(volume.superblock.currentUuid());
    for (Connection connection : connections.values()) {
      PeerVolume peerVolume = connection.volume(volume.number);
      if (peerVolume.newerHere.isEmpty()) {
        peerVolume.forgetNewerHere();
      } else {
        // the settled record holds in the generation this node starts from it (unsettled writes do
        // not: their writer's count says nothing about a generation it did not write in)
        peerVolume.unsettledHere.clear();
        peerVolume.newerHereDescendants.add(next);
      }
    }
    if (!volume.ownUnacknowledged) {
      volume.unacknowledgedSince = volume.superblock.currentUuid();
      volume.ownUnacknowledged = true;
    }
    Set<Integer> tracking = new HashSet<>();
    List<Connection> adopting = new ArrayList<>();
    for (Connection connection : connections.values()) {
      if (replicatesTo(connection, volume)) {
        adopting.add(connection);
      } else {
        tracking.add(connection.peer.nodeId());
      }
    }
    // a Primary writing with quorum again: its data is the authority, whatever it lost before
    boolean quorate = role == Role.Primary && quorum().hasQuorum();
    changeSuperblock(volume, superblock -> withFlag(SuperblockFlag.UNWRITTEN_GENERATION, unwritten)
        .andThen(quorate ? withFlag(SuperblockFlag.PRIMARY_LOST_QUORUM, false) : UnaryOperator.identity())
        .apply(superblock.withNewGeneration(next, trackingFrom(volume, superblock, tracking))), Effect.DataSync.NONE,
        VolumeCore.LogCleanup.KEEP, () -> {
          volume.generationChangeInFlight = false;
          int weak = 0;
          for (int nodeId : tracking) {
            weak |= 1 << nodeId;
          }
          for (Connection connection : adopting) {
            if (replicatesTo(connection, volume)) {
              send(connection, new NewCurrentUuid(volume.number, next, weak));
              connection.volume(volume.number).generationSent = next;
            }
          }
          if (!stateUnsettled()) {
            attached();
          }
          broadcastState(); // peers keep an accurate view of this node's generation
          advance(volume);
        });
  }

  /**
   * Where the slots of {@code tracking} start when the generation changes: the generation each
   * peer last said it holds, when that is this node's current one or in its history — a peer lost
   * just after a generation change may never have received it, and a slot starting at a generation
   * the peer never held could not be matched when it returns (its blocks since then are marked
   * anyway: the writes it did not acknowledge). Else this node's current generation.
   */
  private Map<Integer, Long> trackingFrom(VolumeCore volume, Superblock superblock, Set<Integer> tracking) {
    Map<Integer, Long> from = new HashMap<>();
    for (int nodeId : tracking) {
      Connection connection = connections.get(nodeId);
      long confirmed = connection == null ? 0 : connection.volume(volume.number).peerCurrentUuid;
      boolean ancestor = confirmed != 0 && confirmed != Superblock.JUST_CREATED_UUID
          && (sameUuid(confirmed, superblock.currentUuid())
              || superblock.historyUuids().stream().anyMatch(uuid -> uuid != 0 && sameUuid(uuid, confirmed)));
      from.put(nodeId, ancestor ? confirmed & ~1L : superblock.currentUuid());
    }
    return from;
  }

  /**
   * The volume's generation changes: a connection whose state went out before and whose peer has
   * not answered yet would be decided on the old generation (blocks written in the new one would
   * look like a crash's marks), so it connects afresh and reports the new one.
   */
  private void renegotiateStaleReports(VolumeCore volume) {
    for (Connection connection : new ArrayList<>(connections.values())) {
      if (connection.connected() && !connection.stateDeferred && connection.peerState == null) {
        renegotiate(connection, "the generation of volume " + volume.number + " changed while connecting");
      }
    }
  }

  private long freshUuid(long previous) {
    while (true) {
      long uuid = uuids.next() & ~1L;
      if (uuid != 0 && uuid != Superblock.JUST_CREATED_UUID && uuid != (previous & ~1L)
          && !Generations.isFullSyncMarker(uuid)) {
        return uuid;
      }
    }
  }

  private static DataOperation dataOperation(VolumeCore volume, Event.ClientRequest request) {
    if (request.kind() == RequestKind.WRITE) {
      return DataOperation.WRITE;
    }
    boolean keepAllocated = volume.provisioning == Provisioning.THICK
        || (request.kind() == RequestKind.WRITE_ZEROES && request.flags().contains(RequestFlag.NO_HOLE));
    return keepAllocated ? DataOperation.WRITE_ZEROS : DataOperation.PUNCH_HOLE;
  }

  /** Zeroing on this volume: a hole where the volume is thin and the zeros may be deallocated. */
  private static DataOperation zeroing(VolumeCore volume, boolean mayDeallocate) {
    return mayDeallocate && volume.provisioning != Provisioning.THICK ? DataOperation.PUNCH_HOLE
        : DataOperation.WRITE_ZEROS;
  }

  // ---------------------------------------------------------------- metadata

  /** Starts the next metadata I/O of the volume if none is in flight: superblock changes first. */
  private void pumpMetadata(VolumeCore volume) {
    if (volume.metadataInFlight || volume.diskState == DiskState.Failed) {
      return;
    }
    VolumeCore.SuperblockChange change = volume.superblockChanges.pollFirst();
    if (change != null) {
      boolean emptyLog = change.logCleanup() == VolumeCore.LogCleanup.EMPTY_IF_IDLE && volume.activityLog != null
          && volume.idle() && volume.activityLog.hotCount() > 0;
      if (!emptyLog) {
        issueMetadata(volume, change.dataSync(), change.logCleanup() == VolumeCore.LogCleanup.BITMAP_FIRST
            ? volume.takeDirtyPages() : new TreeMap<>(), null, null,
            change.change().apply(volume.superblock), change.onDurable());
        return;
      }
      long snapshotSequence = volume.activityLog.lastSequence() + 1;
      int ringBlocks = volume.superblock.activityLogBlocks();
      issueMetadata(volume, Effect.DataSync.FIRST, volume.takeDirtyPages(),
          volume.resetTransaction(volume.activityLog.lastSequence()), null, change.change().apply(volume.superblock),
          () -> {
            if (volume.diskState != DiskState.Failed) {
              volume.activityLog = new ActivityLog(settings.activityLogCapacity(), ringBlocks, snapshotSequence);
            }
            change.onDurable().run();
          });
      return;
    }
    if (volume.activityLog == null) {
      return;
    }
    ActivityLogPlan plan = volume.planTransaction();
    if (plan != null) {
      boolean evicting = !plan.evicted().isEmpty();
      issueMetadata(volume, evicting ? Effect.DataSync.FIRST : Effect.DataSync.NONE,
          volume.takeDirtyPagesOf(plan.evicted()), plan.transaction(), plan, null, () -> { });
    }
  }

  private void issueMetadata(VolumeCore volume, Effect.DataSync dataSync, SortedMap<Integer, byte[]> pages,
      ActivityLogTransaction transaction, ActivityLogPlan plan, Superblock superblock, Runnable onDurable) {
    volume.metadataInFlight = true;
    long ioId = issue(new MetadataStep(volume, plan, superblock, onDurable));
    outbox.add(new Effect.MetadataIo(ioId, volume.number, dataSync, pages, transaction, superblock));
  }

  private void changeSuperblock(VolumeCore volume, UnaryOperator<Superblock> change, Effect.DataSync dataSync,
      VolumeCore.LogCleanup logCleanup, Runnable onDurable) {
    volume.superblockChanges.addLast(new VolumeCore.SuperblockChange(change, dataSync, logCleanup, onDurable));
    pumpMetadata(volume);
  }

  private static UnaryOperator<Superblock> withFlag(SuperblockFlag flag, boolean set) {
    return superblock -> {
      EnumSet<SuperblockFlag> flags = superblock.flags().isEmpty() ? EnumSet.noneOf(SuperblockFlag.class)
          : EnumSet.copyOf(superblock.flags());
      if (set) {
        flags.add(flag);
      } else {
        flags.remove(flag);
      }
      return superblock.withFlags(flags);
    };
  }

  // ---------------------------------------------------------------- completions

  private long issue(PendingIo io) {
    long ioId = nextIoId++;
    pendingIo.put(ioId, io);
    return ioId;
  }

  private void onIoCompleted(Event.IoCompleted completed) {
    PendingIo io = pendingIo.remove(completed.ioId());
    if (io == null) {
      throw new IllegalStateException("completion of unknown I/O " + completed.ioId());
    }
    boolean ok = completed.outcome() == IoOutcome.OK;
    if (io instanceof WriteIo writeIo) {
      onWriteCompleted(writeIo.volume(), writeIo.write(), completed);
    } else if (io instanceof ReadIo readIo) {
      if (ok) {
        outbox.add(new Effect.RequestCompleted(readIo.request().requestId(), IoStatus.OK, null, completed.data()));
      } else {
        failDisk(readIo.volume(), "read error: " + completed.detail());
        // the disk is detached; the read is retried on a peer
        if (!readFromPeer(readIo.volume(), readIo.request(), null)) {
          complete(readIo.request().requestId(), IoStatus.IO_ERROR, "read failed on volume " + readIo.volume().number
              + ": " + completed.detail());
        }
      }
    } else if (io instanceof FlushIo flushIo) {
      Connection.FlushWaiter waiter = flushIo.waiter();
      waiter.localDone = true;
      if (!ok) {
        waiter.failure = "flush failed on volume " + flushIo.volume().number + ": " + completed.detail();
        failDisk(flushIo.volume(), "flush error: " + completed.detail());
      }
      finishFlush(waiter);
    } else if (io instanceof BarrierSync barrierSync) {
      Connection.IncomingBarrier barrier = barrierSync.barrier();
      barrier.syncsLeft--;
      barrier.failed |= !ok;
      if (!ok) {
        failDisk(barrierSync.volume(), "flush error: " + completed.detail());
      }
      if (barrier.syncsLeft == 0) {
        Connection connection = barrierSync.connection();
        connection.incomingBarriers.remove(barrier);
        if (connection.id == barrierSync.connectionId()) {
          send(connection, new BarrierAck(barrier.sequence, !barrier.failed));
        }
      }
    } else if (io instanceof ResyncSync resyncSync) {
      onResyncSynced(resyncSync, completed);
    } else {
      onMetadataCompleted((MetadataStep) io, completed);
    }
  }

  private void onWriteCompleted(VolumeCore volume, VolumeCore.PendingWrite write, Event.IoCompleted completed) {
    boolean ok = completed.outcome() == IoOutcome.OK;
    switch (write.origin) {
      case CLIENT:
        write.localDone = true;
        if (ok) {
          write.localStatus = IoStatus.OK;
        } else if (completed.outcome() == IoOutcome.NO_SPACE) {
          write.localStatus = IoStatus.NO_SPACE;
          write.localMessage = "no space left for volume " + volume.number + ": " + completed.detail();
        } else {
          write.localStatus = IoStatus.IO_ERROR;
          write.localMessage = "write failed on volume " + volume.number + ": " + completed.detail();
          failDisk(volume, "write error: " + completed.detail());
        }
        finishClientWrite(volume, write);
        break;
      case PEER: {
        volume.finished(write);
        Connection connection = connections.get(write.peerNodeId);
        connection.incomingWrites.remove(write);
        if (ok) {
          Integer slot = volume.slotOfPeer.get(write.peerNodeId);
          PeerVolume sender = connection.volumes.get(volume.number);
          if (slot != null && sender != null && holdsData(sender.peerDisk)) {
            // the sender wrote the same bytes: those whole blocks are in sync with it (not when its
            // disk failed: it serves through its peers and holds none of them)
            volume.markInSync(slot, write.offset, write.length);
          }
        } else if (completed.outcome() != IoOutcome.NO_SPACE) {
          failDisk(volume, "write error: " + completed.detail());
        }
        if (connection.id == write.connectionId) {
          send(connection, new WriteAck(write.peerSequence, ok ? WriteAck.WRITTEN : WriteAck.FAILED));
        }
        for (Connection.IncomingBarrier barrier : connection.incomingBarriers) {
          barrier.waitingFor.remove(write);
        }
        startBarriers(connection);
        break;
      }
      case RESYNC_WRITE: {
        volume.finished(write);
        Connection connection = connections.get(write.peerNodeId);
        PeerVolume peerVolume = connection.volume(volume.number);
        if (!ok) {
          failDisk(volume, "resync write error: " + completed.detail());
        } else {
          boolean sameConnection = connection.id == write.connectionId;
          if (sameConnection && peerVolume.replication == ReplicationState.SyncTarget) {
            peerVolume.writtenUnsynced.add(new PeerVolume.Outstanding(write.offset, write.length));
            peerVolume.syncedSinceTick += write.length;
          }
          // the blocks changed here, whatever became of the resync since the request went out
          markChangedByResync(volume, connection, sameConnection ? peerVolume : null, write);
        }
        syncResyncWrites(volume, connection, false);
        pumpResync(volume, connection);
        break;
      }
      case RESYNC_READ: {
        volume.finished(write);
        Connection connection = connections.get(write.peerNodeId);
        if (!ok) {
          failDisk(volume, "read error: " + completed.detail());
        }
        if (write.readPurpose != VolumeCore.ReadPurpose.RESYNC_REPLY) {
          onDigestRead(volume, connection, write, ok ? completed.data() : null);
          break;
        }
        if (connection.id == write.connectionId) {
          ResyncReply reply;
          if (!ok) {
            reply = new ResyncReply(write.peerSequence, volume.number, write.offset, write.length, ResyncReply.FAILED,
                null);
          } else if (allZero(completed.data())) {
            reply = new ResyncReply(write.peerSequence, volume.number, write.offset, write.length, ResyncReply.ZEROES,
                null);
          } else {
            reply = new ResyncReply(write.peerSequence, volume.number, write.offset, write.length, ResyncReply.DATA,
                completed.data());
          }
          if (reply.kind() != ResyncReply.FAILED) {
            PeerVolume peerVolume = connection.volume(volume.number);
            peerVolume.resyncSentBytes += write.length;
            peerVolume.served.add(new long[] {write.offset, write.length});
            peerVolume.servedSinceFinish = true;
          }
          send(connection, reply);
        }
        break;
      }
      default:
        throw new IllegalStateException("unknown origin " + write.origin);
    }
    advance(volume);
  }

  /**
   * A resync write changed blocks here: a peer away now, whose slot tracks it from an older state,
   * may lack the new data; so may one in sync with this node in an older generation than the one
   * the resync brings (both lacked what the source sends), told when this node is UpToDate again.
   * Within one generation a peer in sync is not marked: the resync only evens out what the bitmaps
   * already name, and marking it would send the same blocks around the cluster without end. A
   * write that lands after its connection ended still changed the disk with data of a comparison
   * that no longer holds ({@code fromSource} is null): every other peer is marked.
   */
  private void markChangedByResync(VolumeCore volume, Connection source, PeerVolume fromSource,
      VolumeCore.PendingWrite write) {
    long first = write.start() / BLOCK_BYTES;
    long last = (write.end() - 1) / BLOCK_BYTES;
    for (Map.Entry<Integer, Integer> slot : volume.slotOfPeer.entrySet()) {
      Connection other = connections.get(slot.getKey());
      PeerVolume otherVolume = other == null ? null : other.volume(volume.number);
      if (otherVolume != null) {
        otherVolume.newerHere.remove(first, last); // the source's data replaced this node's there
        otherVolume.unsettledHere.remove(first, last);
      }
      if (other == source) {
        continue;
      }
      boolean marked = false;
      if (other == null || !other.ready() || fromSource == null) {
        marked = true;
        if (other != null && other.ready() && otherVolume.replication == ReplicationState.Established) {
          // a peer in sync with this node: told at the end of this node's resync, it compares
          otherVolume.changedByResync.add(new long[] {first, last});
        }
      } else if (lacksAdoptedGeneration(otherVolume, fromSource)) {
        marked = true;
        if (otherVolume.replication == ReplicationState.Established) {
          otherVolume.changedByResync.add(new long[] {first, last});
        }
      }
      if (marked) {
        volume.bitmap.set(slot.getValue(), first, last);
        if (otherVolume != null && !otherVolume.served.isEmpty()) {
          // data this node served that peer before the change: its report of that range in sync
          // leaves these blocks marked
          otherVolume.tainted.add(new long[] {first, last});
        }
      }
    }
  }

  private static boolean allZero(ByteBuffer data) {
    ByteBuffer view = data.duplicate();
    while (view.remaining() >= Long.BYTES) {
      if (view.getLong() != 0) {
        return false;
      }
    }
    while (view.hasRemaining()) {
      if (view.get() != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Answers a client write once the local write and what the protocol waits for are done; the
   * write leaves the pipeline (and the activity log) when every peer wrote it or missed it.
   */
  private void finishClientWrite(VolumeCore volume, VolumeCore.PendingWrite write) {
    if (!write.answered && write.localDone) {
      boolean peersDone;
      if (settings.protocol() == ReplicationProtocol.C || write.durability == Durability.FORCED) {
        // a FUA write is a durability point on every replica, whatever the protocol
        peersDone = write.awaitingWritten.isEmpty();
      } else if (settings.protocol() == ReplicationProtocol.B) {
        peersDone = write.awaitingReceived.isEmpty();
      } else {
        peersDone = true;
      }
      boolean detachedOnIt = write.localStatus == IoStatus.IO_ERROR && volume.diskState == DiskState.Failed
          && (write.peersWritten > 0 || !write.awaitingWritten.isEmpty());
      if (!write.quorumLost && (peersDone || detachedOnIt) && !quorum().hasQuorum()) {
        // quorum went while the write waited (queued behind a new generation, or for the window):
        // it may exist on a minority only, so it is not acknowledged (DRBD fails pending I/O too)
        write.quorumLost = true;
      }
      if (write.replaced != null) {
        write.answered = true;
        complete(write.request.requestId(), IoStatus.IO_ERROR, write.replaced);
      } else if (write.quorumLost) {
        write.answered = true;
        complete(write.request.requestId(), IoStatus.IO_ERROR, "resource " + settings.resource() + " on "
            + settings.nodeName() + " lost quorum (" + quorum().reason() + ") before the write was confirmed");
      } else if (detachedOnIt) {
        // the local disk failed on this write: it counts as done if a peer wrote it
        if (write.awaitingWritten.isEmpty()) {
          write.answered = true;
          acknowledgedInGeneration(volume);
          complete(write.request.requestId(), IoStatus.OK, null);
        }
      } else if (write.throughPeers && write.awaitingWritten.isEmpty() && write.peersWritten == 0) {
        write.answered = true;
        complete(write.request.requestId(), IoStatus.IO_ERROR, "write to volume " + volume.number
            + " reached no peer with data (this node has no usable disk)");
      } else if (write.localStatus != IoStatus.OK || peersDone) {
        write.answered = true;
        if (write.localStatus == IoStatus.OK && (write.replicationSequence == 0
            || settings.protocol() == ReplicationProtocol.C || write.durability == Durability.FORCED)) {
          acknowledgedInGeneration(volume); // the generation holds a promise now
        }
        complete(write.request.requestId(), write.localStatus, write.localMessage);
      }
    }
    if (write.localDone && write.awaitingWritten.isEmpty() && write.answered && write.localStatus == IoStatus.OK
        && write.replicationSequence != 0 && write.peersWritten > 0 && settings.protocol() != ReplicationProtocol.C
        && write.durability != Durability.FORCED && volume.superblock != null
        && sameUuid(write.generation, volume.superblock.currentUuid())) {
      // with protocol A or B the acknowledgement promised the write on this node only, with its
      // peers to follow: once one wrote it, its generation holds a promise (a branch whose writes
      // reached no peer may still yield; the protocol allows losing them in a failover)
      acknowledgedInGeneration(volume);
    }
    if (write.localDone && write.awaitingWritten.isEmpty()) {
      volume.finished(write);
      sendPeerAck(write);
      resumeDemotion();
    }
  }

  /**
   * A replicated write left the pipeline: every connected peer learns which nodes wrote it, so the
   * Secondaries mark it for the ones it was meant for that missed it (DRBD's P_PEER_ACK).
   */
  private void sendPeerAck(VolumeCore.PendingWrite write) {
    if (write.replicationSequence == 0 || write.peerAckSent) {
      return;
    }
    write.peerAckSent = true;
    int writtenBy = write.writtenMask;
    if (!write.throughPeers && write.localStatus == IoStatus.OK) {
      writtenBy |= 1 << settings.nodeId();
    }
    PeerAck ack = new PeerAck(write.replicationSequence, writtenBy);
    for (Connection connection : connections.values()) {
      if (connection.ready()) {
        send(connection, ack);
      }
    }
  }

  /**
   * The Primary's write {@code ack.sequence()} settled: every node that did not write it (sent to it
   * or not) misses it, and this node's slots for them say so.
   */
  private void onPeerAck(Connection connection, PeerAck ack) {
    Connection.ReceivedWrite received = connection.awaitingPeerAck.remove(ack.sequence());
    if (received == null) {
      return;
    }
    // a node it was not sent to misses it as well: it may come to resync from this node, not from
    // the Primary that tracks it
    markReceivedWriteMissed(connection, ack.sequence(), received, ~ack.writtenBy(), true);
  }

  /**
   * Marks write {@code sequence} received from {@code primary} out of sync for each node of
   * {@code missedBy} (but the Primary); {@code tell}: it settled, and they are told.
   */
  private void markReceivedWriteMissed(Connection primary, long sequence, Connection.ReceivedWrite received,
      int missedBy, boolean tell) {
    VolumeCore volume = volumes.get(received.volume());
    if (volume == null || volume.bitmap == null || !volume.servesLocally() || received.length() == 0) {
      return;
    }
    long first = received.offset() / BLOCK_BYTES;
    long last = (received.offset() + received.length() - 1) / BLOCK_BYTES;
    for (Map.Entry<Integer, Integer> slot : volume.slotOfPeer.entrySet()) {
      int nodeId = slot.getKey();
      if (nodeId == primary.peer.nodeId() || (missedBy & (1 << nodeId)) == 0) {
        continue;
      }
      volume.bitmap.set(slot.getValue(), first, last);
      PeerVolume missing = connections.get(nodeId).volume(volume.number);
      if (!sameUuid(missing.newerHereGeneration, received.generation())) {
        // what this node held newer within another generation says nothing about this one
        missing.newerHere.clear();
        missing.unsettledHere.clear();
        missing.newerHereGeneration = received.generation();
        missing.newerHereAncestors.clear();
        missing.newerHereDescendants.clear();
        // the writer's history as it last told it (the connection may just have ended)
        ReplicaState.VolumeState writer = primary.lastPeerState == null ? null : primary.lastPeerState.volumes()
            .stream().filter(state -> state.number() == volume.number).findFirst().orElse(null);
        if (writer != null && sameUuid(writer.currentUuid(), received.generation())) {
          missing.newerHereAncestors.addAll(writer.history());
        }
      }
      missing.newerHereOwn = false;
      if (tell) {
        // settled: that node did not write it, and this one did
        missing.newerHere.add(first, last);
        tellOutOfSync(volume, connections.get(nodeId), first, last);
      } else {
        // its writer was lost before it settled: that node may also hold a later write there
        missing.unsettledHere.add(first, last, sequence);
      }
    }
  }

  private void onMetadataCompleted(MetadataStep step, Event.IoCompleted completed) {
    VolumeCore volume = step.volume();
    volume.metadataInFlight = false;
    if (completed.outcome() != IoOutcome.OK) {
      failDisk(volume, "metadata write failed: " + completed.detail());
      step.onDurable().run();
      writeFailureMark(volume);
      return;
    }
    if (step.superblock() != null) {
      volume.superblock = step.superblock();
    }
    if (step.plan() != null) {
      volume.activityLog.committed(step.plan());
    }
    step.onDurable().run();
    writeFailureMark(volume);
    advance(volume);
  }

  /**
   * The local disk failed (DRBD's {@code on-io-error detach}): every waiting write fails, later I/O
   * fails until the disk is attached again. Writes already issued complete as their I/O reports;
   * writes and resync requests from peers waiting here are answered as failed.
   */
  private void failDisk(VolumeCore volume, String reason) {
    if (volume == null || volume.diskState == DiskState.Failed) {
      return;
    }
    volume.diskState = DiskState.Failed;
    volume.failure = reason;
    // detached: a Primary goes on through its peers, starting a new generation there
    volume.newGenerationOnFirstWrite = role == Role.Primary;
    if (volume.activityLog != null) {
      for (VolumeCore.PendingWrite write : volume.drainPending()) {
        failQueued(volume, write);
      }
    }
    while (!volume.superblockChanges.isEmpty()) {
      volume.superblockChanges.pollFirst().onDurable().run();
    }
    // writes went to or came from peers since start (a failed flush may have lost any of them):
    // the peers hold what this disk lacks; with none, what the disk holds is all there is
    boolean peersHoldMore = volume.replicatedSinceStart;
    if (volume.superblock != null && volume.activityLog != null && peersHoldMore) {
      for (VolumeCore.PendingWrite write : volume.active) {
        if (!write.throughPeers) {
          for (Map.Entry<Integer, Integer> slot : volume.slotOfPeer.entrySet()) {
            volume.markOutOfSync(write, slot.getValue(), peerVolumeOf(slot.getKey(), volume));
          }
        }
      }
      volume.failureMarkPending = true;
    }
    writeFailureMark(volume);
    if (!stateUnsettled()) {
      attached();
    }
    broadcastState();
    resumeDemotion();
  }

  /**
   * A Primary without quorum records so in its superblock (DRBD's MDF_PRIMARY_LOST_QUORUM): what it
   * wrote since its generation parted from the majority's was never acknowledged, so when it meets
   * a majority that moved on, it takes their data instead of holding a split brain
   * (unwrittenSideSyncs). Writing with quorum again, or adopting a peer's generation, clears it.
   */
  private void recordQuorumLoss() {
    if (role != Role.Primary || quorum().hasQuorum()) {
      return;
    }
    for (VolumeCore volume : volumes.values()) {
      if (volume.servesLocally() && volume.superblock != null
          && !volume.superblock.flags().contains(SuperblockFlag.PRIMARY_LOST_QUORUM) && !volume.recordingQuorumLoss) {
        volume.recordingQuorumLoss = true;
        changeSuperblock(volume, withFlag(SuperblockFlag.PRIMARY_LOST_QUORUM, true), Effect.DataSync.NONE,
            VolumeCore.LogCleanup.KEEP, () -> {
              volume.recordingQuorumLoss = false;
              broadcastState();
            });
      }
    }
  }

  /**
   * Tries once to record on the failed disk that it is behind: the writes in flight when it failed
   * are marked towards every peer and the disk comes back Outdated, so it resyncs them (and, through
   * the generation its Primary starts next, every later write) before it is UpToDate again. If this
   * write fails too, the disk is beyond use.
   */
  private void writeFailureMark(VolumeCore volume) {
    if (!volume.failureMarkPending || volume.metadataInFlight) {
      return;
    }
    volume.failureMarkPending = false;
    issueMetadata(volume, Effect.DataSync.NONE, volume.takeDirtyPages(), null, null,
        volume.superblock.withFailedDisk(), () -> { });
  }

  /** Answers an operation that never reached the disk because the disk failed. */
  private void failQueued(VolumeCore volume, VolumeCore.PendingWrite write) {
    Connection connection = write.peerNodeId < 0 ? null : connections.get(write.peerNodeId);
    switch (write.origin) {
      case CLIENT:
        complete(write.request.requestId(), IoStatus.IO_ERROR, noDataReason(volume));
        break;
      case PEER:
        connection.incomingWrites.remove(write);
        for (Connection.IncomingBarrier barrier : connection.incomingBarriers) {
          barrier.waitingFor.remove(write);
        }
        if (connection.id == write.connectionId) {
          send(connection, new WriteAck(write.peerSequence, WriteAck.FAILED));
        }
        startBarriers(connection);
        break;
      case RESYNC_READ:
        if (connection.id == write.connectionId) {
          send(connection, new ResyncReply(write.peerSequence, volume.number, write.offset, write.length,
              ResyncReply.FAILED, null));
        }
        break;
      default:
        break;
    }
  }

  private void complete(long requestId, IoStatus status, String message) {
    outbox.add(new Effect.RequestCompleted(requestId, status, message, null));
  }

  // ---------------------------------------------------------------- roles

  private void onClientAttach(Event.ClientAttach attach) {
    if (attach.access() == Event.Access.READ_ONLY) {
      readers++;
      complete(attach.requestId(), IoStatus.OK, null);
      return;
    }
    writers++;
    admitWriter(attach.requestId());
  }

  /** A writing client is admitted once the node is Primary, promoting it if needed (auto-promote). */
  private void admitWriter(long requestId) {
    if (roleChange != null) {
      if (roleChange.target == Role.Primary) {
        roleChange.requests.add(requestId);
      } else {
        // the last writer just left and the node is demoting: promote again right after
        writersAfterRoleChange.add(requestId);
      }
      return;
    }
    if (role == Role.Primary) {
      complete(requestId, IoStatus.OK, null);
      return;
    }
    onRoleRequest(requestId, Role.Primary, true, false);
  }

  private void onClientDetach(Event.ClientDetach detach) {
    if (detach.access() == Event.Access.READ_ONLY) {
      if (readers == 0) {
        throw new IllegalStateException("a reader detached, but none was attached");
      }
      readers--;
      return;
    }
    if (writers == 0) {
      throw new IllegalStateException("a writer detached, but none was attached");
    }
    writers--;
    if (writers == 0) {
      forcedSecondary = null;
    }
    if (writers == 0 && autoPromoted && role == Role.Primary && roleChange == null) {
      startRoleChange(Role.Secondary, true, null, false);
    }
  }

  /** A client whose auto-promotion was refused is no writer. */
  private void refuseAttachedWriter(long requestId, boolean automatic, String reason) {
    if (automatic) {
      writers--;
      if (writers == 0) {
        forcedSecondary = null;
      }
    }
    outbox.add(new Effect.RequestCompleted(requestId, IoStatus.REFUSED, reason, null));
  }

  private void onRoleRequest(long requestId, Role target, boolean automatic, boolean force) {
    if (roleChange != null) {
      refuseAttachedWriter(requestId, automatic, "a change to " + roleChange.target + " is in progress");
      return;
    }
    if (role == target) {
      complete(requestId, IoStatus.OK, null);
      if (!automatic) {
        autoPromoted = false;
      }
      return;
    }
    boolean forced = force && target == Role.Primary;
    String refusal = target == Role.Primary ? promotionRefusal(forced) : demotionRefusal();
    if (refusal != null) {
      refuseAttachedWriter(requestId, automatic, refusal);
      return;
    }
    startRoleChange(target, automatic, requestId, forced);
  }

  private String promotionRefusal(boolean force) {
    String prefix = "cannot promote " + settings.resource() + " on " + settings.nodeName();
    String lease = lostPrimaryLease(null);
    if (lease != null) {
      return prefix + ": " + lease;
    }
    for (Connection connection : connections.values()) {
      if (connection.ready() && connection.peerRole == Role.Primary) {
        return prefix + ": " + connection.peer.name() + " is Primary; only one node may be Primary";
      }
      if (connection.grantedTransaction != 0) {
        return prefix + ": " + connection.peer.name() + " is being promoted";
      }
    }
    QuorumVerdict quorum = quorum();
    if (!quorum.hasQuorum()) {
      return prefix + " without quorum: " + quorum.reason();
    }
    for (VolumeCore volume : volumes.values()) {
      String refusal = volumeRefusal(volume, force);
      if (refusal != null) {
        return prefix + ": " + refusal;
      }
    }
    return null;
  }

  /** Why a volume keeps this node from being promoted (with {@code force} or not), or null. */
  private String volumeRefusal(VolumeCore volume, boolean force) {
    if (force && forcible(volume)) {
      return null;
    }
    if (volume.diskState != DiskState.UpToDate && !upToDatePeerReachable(volume)) {
      return "volume " + volume.number + " is " + volume.diskState + " and no UpToDate peer is reachable"
          + (forcible(volume) ? "; if no node holds newer data, promote with force to make this node's the"
              + " authoritative copy" : "");
    }
    return behindAPeer(volume);
  }

  /**
   * A forced promotion may make this volume's data the authoritative copy: the disk is attached
   * and not UpToDate, and no connected peer holds UpToDate data (where one does, the data exists
   * and this node resyncs from it first).
   */
  private boolean forcible(VolumeCore volume) {
    if (!volume.servesLocally() || volume.diskState == DiskState.UpToDate) {
      return false;
    }
    for (Connection connection : connections.values()) {
      PeerVolume peerVolume = connection.volumes.get(volume.number);
      if (connection.ready() && peerVolume != null && peerVolume.peerDisk == DiskState.UpToDate) {
        return false;
      }
    }
    return true;
  }

  /** Why a volume must resync before this node may be promoted (a peer holds newer data), or null. */
  private String behindAPeer(VolumeCore volume) {
    for (Connection connection : connections.values()) {
      PeerVolume peerVolume = connection.volumes.get(volume.number);
      if (connection.ready() && peerVolume != null && peerVolume.direction == PeerVolume.Direction.TARGET
          && (peerVolume.replication == ReplicationState.PausedSyncT
              || peerVolume.replication == ReplicationState.WFBitMapT)) {
        return "volume " + volume.number + " is behind " + connection.peer.name() + " and resyncs first";
      }
    }
    return null;
  }

  private boolean upToDatePeerReachable(VolumeCore volume) {
    if (volume.servesLocally() && volume.diskState != DiskState.UpToDate) {
      return false; // a local copy that is behind must not take writes: it resyncs first
    }
    for (Connection connection : connections.values()) {
      PeerVolume peerVolume = connection.volumes.get(volume.number);
      if (connection.ready() && peerVolume != null && peerVolume.peerDisk == DiskState.UpToDate) {
        return true;
      }
    }
    return false;
  }

  private String demotionRefusal() {
    if (writers > 0) {
      return "cannot demote " + settings.resource() + " on " + settings.nodeName() + ": in use by " + writers
          + " writing client" + (writers == 1 ? "" : "s") + "; disconnect them first";
    }
    return null;
  }

  /**
   * A promotion asks every connected peer first (two-phase commit): each votes no while it is
   * Primary, promoting itself or has agreed to another node's promotion; only when all agreed is
   * the change made durable and committed. A demotion needs nobody's consent.
   */
  private void startRoleChange(Role target, boolean automatic, Long requestId, boolean force) {
    RoleChange change = new RoleChange(target, automatic, force);
    if (requestId != null) {
      change.requests.add(requestId);
    }
    roleChange = change;
    if (target == Role.Primary) {
      for (Connection connection : connections.values()) {
        if (connection.ready()) {
          change.participants.add(connection.peer.nodeId());
        }
      }
      if (!change.participants.isEmpty()) {
        change.transaction = ((long) settings.nodeId() << 56) | nextTransaction++;
        change.awaitingVotes.addAll(change.participants);
        for (int nodeId : change.participants) {
          send(connections.get(nodeId), new TwoPhase(change.transaction, TwoPhase.PREPARE, TwoPhase.PROMOTE, ""));
        }
        return;
      }
    }
    applyRoleChange(change);
  }

  private void onVote(Connection connection, TwoPhase vote) {
    RoleChange change = roleChange;
    if (change == null || change.transaction != vote.transaction()
        || !change.awaitingVotes.remove(connection.peer.nodeId())) {
      return;
    }
    if (vote.step() == TwoPhase.NO) {
      abortPromotion(change, connection.peer.name() + " refused: " + vote.text());
      return;
    }
    votesCounted(change);
  }

  private void votesCounted(RoleChange change) {
    if (!change.awaitingVotes.isEmpty()) {
      return;
    }
    String refusal = promotionRefusalAfterVote(change.force);
    if (refusal != null) {
      abortPromotion(change, refusal);
      return;
    }
    for (int nodeId : change.participants) {
      Connection connection = connections.get(nodeId);
      if (connection.ready()) {
        send(connection, new TwoPhase(change.transaction, TwoPhase.COMMIT, TwoPhase.PROMOTE, ""));
      }
    }
    applyRoleChange(change);
  }

  /**
   * Why a promotion must wait: a peer other than {@code candidate} was Primary when this node lost
   * its connection less than {@link ReplicaSettings#primaryLeaseNanos} ago. Over a link that died
   * silently that Primary may still count this node for its quorum (and serve reads and writes)
   * until its end of the link gives up; a connection to it that is up again tells its role. Null
   * when nothing holds a promotion back.
   */
  private String lostPrimaryLease(Connection candidate) {
    long lease = settings.primaryLeaseNanos();
    String problem = null;
    for (Iterator<Map.Entry<Integer, Long>> entries = primaryLostAtNanos.entrySet().iterator(); entries.hasNext();) {
      Map.Entry<Integer, Long> entry = entries.next();
      Connection connection = connections.get(entry.getKey());
      long at = entry.getValue();
      boolean expired = at != LOST_BEFORE_ANY_TICK && lastTickNanos - at >= lease;
      if (expired || (connection != null && connection.ready())) {
        entries.remove();
        continue;
      }
      if (connection == candidate || problem != null) {
        continue;
      }
      String name = connection == null ? "node " + entry.getKey() : connection.peer.name();
      long waitedMillis = at == LOST_BEFORE_ANY_TICK ? 0 : (lastTickNanos - at) / 1_000_000;
      problem = name + " was Primary when its connection ended " + waitedMillis + " ms ago and may not have noticed"
          + " yet (a link can die silently); a promotion waits until " + lease / 1_000_000 + " ms have passed";
    }
    return problem;
  }

  /** What may have changed while the votes were collected. */
  private String promotionRefusalAfterVote(boolean force) {
    String lease = lostPrimaryLease(null);
    if (lease != null) {
      return "cannot promote " + settings.resource() + " on " + settings.nodeName() + ": " + lease;
    }
    QuorumVerdict quorum = quorum();
    if (!quorum.hasQuorum()) {
      return "cannot promote " + settings.resource() + " on " + settings.nodeName() + " without quorum: "
          + quorum.reason();
    }
    for (VolumeCore volume : volumes.values()) {
      String refusal = volumeRefusal(volume, force);
      if (refusal != null) {
        return "cannot promote " + settings.resource() + " on " + settings.nodeName() + ": " + refusal;
      }
    }
    return null;
  }

  private void abortPromotion(RoleChange change, String reason) {
    for (int nodeId : change.participants) {
      Connection connection = connections.get(nodeId);
      if (connection.ready()) {
        send(connection, new TwoPhase(change.transaction, TwoPhase.ABORT, TwoPhase.PROMOTE, ""));
      }
    }
    finishRoleChange(change, "cannot promote " + settings.resource() + " on " + settings.nodeName() + ": " + reason);
  }

  private void onTwoPhase(Connection connection, TwoPhase message) {
    switch (message.step()) {
      case TwoPhase.PREPARE: {
        String refusal = voteAgainst(connection);
        if (refusal == null) {
          connection.grantedTransaction = message.transaction();
          send(connection, new TwoPhase(message.transaction(), TwoPhase.YES, message.change(), ""));
        } else {
          send(connection, new TwoPhase(message.transaction(), TwoPhase.NO, message.change(), refusal));
        }
        break;
      }
      case TwoPhase.YES:
      case TwoPhase.NO:
        onVote(connection, message);
        break;
      case TwoPhase.COMMIT:
        if (connection.grantedTransaction == message.transaction()) {
          connection.grantedTransaction = 0;
          connection.peerRole = Role.Primary;
          // this node takes writes from the new Primary only: a connection to another Primary made
          // meanwhile connects afresh (and stays unused while both are Primary)
          for (Connection other : new ArrayList<>(connections.values())) {
            if (other != connection && other.ready() && other.peerRole == Role.Primary) {
              renegotiate(other, settings.nodeName() + " takes writes from " + connection.peer.name() + " now");
            }
          }
        }
        break;
      case TwoPhase.ABORT:
        if (connection.grantedTransaction == message.transaction()) {
          connection.grantedTransaction = 0;
        }
        break;
      default:
        break;
    }
    if (!stateUnsettled()) {
      attached(); // connections made while the change was pending tell their state now
    }
  }

  /** Why this node votes against a peer's promotion, or null to agree. */
  private String voteAgainst(Connection candidate) {
    if (role == Role.Primary) {
      return settings.nodeName() + " is Primary";
    }
    if (roleChange != null && roleChange.target == Role.Primary) {
      return settings.nodeName() + " is being promoted itself";
    }
    String lease = lostPrimaryLease(candidate);
    if (lease != null) {
      return "on " + settings.nodeName() + ", " + lease;
    }
    for (Connection connection : connections.values()) {
      if (connection != candidate && connection.grantedTransaction != 0) {
        return settings.nodeName() + " agreed to the promotion of " + connection.peer.name();
      }
      if (connection != candidate && connection.ready() && connection.peerRole == Role.Primary) {
        return connection.peer.name() + " is Primary";
      }
    }
    return null;
  }

  /** Makes the role durable on every usable disk, then finishes. */
  private void applyRoleChange(RoleChange change) {
    Role target = change.target;
    if (target == Role.Secondary && clientWritesInFlight()) {
      // a demotion waits until every write is done here and on the peers (or known missed)
      demotionWaiting = change;
      return;
    }
    List<VolumeCore> diskful = new ArrayList<>();
    for (VolumeCore volume : volumes.values()) {
      if (volume.diskful() && volume.diskState != DiskState.Failed) {
        diskful.add(volume);
      }
    }
    change.volumesLeft = diskful.size();
    if (diskful.isEmpty()) {
      finishRoleChange(change, null);
      return;
    }
    for (VolumeCore volume : diskful) {
      // DRBD-REFERENCE.md §1.3: the primary indicator is durable before the node acts as Primary,
      // so a crash while Primary is recognised on the next attach (the log is then applied).
      // A demotion is a graceful stop of writing: everything is made durable and the log emptied.
      boolean demotion = target == Role.Secondary;
      UnaryOperator<Superblock> primaryFlag = withFlag(SuperblockFlag.PRIMARY_INDICATOR, target == Role.Primary);
      UnaryOperator<Superblock> update = target == Role.Primary
          ? superblock -> withFlag(SuperblockFlag.CRASHED_PRIMARY, false).apply(primaryFlag.apply(superblock))
          : primaryFlag;
      boolean forced = change.force && target == Role.Primary && forcible(volume);
      if (forced) {
        UnaryOperator<Superblock> role = update;
        UnaryOperator<Superblock> upToDate = forcedUpToDate(volume);
        update = superblock -> role.apply(upToDate.apply(superblock));
      }
      changeSuperblock(volume, update,
          demotion ? Effect.DataSync.FIRST : Effect.DataSync.NONE,
          demotion ? VolumeCore.LogCleanup.EMPTY_IF_IDLE : VolumeCore.LogCleanup.KEEP, () -> {
            if (forced) {
              volume.diskState = DiskState.UpToDate;
              volume.failure = null;
            }
            change.volumesLeft--;
            if (change.volumesLeft == 0) {
              finishRoleChange(change, null);
            }
          });
    }
  }

  private boolean clientWritesInFlight() {
    for (VolumeCore volume : volumes.values()) {
      for (VolumeCore.PendingWrite write : volume.active) {
        if (write.origin == VolumeCore.Origin.CLIENT) {
          return true;
        }
      }
      for (VolumeCore.PendingWrite write : volume.pending) {
        if (write.origin == VolumeCore.Origin.CLIENT) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * This Primary's data since it branched off is to be replaced by a peer's (DRBD's
   * force-secondary for a Primary whose partition was overtaken): it stops being Primary at once.
   * Client writes and flushes not yet answered fail; clients still attached get errors until they
   * attach again, so no application goes on believing in writes the resync takes back.
   */
  private void forceSecondary(String reason) {
    if (role != Role.Primary) {
      return;
    }
    String failure = "resource " + settings.resource() + " on " + settings.nodeName() + " was made Secondary: "
        + reason;
    notice("made Secondary: " + reason);
    for (VolumeCore volume : volumes.values()) {
      for (List<VolumeCore.PendingWrite> writes : List.of(volume.active, volume.pending)) {
        for (VolumeCore.PendingWrite write : writes) {
          if (write.origin == VolumeCore.Origin.CLIENT && !write.answered && write.replaced == null) {
            write.replaced = failure;
          }
        }
      }
    }
    for (Connection connection : connections.values()) {
      for (Connection.FlushWaiter waiter : connection.barriers.values()) {
        if (waiter.failure == null) {
          waiter.failure = failure;
        }
      }
    }
    demotionWaiting = null;
    role = Role.Secondary;
    autoPromoted = false;
    forcedSecondary = writers > 0 ? failure : null;
    for (VolumeCore volume : volumes.values()) {
      volume.newGenerationOnFirstWrite = false;
      if (volume.diskful() && volume.diskState != DiskState.Failed && volume.superblock != null) {
        changeSuperblock(volume, withFlag(SuperblockFlag.PRIMARY_INDICATOR, false), Effect.DataSync.NONE,
            VolumeCore.LogCleanup.KEEP, () -> { });
      }
    }
    broadcastState();
  }

  /**
   * A forced promotion makes a volume's data the authoritative copy (DRBD's {@code primary --force}):
   * consistent and UpToDate, in a new generation that every slot tracks from where its peer last
   * was, so each peer resyncs from this node what differs (an Inconsistent peer what its own bitmap
   * adds). Whatever a peer holds that this node does not is given up: an operator forces only when
   * no node holds newer data.
   */
  private UnaryOperator<Superblock> forcedUpToDate(VolumeCore volume) {
    notice("volume " + volume.number + ": promoted with force, its " + volume.diskState
        + " data becomes UpToDate in a new generation; every peer resyncs from " + settings.nodeName());
    volume.generationWrites = 0;
    forgetNewerHere(volume);
    // the operator's choice: this data never yields as a branch without acknowledged writes
    volume.ownUnacknowledged = false;
    Set<Integer> tracking = new HashSet<>();
    for (Peer peer : settings.peers()) {
      tracking.add(peer.nodeId());
    }
    long next = freshUuid(volume.superblock.currentUuid());
    UnaryOperator<Superblock> flags = superblock -> withFlag(SuperblockFlag.CONSISTENT, true)
        .andThen(withFlag(SuperblockFlag.WAS_UP_TO_DATE, true))
        .andThen(withFlag(SuperblockFlag.UNWRITTEN_GENERATION, false))
        .andThen(withFlag(SuperblockFlag.PRIMARY_LOST_QUORUM, false)).apply(superblock);
    return superblock -> flags.apply(superblock.withNewGeneration(next, trackingFrom(volume, superblock, tracking)));
  }

  /** Goes on with a demotion once the last client write is done. */
  private void resumeDemotion() {
    if (demotionWaiting != null && !clientWritesInFlight()) {
      RoleChange change = demotionWaiting;
      demotionWaiting = null;
      applyRoleChange(change);
    }
  }

  private void finishRoleChange(RoleChange change, String refusal) {
    roleChange = null;
    String failure = refusal;
    if (failure == null && change.target == Role.Primary) {
      for (VolumeCore volume : volumes.values()) {
        if (volume.diskState == DiskState.Failed && !upToDatePeerReachable(volume)) {
          failure = "promotion failed: " + noDataReason(volume);
        }
      }
    }
    if (failure == null) {
      role = change.target;
      if (role == Role.Primary) {
        forcedSecondary = null;
      }
      autoPromoted = change.target == Role.Primary && change.automatic;
      for (VolumeCore volume : volumes.values()) {
        // every promotion starts a new generation on its first write (DRBD-REFERENCE.md §4.1)
        volume.newGenerationOnFirstWrite = change.target == Role.Primary && !connections.isEmpty();
      }
      broadcastState();
      reviewRoleConflicts();
      if (change.force) {
        // the peers compare afresh with the forced generation and resync from it
        for (Connection connection : new ArrayList<>(connections.values())) {
          if (connection.ready()) {
            renegotiate(connection, settings.nodeName() + " was promoted with force");
          }
        }
      }
    }
    if (!stateUnsettled()) {
      attached(); // connections made while the promotion was agreed tell the role it ended with
    }
    for (long requestId : change.requests) {
      if (failure == null) {
        complete(requestId, IoStatus.OK, null);
      } else {
        refuseAttachedWriter(requestId, change.automatic, failure);
      }
    }
    List<Long> waiting = new ArrayList<>(writersAfterRoleChange);
    writersAfterRoleChange.clear();
    for (long requestId : waiting) {
      admitWriter(requestId);
    }
  }

  // ---------------------------------------------------------------- peers: connections

  private Connection connection(int nodeId) {
    Connection connection = connections.get(nodeId);
    if (connection == null) {
      throw new IllegalArgumentException("node id " + nodeId + " is not a peer of " + settings.nodeName()
          + " in resource " + settings.resource());
    }
    return connection;
  }

  private void send(Connection connection, WireMessage message) {
    if (connection.connected()) {
      outbox.add(new Effect.SendToPeer(connection.peer.nodeId(), connection.id, message));
    }
  }

  private void onPeerConnected(Event.PeerConnected connected) {
    Connection connection = connection(connected.nodeId());
    if (connection.held) {
      outbox.add(new Effect.HoldPeer(connection.peer.nodeId(), true, connection.problem));
      return;
    }
    if (connection.connected()) {
      lost(connection, "replaced by a new connection");
    }
    connection.id = connected.connectionId();
    connection.problem = null;
    connection.nextSequence = 1;
    if (stateUnsettled()) {
      // what the disks hold is known once they are attached and their generation is durable
      connection.stateDeferred = true;
      return;
    }
    sendInitialState(connection);
  }

  private boolean stateUnsettled() {
    if (attaching()) {
      return true;
    }
    if (roleChange != null && roleChange.target == Role.Primary) {
      return true; // a promotion is being agreed: the role this node reports is about to change
    }
    for (Connection connection : connections.values()) {
      if (connection.grantedTransaction != 0) {
        return true; // it agreed to a peer's promotion: who it takes writes from is about to change
      }
    }
    for (VolumeCore volume : volumes.values()) {
      if (volume.generationChangeInFlight) {
        return true;
      }
    }
    for (Connection connection : connections.values()) {
      for (PeerVolume peerVolume : connection.volumes.values()) {
        if (peerVolume.finishing) {
          return true; // a resync ends: the generation this node reports is about to change
        }
      }
    }
    return false;
  }

  private boolean attaching() {
    for (VolumeCore volume : volumes.values()) {
      if (volume.diskState == DiskState.Attaching) {
        return true;
      }
    }
    return false;
  }

  private void sendInitialState(Connection connection) {
    connection.stateDeferred = false;
    // both sides decide on what they told each other at connect
    connection.reportedRole = role;
    connection.reportedPrimaryPeer = primaryPeer();
    for (VolumeCore volume : volumes.values()) {
      connection.volume(volume.number).reportedDisk = volume.diskState;
    }
    ReplicaState sent = sendState(connection);
    for (ReplicaState.VolumeState state : sent.volumes()) {
      connection.volume(state.number()).reportedState = state;
    }
    if (connection.peerState != null) {
      // the peer's state came first (this one was deferred): the same checks as on its arrival
      String conflict = roleConflict(connection, connection.peerInitialState);
      if (conflict != null && !splitBrainWith(connection)) {
        connection.roleConflict = true;
        connection.problem = conflict + "; the connection waits until a Primary demotes";
        return;
      }
      if (connection.peerRole == Role.Primary && connections.values().stream()
          .anyMatch(other -> other != connection && other.ready() && other.peerRole == Role.Primary)) {
        renegotiate(connection, settings.nodeName() + " takes writes from another Primary");
        return;
      }
      decideOnConnect(connection);
    }
  }

  /** Every disk is attached (or failed): connections made meanwhile exchange their states now. */
  private void attached() {
    for (Connection connection : connections.values()) {
      if (connection.connected() && connection.stateDeferred) {
        sendInitialState(connection);
      }
    }
  }

  private void onPeerDisconnected(Event.PeerDisconnected disconnected) {
    Connection connection = connection(disconnected.nodeId());
    if (connection.id == disconnected.connectionId()) {
      boolean fromPrimary = connection.ready() && connection.peerRole == Role.Primary;
      lost(connection, disconnected.reason());
      if (fromPrimary) {
        broadcastState(); // peers learn this node takes writes from no Primary now
      }
      reviewRoleConflicts();
    }
  }

  private void onPeerCommand(Event.PeerCommand command) {
    Connection connection = connections.get(command.nodeId());
    if (connection == null) {
      complete(command.requestId(), IoStatus.INVALID, "node id " + command.nodeId() + " is not a peer of "
          + settings.nodeName() + " in resource " + settings.resource());
      return;
    }
    if (command.connect()) {
      connection.held = false;
      connection.problem = null;
      outbox.add(new Effect.HoldPeer(command.nodeId(), false, "connect requested by an operator"));
    } else {
      hold(connection, "disconnect requested by an operator");
    }
    complete(command.requestId(), IoStatus.OK, null);
  }

  private void onDiscardMyData(Event.DiscardMyData discard) {
    if (role == Role.Primary || roleChange != null) {
      complete(discard.requestId(), IoStatus.REFUSED, "cannot discard the data of " + settings.resource() + " on "
          + settings.nodeName() + " while it is Primary; demote it first");
      return;
    }
    discardMyData = true;
    for (Connection connection : connections.values()) {
      if (connection.held) {
        connection.held = false;
        connection.problem = null;
        outbox.add(new Effect.HoldPeer(connection.peer.nodeId(), false, "discard-my-data: connecting to resolve"));
      }
    }
    complete(discard.requestId(), IoStatus.OK, null);
  }

  /** Drops the connection and connects again: both sides decide afresh. */
  private void renegotiate(Connection connection, String reason) {
    lost(connection, reason);
    connection.problem = null;
    outbox.add(new Effect.HoldPeer(connection.peer.nodeId(), true, reason));
    outbox.add(new Effect.HoldPeer(connection.peer.nodeId(), false, reason));
  }

  /**
   * Whether {@code other}, connected to this node, stays behind the generation this node takes
   * from the source of {@code fromSource}: the resync changes blocks it does not have. That holds
   * for a peer in sync with this node and for one this node was resyncing (its comparison was made
   * against the older generation).
   */
  private static boolean lacksAdoptedGeneration(PeerVolume other, PeerVolume fromSource) {
    return other.replication != ReplicationState.Off && fromSource.adoptGeneration
        && !sameUuid(other.peerCurrentUuid, fromSource.peerCurrentUuid);
  }

  /** A line for the node's log ({@link Effect.Notice}). */
  private void notice(String message) {
    outbox.add(new Effect.Notice(message));
  }

  private static long kib(long blocks) {
    return blocks * BLOCK_BYTES / 1024;
  }

  /** Drops the connection and keeps the peer StandAlone until an operator connects it again. */
  private void hold(Connection connection, String reason) {
    connection.held = true;
    connection.splitBrainHeldAtNanos = -1;
    connection.problem = reason;
    if (connection.connected()) {
      lost(connection, reason);
    }
    outbox.add(new Effect.HoldPeer(connection.peer.nodeId(), true, reason));
  }

  /**
   * Holds the connection for a split brain (or unrelated data): nothing moves. Every
   * {@link #SPLIT_BRAIN_RECHECK_NANOS} the hold is lifted and both sides compare again: a third
   * node may have brought them to one generation meanwhile (each took the majority's data); if not,
   * the comparison finds the split brain again, and still nothing moves.
   */
  private void holdForSplitBrain(Connection connection, String reason) {
    hold(connection, reason);
    connection.splitBrainHeldAtNanos = lastTickNanos < 0 ? LOST_BEFORE_ANY_TICK : lastTickNanos;
  }

  /** Lifts the split-brain holds that are due for another comparison. */
  private void recheckSplitBrains(long nowNanos) {
    for (Connection connection : connections.values()) {
      long at = connection.splitBrainHeldAtNanos;
      if (!connection.held || at == -1) {
        continue;
      }
      if (at == LOST_BEFORE_ANY_TICK) {
        connection.splitBrainHeldAtNanos = nowNanos;
      } else if (nowNanos - at >= SPLIT_BRAIN_RECHECK_NANOS) {
        connection.held = false;
        connection.splitBrainHeldAtNanos = -1;
        notice("comparing again with " + connection.peer.name() + " after a split brain");
        outbox.add(new Effect.HoldPeer(connection.peer.nodeId(), false, "comparing again after a split brain"));
      }
    }
  }

  /**
   * The connection ended: writes it still owed an acknowledgement are marked out of sync for the
   * peer, flushes and promotions stop waiting for it, and a Primary starts a new generation on its
   * next write.
   */
  private void lost(Connection connection, String reason) {
    int nodeId = connection.peer.nodeId();
    boolean wasReplicating = false;
    for (VolumeCore volume : volumes.values()) {
      wasReplicating |= replicatesTo(connection, volume);
    }
    connection.id = 0;
    connection.stateDeferred = false;
    connection.roleConflict = false;
    connection.everConnected = true;
    if (connection.problem == null) {
      connection.problem = reason;
    }
    connection.peerState = null;
    connection.peerInitialState = null;
    if (settings.primaryLeaseNanos() > 0
        && (connection.peerRole == Role.Primary || connection.grantedTransaction != 0)) {
      primaryLostAtNanos.put(nodeId, lastTickNanos < 0 ? LOST_BEFORE_ANY_TICK : lastTickNanos);
    }
    connection.peerRole = Role.Secondary;
    boolean grantEnded = connection.grantedTransaction != 0;
    connection.grantedTransaction = 0;
    Set<VolumeCore> touched = new LinkedHashSet<>();
    for (VolumeCore.PendingWrite write : connection.unacked.values()) {
      VolumeCore volume = volumes.get(write.request.volume());
      if (write.awaitingWritten.remove(nodeId)) {
        markMissed(volume, write, nodeId);
      }
      write.awaitingReceived.remove(nodeId);
      touched.add(volume);
    }
    List<VolumeCore.PendingWrite> owed = new ArrayList<>(connection.unacked.values());
    connection.unacked.clear();
    connection.inFlightBytes = 0;
    if (!owed.isEmpty() && !quorum().hasQuorum()) {
      // the writes this peer owed an answer for may exist on a minority only: not acknowledged
      for (VolumeCore.PendingWrite write : owed) {
        write.quorumLost = true;
      }
    }
    for (VolumeCore.PendingWrite write : owed) {
      VolumeCore volume = volumes.get(write.request.volume());
      if (volume.active.contains(write)) {
        finishClientWrite(volume, write);
      }
    }
    List<Connection.FlushWaiter> flushes = new ArrayList<>(connection.barriers.values());
    connection.barriers.clear();
    boolean quorate = quorum().hasQuorum();
    for (Connection.FlushWaiter waiter : flushes) {
      waiter.awaiting.remove(nodeId);
      if (!quorate && waiter.failure == null) {
        // the writes it covers may be durable on a minority only: the flush is not confirmed
        waiter.failure = "resource " + settings.resource() + " on " + settings.nodeName() + " lost quorum ("
            + quorum().reason() + ") before the flush was confirmed";
      }
      finishFlush(waiter);
    }
    connection.incomingBarriers.clear();
    // writes of the lost Primary whose fate is unknown: any node they were meant for may miss them,
    // and this node may miss some another got; the Secondaries connected to this one compare afresh
    // (the one holding more of the generation's writes becomes the source, DRBD's reconciliation)
    boolean unsettled = !connection.awaitingPeerAck.isEmpty();
    for (Map.Entry<Long, Connection.ReceivedWrite> received : connection.awaitingPeerAck.entrySet()) {
      markReceivedWriteMissed(connection, received.getKey(), received.getValue(), ~0, false);
    }
    connection.awaitingPeerAck.clear();
    if (unsettled && role != Role.Primary) {
      for (Connection other : new ArrayList<>(connections.values())) {
        if (other != connection && other.ready() && other.peerRole != Role.Primary
            && other.peer.disk() == Peer.Disk.DISKFUL) {
          renegotiate(other, "the Primary " + connection.peer.name() + " was lost with writes not settled");
        }
      }
    }
    for (Connection.FencedRead fenced : connection.fencedReads) {
      ResyncRequest request = fenced.request();
      if (fenced.requester().id == fenced.requesterConnectionId()) {
        send(fenced.requester(), new ResyncReply(request.id(), request.volume(), request.offset(), request.length(),
            ResyncReply.FAILED, null));
      }
    }
    connection.fencedReads.clear();
    for (Connection other : connections.values()) {
      other.resyncRefused = false;
    }
    for (Map.Entry<Integer, PeerVolume> entry : connection.volumes.entrySet()) {
      PeerVolume peerVolume = entry.getValue();
      List<Event.ClientRequest> reads = new ArrayList<>(peerVolume.remoteReads.values());
      peerVolume.remoteReads.clear();
      peerVolume.reset();
      VolumeCore volume = volumes.get(entry.getKey());
      for (Event.ClientRequest read : reads) {
        if (!readFromPeer(volume, read, connection)) {
          complete(read.requestId(), IoStatus.IO_ERROR, "read of volume " + volume.number + " lost with "
              + connection.peer.name() + " (" + reason + ") and no other UpToDate peer is connected");
        }
      }
    }
    if (roleChange != null && roleChange.awaitingVotes.remove(nodeId)) {
      votesCounted(roleChange);
    }
    if (role == Role.Primary && wasReplicating) {
      for (VolumeCore volume : volumes.values()) {
        volume.newGenerationOnFirstWrite = true;
      }
    }
    // writes already on the local disk that the peer missed: the generation moves on now, or the
    // peer could come back believing it holds this generation. Nothing is written in the new one
    // (the next write starts another): a majority that moved on from the old one meanwhile is no
    // split brain, this side just takes its data (unwrittenSideSyncs)
    for (VolumeCore.PendingWrite write : owed) {
      VolumeCore volume = volumes.get(write.request.volume());
      if (!write.throughPeers && volume.servesLocally() && !volume.generationChangeInFlight) {
        startNewGeneration(volume, true);
        volume.newGenerationOnFirstWrite = role == Role.Primary;
      }
    }
    recordQuorumLoss();
    if (grantEnded && !stateUnsettled()) {
      attached();
    }
    for (VolumeCore volume : volumes.values()) {
      resumePausedTarget(volume);
    }
    touched.addAll(volumes.values());
    for (VolumeCore volume : touched) {
      advance(volume);
    }
  }

  private ReplicaState sendState(Connection connection) {
    List<ReplicaState.VolumeState> states = new ArrayList<>();
    for (VolumeCore volume : volumes.values()) {
      Superblock superblock = volume.superblock;
      int flags = 0;
      long current = 0;
      Map<Integer, Long> bitmapUuids = new TreeMap<>();
      List<Long> history = new ArrayList<>();
      if (superblock != null) {
        if (superblock.flags().contains(SuperblockFlag.CRASHED_PRIMARY)) {
          flags |= ReplicaState.VolumeState.FLAG_CRASHED_PRIMARY;
        }
        if (superblock.flags().contains(SuperblockFlag.PRIMARY_LOST_QUORUM)) {
          flags |= ReplicaState.VolumeState.FLAG_LOST_QUORUM_AS_PRIMARY;
        }
        current = superblock.currentUuid();
        for (PeerSlot slot : superblock.peerSlots()) {
          if (slot.peerNodeId() != PeerSlot.UNASSIGNED && slot.bitmapUuid() != 0) {
            bitmapUuids.put(slot.peerNodeId(), slot.bitmapUuid());
          }
        }
        for (long uuid : superblock.historyUuids()) {
          if (uuid != 0) {
            history.add(uuid);
          }
        }
      }
      if (connection.everConnected) {
        flags |= ReplicaState.VolumeState.FLAG_RECONNECT;
      }
      if (discardMyData) {
        flags |= ReplicaState.VolumeState.FLAG_DISCARD_MY_DATA;
      }
      if (superblock != null && superblock.flags().contains(SuperblockFlag.UNWRITTEN_GENERATION)) {
        flags |= ReplicaState.VolumeState.FLAG_UNWRITTEN_GENERATION;
      }
      if (volume.replayedLog) {
        flags |= ReplicaState.VolumeState.FLAG_REPLAYED_LOG;
      }
      states.add(new ReplicaState.VolumeState(volume.number, volume.diskState.ordinal(), flags, volume.sizeBytes,
          current, bitmapUuids, history, volume.generationWrites,
          volume.ownUnacknowledged ? volume.unacknowledgedSince : 0));
    }
    ReplicaState state = new ReplicaState(role == Role.Primary ? ReplicaState.ROLE_PRIMARY
        : ReplicaState.ROLE_SECONDARY, states, lastWriteSequence, primaryPeer());
    send(connection, state);
    return state;
  }

  /** Tells every connected peer this node's role and disk states (after a change). */
  private void broadcastState() {
    for (Connection connection : connections.values()) {
      if (connection.connected() && !connection.stateDeferred) {
        sendState(connection);
      }
    }
  }

  private void onPeerReceived(Event.PeerReceived received) {
    Connection connection = connection(received.nodeId());
    if (connection.id != received.connectionId()) {
      return; // from a connection that has ended
    }
    WireMessage message = received.message();
    if (message instanceof ReplicaState state) {
      onPeerState(connection, state);
    } else if (message.type().code() < FIRST_REPLICATION_TYPE) {
      return; // keepalives and the like are the edge's business
    } else if (connection.peerState == null) {
      hold(connection, "protocol error: " + message.type() + " before the peer's state");
    } else if (message instanceof DataWrite write) {
      onDataWrite(connection, write);
    } else if (message instanceof WriteAck ack) {
      onWriteAck(connection, ack);
    } else if (message instanceof Barrier barrier) {
      onBarrier(connection, barrier);
    } else if (message instanceof BarrierAck ack) {
      onBarrierAck(connection, ack);
    } else if (message instanceof BitmapRuns runs) {
      onBitmapRuns(connection, runs);
    } else if (message instanceof ResyncRequest request) {
      onResyncRequest(connection, request);
    } else if (message instanceof ResyncReply reply) {
      onResyncReply(connection, reply);
    } else if (message instanceof InSync inSync) {
      onInSync(connection, inSync);
    } else if (message instanceof PeerAck peerAck) {
      onPeerAck(connection, peerAck);
    } else if (message instanceof ResyncFinished finished) {
      onResyncFinished(connection, finished);
    } else if (message instanceof NewCurrentUuid newUuid) {
      onNewCurrentUuid(connection, newUuid);
    } else if (message instanceof TwoPhase twoPhase) {
      onTwoPhase(connection, twoPhase);
    } else if (message instanceof ChecksumRequest request) {
      onChecksumRequest(connection, request);
    } else if (message instanceof ChecksumReply reply) {
      onChecksumReply(connection, reply);
    }
    // other kinds (PING, PONG) never reach the core
  }

  private static DiskState diskState(int code) {
    DiskState[] states = DiskState.values();
    return code >= 0 && code < states.length ? states[code] : DiskState.DUnknown;
  }

  // ---------------------------------------------------------------- peers: the connect decision

  private void onPeerState(Connection connection, ReplicaState state) {
    boolean first = connection.peerState == null;
    Role previousRole = connection.peerRole;
    connection.peerState = state;
    connection.lastPeerState = state;
    if (first) {
      connection.peerInitialState = state;
    }
    connection.peerRole = state.role() == ReplicaState.ROLE_PRIMARY ? Role.Primary : Role.Secondary;
    for (ReplicaState.VolumeState volumeState : state.volumes()) {
      PeerVolume peerVolume = connection.volume(volumeState.number());
      VolumeCore local = volumes.get(volumeState.number());
      boolean wasReplicating = local != null && replicatesTo(connection, local);
      peerVolume.peerDisk = diskState(volumeState.diskState());
      if (wasReplicating && !holdsData(peerVolume.peerDisk) && role == Role.Primary) {
        // the peer's disk failed: it stops receiving writes, as if it were lost
        local.newGenerationOnFirstWrite = true;
      }
      if (first) {
        peerVolume.peerReportedDisk = peerVolume.peerDisk;
      }
      peerVolume.peerCurrentUuid = volumeState.currentUuid();
    }
    connection.resyncRefused = false;
    String conflict = first ? roleConflict(connection, state) : null;
    if (conflict != null && !splitBrainWith(connection)) {
      // two Primaries never join, not even through a third node: neither may count the other for
      // quorum or take its writes
      connection.peerReportedRole = connection.peerRole;
      connection.roleConflict = true;
      connection.problem = conflict + "; the connection waits until a Primary demotes";
      return;
    }
    if (connection.roleConflict) {
      reviewRoleConflicts();
      return;
    }
    if (first && connection.peerRole == Role.Primary && connections.values().stream()
        .anyMatch(other -> other != connection && other.ready() && other.peerRole == Role.Primary)) {
      // another Primary's connection became ready after this one's state went out: connect afresh,
      // now telling which Primary this node takes writes from
      renegotiate(connection, settings.nodeName() + " takes writes from another Primary");
      return;
    }
    if (first) {
      connection.peerReportedRole = connection.peerRole;
      connection.writesBefore = state.writeSequence();
      connection.lastWriteReceived = state.writeSequence();
      if (!connection.stateDeferred) {
        decideOnConnect(connection);
      }
      return;
    }
    for (VolumeCore volume : volumes.values()) {
      String movedOn = movedOnWithoutThisNode(connection, volume, state);
      if (movedOn != null) {
        renegotiate(connection, movedOn);
        return;
      }
    }
    for (VolumeCore volume : volumes.values()) {
      PeerVolume peerVolume = connection.volume(volume.number);
      if (peerVolume.replication == ReplicationState.SyncTarget && !holdsUpToDateData(peerVolume.peerDisk)) {
        pauseTarget(volume, connection, connection.peer.name() + " has no UpToDate data any more");
        resumePausedTarget(volume);
      } else if (connection.peerRole == Role.Primary && previousRole != Role.Primary
          && peerVolume.replication == ReplicationState.PausedSyncT) {
        // the Primary's writes come over its own connection: resync from it, not from a third node
        for (Connection other : connections.values()) {
          if (other != connection && other.volume(volume.number).replication == ReplicationState.SyncTarget) {
            pauseTarget(volume, other, connection.peer.name() + " became Primary");
          }
        }
        resumePausedTarget(volume);
      }
      // a waiting source may have become UpToDate
      resumePausedTarget(volume);
    }
    advanceAll();
  }

  /**
   * Why the connection is compared afresh, or null: the peer, in sync with this node, reports a
   * newer generation of the volume that never reached this node (its writer had counted this node
   * out when it started it). The comparison brings it here with whatever was written in it. Not
   * while another node is Primary: its NEW_CURRENT_UUID may still be on its way here.
   */
  private String movedOnWithoutThisNode(Connection connection, VolumeCore volume, ReplicaState state) {
    PeerVolume peerVolume = connection.volume(volume.number);
    if (role == Role.Primary || peerVolume.replication != ReplicationState.Established || volume.superblock == null
        || volume.diskState != DiskState.UpToDate || volume.generationChangeInFlight) {
      return null;
    }
    for (Connection other : connections.values()) {
      if (other != connection && other.ready() && other.peerRole == Role.Primary) {
        return null;
      }
    }
    long mine = volume.superblock.currentUuid();
    for (ReplicaState.VolumeState theirs : state.volumes()) {
      if (theirs.number() == volume.number && diskState(theirs.diskState()) == DiskState.UpToDate
          && !sameUuid(theirs.currentUuid(), mine)
          && theirs.history().stream().anyMatch(uuid -> uuid != 0 && sameUuid(uuid, mine))) {
        return connection.peer.name() + " moved on to a newer generation of volume " + volume.number
            + " that never reached " + settings.nodeName() + "; comparing again";
      }
    }
    return null;
  }

  /**
   * Why this connection must not join two Primaries, judged on what both sides told each other at
   * connect (both judge alike), or null: both are Primary; one is Primary and the other takes
   * writes from a third node; or this node already takes writes from another Primary that is
   * connected now.
   */
  private String roleConflict(Connection connection, ReplicaState theirs) {
    boolean mePrimary = connection.reportedRole == Role.Primary;
    boolean themPrimary = theirs.role() == ReplicaState.ROLE_PRIMARY;
    int me = settings.nodeId();
    int them = connection.peer.nodeId();
    if (mePrimary && themPrimary) {
      return "both " + settings.nodeName() + " and " + connection.peer.name() + " are Primary";
    }
    if (mePrimary && theirs.primaryPeer() != ReplicaState.NO_PRIMARY_PEER && theirs.primaryPeer() != me) {
      return connection.peer.name() + " takes writes from another Primary (node " + theirs.primaryPeer() + ")";
    }
    if (themPrimary && connection.reportedPrimaryPeer >= 0 && connection.reportedPrimaryPeer != them) {
      return settings.nodeName() + " takes writes from another Primary (node " + connection.reportedPrimaryPeer + ")";
    }
    return null;
  }

  /** Whether the generations reported at connect are a split brain (the decision then holds the connection). */
  private boolean splitBrainWith(Connection connection) {
    for (VolumeCore volume : volumes.values()) {
      PeerVolume peerVolume = connection.volume(volume.number);
      ReplicaState.VolumeState theirs = connection.peerVolumeState(volume.number);
      if (theirs == null || theirs.sizeBytes() != volume.sizeBytes || !exchangesBitmaps(volume, connection, peerVolume)) {
        continue;
      }
      ResyncDecision.Kind kind = ResyncDecider.decide(mySide(volume, connection, peerVolume),
          peerSide(connection, theirs), settings.protocol()).kind();
      if ((kind == ResyncDecision.Kind.SPLIT_BRAIN || kind == ResyncDecision.Kind.SPLIT_BRAIN_HISTORY)
          && unwrittenSideSyncs(connection, peerVolume.reportedState, theirs) == null) {
        return true;
      }
    }
    return false;
  }

  /** Whether the conflict of two Primaries that kept this connection unused still holds now. */
  private boolean roleConflictHolds(Connection connection) {
    int mine = primaryPeer();
    int theirs = connection.peerState == null ? ReplicaState.NO_PRIMARY_PEER : connection.peerState.primaryPeer();
    boolean themPrimary = connection.peerRole == Role.Primary;
    return (role == Role.Primary && themPrimary)
        || (role == Role.Primary && theirs != ReplicaState.NO_PRIMARY_PEER && theirs != settings.nodeId())
        || (themPrimary && mine != ReplicaState.NO_PRIMARY_PEER && mine != connection.peer.nodeId());
  }

  /** Connections kept unused by a conflict of two Primaries connect afresh once it is over. */
  private void reviewRoleConflicts() {
    for (Connection connection : new ArrayList<>(connections.values())) {
      if (connection.roleConflict && connection.connected() && !roleConflictHolds(connection)) {
        renegotiate(connection, "no longer two Primaries; connecting afresh");
      }
    }
  }

  /** The node id of the connected Primary this node takes writes from, or -1. */
  private int primaryPeer() {
    if (role == Role.Primary) {
      return ReplicaState.NO_PRIMARY_PEER;
    }
    for (Connection connection : connections.values()) {
      if (connection.ready() && connection.peerRole == Role.Primary) {
        return connection.peer.nodeId();
      }
    }
    return ReplicaState.NO_PRIMARY_PEER;
  }

  private void decideOnConnect(Connection connection) {
    decide(connection);
    // peers waiting on this node for a fenced resync may ask again
    broadcastState();
  }

  private static boolean holdsUpToDateData(DiskState disk) {
    return disk == DiskState.UpToDate;
  }

  /** Decides per volume what the new connection does (DRBD-REFERENCE.md §4.2), then sends the bitmaps. */
  private void decide(Connection connection) {
    for (VolumeCore volume : volumes.values()) {
      ReplicaState.VolumeState theirs = connection.peerVolumeState(volume.number);
      if (theirs == null) {
        hold(connection, connection.peer.name() + " has no volume " + volume.number + " of resource "
            + settings.resource() + "; check both configurations");
        return;
      }
      if (theirs.sizeBytes() != volume.sizeBytes) {
        hold(connection, "volume " + volume.number + " is " + volume.sizeBytes + " bytes here and "
            + theirs.sizeBytes() + " bytes on " + connection.peer.name() + "; check both configurations");
        return;
      }
    }
    Map<Integer, ResyncDecision> decisions = new TreeMap<>();
    String yieldsAsPrimary = null;
    for (VolumeCore volume : volumes.values()) {
      PeerVolume peerVolume = connection.volume(volume.number);
      if (!exchangesBitmaps(volume, connection, peerVolume)) {
        String behind = behindADatalessPrimary(volume, connection, peerVolume);
        if (behind != null) {
          holdForSplitBrain(connection, behind); // compared again every 30 s, as a split brain
          return;
        }
        continue;
      }
      ReplicaState.VolumeState theirs = connection.peerVolumeState(volume.number);
      ResyncDecision decision = ResyncDecider.decide(mySide(volume, connection, peerVolume),
          peerSide(connection, theirs), settings.protocol());
      ResyncDecision.Kind kind = decision.kind();
      if (peerVolume.reportedDisk == DiskState.Inconsistent && peerVolume.peerReportedDisk == DiskState.Inconsistent
          && kind != ResyncDecision.Kind.NO_SYNC) {
        // neither side holds data it could serve: nothing to compare until one of them is whole
        peerVolume.uncompared = true;
        notice("volume " + volume.number + " with " + connection.peer.name() + ": both Inconsistent, connected"
            + " without a resync; compared again once either is UpToDate (" + decision.reason() + ")");
        continue;
      }
      if (kind == ResyncDecision.Kind.SPLIT_BRAIN || kind == ResyncDecision.Kind.SPLIT_BRAIN_HISTORY) {
        ResyncDecision unwritten = unwrittenSideSyncs(connection, peerVolume.reportedState, theirs);
        boolean mineInconsistent = peerVolume.reportedDisk == DiskState.Inconsistent;
        boolean theirsInconsistent = peerVolume.peerReportedDisk == DiskState.Inconsistent;
        if (unwritten != null) {
          decision = unwritten;
          kind = decision.kind();
          if (role == Role.Primary && (kind == ResyncDecision.Kind.TARGET_BITMAP
              || kind == ResyncDecision.Kind.TARGET_FULL)) {
            yieldsAsPrimary = "volume " + volume.number + " takes the data of " + connection.peer.name() + " ("
                + decision.reason() + ")";
          }
        } else if (mineInconsistent != theirsInconsistent) {
          // a side in the middle of a resync holds no data of its own to keep: it takes all of the other's
          decision = new ResyncDecision(mineInconsistent ? ResyncDecision.Kind.TARGET_FULL
              : ResyncDecision.Kind.SOURCE_FULL, decision.rule(), -1, (mineInconsistent ? settings.nodeName()
              : connection.peer.name()) + " is Inconsistent: " + decision.reason());
          kind = decision.kind();
        }
      }
      if (kind == ResyncDecision.Kind.SPLIT_BRAIN || kind == ResyncDecision.Kind.SPLIT_BRAIN_HISTORY) {
        boolean theyDiscard = (theirs.flags() & ReplicaState.VolumeState.FLAG_DISCARD_MY_DATA) != 0;
        if (discardMyData != theyDiscard) {
          // an operator chose the loser: its changes are overwritten by the other side's
          decision = new ResyncDecision(discardMyData ? ResyncDecision.Kind.TARGET_BITMAP
              : ResyncDecision.Kind.SOURCE_BITMAP, decision.rule(), -1, "split brain resolved by discard-my-data on "
              + (discardMyData ? settings.nodeName() : connection.peer.name()));
          kind = decision.kind();
        } else if (kind == ResyncDecision.Kind.SPLIT_BRAIN && settings.splitBrain() != SplitBrainPolicy.DISCONNECT
            && !discardMyData) {
          peerVolume.splitBrainPending = true;
          decisions.put(volume.number, decision);
          continue;
        }
      }
      if (kind == ResyncDecision.Kind.SPLIT_BRAIN || kind == ResyncDecision.Kind.SPLIT_BRAIN_HISTORY
          || kind == ResyncDecision.Kind.UNRELATED) {
        String what = kind == ResyncDecision.Kind.UNRELATED ? "unrelated data" : "split brain";
        holdForSplitBrain(connection, what + " detected on volume " + volume.number + " with "
            + connection.peer.name() + " ("
            + decision.reason() + "); nothing was synced. Resolve it with discard-my-data on the node whose"
            + " changes are to be dropped, then connect");
        return;
      }
      ResyncDecision towardsUpToDate = unwrittenBehindYields(connection, peerVolume, theirs, decision);
      if (towardsUpToDate != null) {
        decision = towardsUpToDate;
      }
      decisions.put(volume.number, decision);
    }
    if (yieldsAsPrimary != null) {
      // only once no volume held the connection: a held one changes nothing on either side
      forceSecondary(yieldsAsPrimary);
    }
    for (VolumeCore volume : volumes.values()) {
      PeerVolume peerVolume = connection.volume(volume.number);
      ResyncDecision decision = decisions.get(volume.number);
      if (decision == null) {
        peerVolume.replication = ReplicationState.Established;
        continue;
      }
      int slot = volume.slotOfPeer.get(connection.peer.nodeId());
      switch (decision.kind()) {
        case SOURCE_BITMAP:
        case SOURCE_FULL:
          peerVolume.direction = PeerVolume.Direction.SOURCE;
          peerVolume.replication = ReplicationState.WFBitMapS;
          break;
        case TARGET_BITMAP:
        case TARGET_FULL:
          peerVolume.direction = PeerVolume.Direction.TARGET;
          peerVolume.replication = ReplicationState.WFBitMapT;
          outdateBehindUnservableSource(volume, connection, peerVolume, decision);
          break;
        default:
          // Established once the exchanged bitmaps show nothing to move
          peerVolume.direction = PeerVolume.Direction.NONE;
          peerVolume.replication = settings.nodeId() < connection.peer.nodeId() ? ReplicationState.WFBitMapS
              : ReplicationState.WFBitMapT;
          break;
      }
      ReplicaState.VolumeState told = peerVolume.reportedState;
      ReplicaState.VolumeState theirs = connection.peerVolumeState(volume.number);
      peerVolume.adoptGeneration = told != null && theirs != null
          && !sameUuid(told.currentUuid(), theirs.currentUuid());
      if (peerVolume.adoptGeneration && peerVolume.direction == PeerVolume.Direction.TARGET) {
        // the count of an older generation says nothing about the one this resync brings; from
        // now on it counts the writes its writer sends here meanwhile
        volume.generationWrites = 0;
      }
      long blocks = volume.bitmap.blocks();
      if (decision.kind() == ResyncDecision.Kind.SOURCE_FULL || decision.kind() == ResyncDecision.Kind.TARGET_FULL) {
        volume.bitmap.set(slot, 0, blocks - 1);
        // both sides keep the same marker with their set bits, so a cut-off full sync goes on by bitmap
        if (told != null && theirs != null) {
          boolean source = decision.kind() == ResyncDecision.Kind.SOURCE_FULL;
          long marker = source
              ? ResyncDecider.fullSyncMarker(told.currentUuid(), theirs.currentUuid(), settings.nodeId(),
                  connection.peer.nodeId())
              : ResyncDecider.fullSyncMarker(theirs.currentUuid(), told.currentUuid(), connection.peer.nodeId(),
                  settings.nodeId());
          int peerId = connection.peer.nodeId();
          changeSuperblock(volume, superblock -> superblock.withFullSyncMarker(peerId, marker), Effect.DataSync.NONE,
              VolumeCore.LogCleanup.BITMAP_FIRST, () -> { });
        }
      } else if (decision.viaNode() >= 0 && peerVolume.direction == PeerVolume.Direction.SOURCE) {
        Integer viaSlot = volume.slotOfPeer.get(decision.viaNode());
        if (viaSlot == null) {
          volume.bitmap.set(slot, 0, blocks - 1);
        } else {
          unionInto(volume.bitmap, viaSlot, slot);
        }
      }
      markUnsettledWrites(connection, volume, slot);
      peerVolume.myChanges = volume.bitmap.count(slot);
      notice("volume " + volume.number + " with " + connection.peer.name() + ": " + describe(decision)
          + (decision.reason() == null || decision.reason().isEmpty() ? "" : " (" + decision.reason() + ")")
          + "; " + kib(peerVolume.myChanges) + " KiB marked here");
      sendBitmap(connection, volume, slot);
    }
  }

  private static String describe(ResyncDecision decision) {
    return switch (decision.kind()) {
      case NO_SYNC -> "same data, bitmaps decide";
      case SOURCE_BITMAP -> "SyncSource by bitmap";
      case TARGET_BITMAP -> "SyncTarget by bitmap";
      case SOURCE_FULL -> "SyncSource of everything";
      case TARGET_FULL -> "SyncTarget of everything";
      default -> decision.kind().toString();
    };
  }

  /**
   * Two generations that parted from a common one are no split brain when one side's data since
   * the parent is nobody's promise: its generation was started only because a peer was lost with
   * writes in flight and nothing was written in it since (it holds its parent generation plus
   * writes it marked for the peers that missed them), or it started the generations since the
   * parent itself and acknowledged no client write in them (a Primary that lost quorum with its
   * writes unconfirmed, whether it stepped down or is still Primary; should it acknowledge a write
   * before the decision, the connection starts afresh without the claim). The other
   * side moved on from that parent. The yielding side becomes SyncTarget — of the union of both
   * bitmaps when the other side tracks it since the parent, else of everything. Both sides compute
   * the same from what they reported; with both yielding, the higher node id does. Null when this
   * does not apply.
   *
   * <p>Having lost quorum as Primary alone is no reason to yield: the generations written before
   * the loss may hold writes a majority acknowledged, and the other side of this one connection
   * need not be that majority. Such a split brain waits for a policy or an operator.
   */
  private ResyncDecision unwrittenSideSyncs(Connection connection, ReplicaState.VolumeState mine,
      ReplicaState.VolumeState theirs) {
    if (mine == null || theirs == null) {
      return null;
    }
    long mineFrom = discardableSince(mine);
    long theirsFrom = discardableSince(theirs);
    boolean higher = settings.nodeId() > connection.peer.nodeId();
    // the higher node id is tried first when both could yield
    boolean[] order = mineFrom != 0 && theirsFrom != 0 ? new boolean[] {higher, !higher}
        : mineFrom != 0 ? new boolean[] {true} : theirsFrom != 0 ? new boolean[] {false} : new boolean[0];
    for (boolean iYield : order) {
      ReplicaState.VolumeState yielding = iYield ? mine : theirs;
      ReplicaState.VolumeState other = iYield ? theirs : mine;
      long parent = iYield ? mineFrom : theirsFrom;
      int yieldingNode = iYield ? settings.nodeId() : connection.peer.nodeId();
      if (diskState(other.diskState()) == DiskState.Inconsistent) {
        continue; // a side in the middle of a resync has no data to give
      }
      Long tracked = other.bitmapUuids().get(yieldingNode);
      boolean bitmap = tracked != null && sameUuid(tracked, parent);
      // the other side held that parent: it is its generation or in its history, or its slot for
      // the yielding node tracks from it (a long run of generations since pushes it out of history)
      if (!bitmap && !sameUuid(other.currentUuid(), parent)
          && other.history().stream().noneMatch(uuid -> sameUuid(uuid, parent))) {
        continue; // the other side never held that parent
      }
      ResyncDecision.Kind kind = iYield
          ? (bitmap ? ResyncDecision.Kind.TARGET_BITMAP : ResyncDecision.Kind.TARGET_FULL)
          : (bitmap ? ResyncDecision.Kind.SOURCE_BITMAP : ResyncDecision.Kind.SOURCE_FULL);
      String who = iYield ? settings.nodeName() : connection.peer.name();
      String why = yielding.unacknowledgedSince() != 0 && sameUuid(yielding.unacknowledgedSince(), parent)
          ? " promised no write since it branched off" : " started a generation it wrote nothing in";
      return new ResyncDecision(kind, 0, -1, who + why + "; it takes the data of the other side");
    }
    return null;
  }

  /**
   * A client write in the current generation was acknowledged: the generations this node started
   * hold a promise now. A connection whose state went out claiming otherwise, and whose decision is
   * still to come, connects afresh, so no decision lets this branch yield on a claim no longer true.
   */
  private void acknowledgedInGeneration(VolumeCore volume) {
    if (!volume.ownUnacknowledged) {
      return;
    }
    volume.ownUnacknowledged = false;
    for (Connection connection : new ArrayList<>(connections.values())) {
      PeerVolume peerVolume = connection.volumes.get(volume.number);
      if (connection.connected() && !connection.stateDeferred && connection.peerState == null && peerVolume != null
          && peerVolume.reportedState != null && peerVolume.reportedState.unacknowledgedSince() != 0) {
        notice("volume " + volume.number + " with " + connection.peer.name() + ": a write was acknowledged in"
            + " this node's generation after it told the peer none was; connecting afresh");
        renegotiate(connection, "volume " + volume.number + " acknowledged a write while connecting");
      }
    }
  }

  /**
   * The generations make a side the source that cannot serve: it is not UpToDate (its disk failed,
   * it was Outdated, or it is Inconsistent: a resync of this kind was cut) and its newer generation
   * is one it wrote nothing in, started from the other side's current one, while the other side is
   * UpToDate. Both hold the same writes of that parent generation but for what was in flight when
   * the source side stopped (never acknowledged by both); the UpToDate side serves those blocks
   * instead, and a resync that could never start is avoided. Both sides decide alike from the states they told each other. Null when it does not apply.
   */
  private ResyncDecision unwrittenBehindYields(Connection connection, PeerVolume peerVolume,
      ReplicaState.VolumeState theirs, ResyncDecision decision) {
    ReplicaState.VolumeState mine = peerVolume.reportedState;
    if (mine == null || theirs == null) {
      return null;
    }
    boolean iAmSource = decision.kind() == ResyncDecision.Kind.SOURCE_BITMAP
        || decision.kind() == ResyncDecision.Kind.SOURCE_FULL;
    boolean theyAreSource = decision.kind() == ResyncDecision.Kind.TARGET_BITMAP
        || decision.kind() == ResyncDecision.Kind.TARGET_FULL;
    if (!iAmSource && !theyAreSource) {
      return null;
    }
    ReplicaState.VolumeState source = iAmSource ? mine : theirs;
    ReplicaState.VolumeState target = iAmSource ? theirs : mine;
    DiskState sourceDisk = iAmSource ? peerVolume.reportedDisk : peerVolume.peerReportedDisk;
    DiskState targetDisk = iAmSource ? peerVolume.peerReportedDisk : peerVolume.reportedDisk;
    if (sourceDisk == DiskState.UpToDate || targetDisk != DiskState.UpToDate
        || !source.has(ReplicaState.VolumeState.FLAG_UNWRITTEN_GENERATION) || source.history().isEmpty()
        || !sameUuid(source.history().get(0), target.currentUuid())) {
      return null;
    }
    String who = iAmSource ? settings.nodeName() : connection.peer.name();
    return new ResyncDecision(iAmSource ? ResyncDecision.Kind.TARGET_BITMAP : ResyncDecision.Kind.SOURCE_BITMAP,
        decision.rule(), -1, who + " is " + sourceDisk + " in a generation it wrote nothing in, started from the"
            + " UpToDate side's; it takes the blocks that differ from that side (" + decision.reason() + ")");
  }

  /**
   * The generations say the peer holds newer data, but it cannot serve it: it is Outdated or only
   * Consistent (its disk failed while it wrote, or it wrote cut off from the others). This node is
   * behind a newer generation, so it is no longer UpToDate either: it says so, durably, and waits
   * until that peer is UpToDate (an operator promotes it with force, POST /promote?force=true) or
   * another source appears. A Primary keeps its role and disk state (it holds quorum or fails I/O).
   */
  private void outdateBehindUnservableSource(VolumeCore volume, Connection connection, PeerVolume peerVolume,
      ResyncDecision decision) {
    DiskState theirs = peerVolume.peerReportedDisk;
    if (role == Role.Primary || volume.diskState != DiskState.UpToDate
        || (theirs != DiskState.Outdated && theirs != DiskState.Consistent)) {
      return;
    }
    notice("volume " + volume.number + ": " + connection.peer.name() + " holds a newer generation (" + decision.reason()
        + ") but is " + theirs + " and cannot serve it; this node is Outdated until that data is UpToDate somewhere"
        + " (if " + connection.peer.name() + " holds the newest data, promote it with force)");
    volume.diskState = DiskState.Outdated;
    changeSuperblock(volume, withFlag(SuperblockFlag.WAS_UP_TO_DATE, false), Effect.DataSync.NONE,
        VolumeCore.LogCleanup.KEEP, () -> { });
    broadcastState();
  }

  /**
   * A Primary without data of its own (diskless, or its disk failed) writes through its peers in
   * its generation, and there are no bitmaps to compare with it. A peer holding another generation
   * would take those writes over data the Primary's generation never held, and then claim the
   * next generation whole. Such a peer waits until it holds the Primary's generation (a resync
   * from a node that does); null when this node may take the Primary's writes.
   */
  private String behindADatalessPrimary(VolumeCore volume, Connection connection, PeerVolume peerVolume) {
    ReplicaState.VolumeState told = peerVolume.reportedState;
    ReplicaState.VolumeState theirs = connection.peerVolumeState(volume.number);
    if (!volume.servesLocally() || connection.peerReportedRole != Role.Primary || told == null || theirs == null
        || holdsData(peerVolume.peerReportedDisk) || sameUuid(told.currentUuid(), theirs.currentUuid())) {
      return null;
    }
    return "volume " + volume.number + ": " + connection.peer.name() + " is Primary without data of its own in"
        + " generation " + Long.toHexString(theirs.currentUuid()) + " and this node holds "
        + Long.toHexString(told.currentUuid()) + "; it takes the Primary's writes once it holds that generation"
        + " (a resync from a node that has it)";
  }

  /** The parent generation a side's data since may be discarded back to, or 0. */
  private static long discardableSince(ReplicaState.VolumeState state) {
    if (state.unacknowledgedSince() != 0) {
      return state.unacknowledgedSince();
    }
    if (state.has(ReplicaState.VolumeState.FLAG_UNWRITTEN_GENERATION) && !state.history().isEmpty()) {
      return state.history().get(0);
    }
    return 0;
  }

  /** Both sides hold data and report it: the bitmaps are exchanged (each side checks the same reported states). */
  private static boolean exchangesBitmaps(VolumeCore volume, Connection connection, PeerVolume peerVolume) {
    return volume.diskful() && connection.peer.disk() == Peer.Disk.DISKFUL
        && holdsData(peerVolume.reportedDisk) && holdsData(peerVolume.peerReportedDisk);
  }

  /** This node as it told the peer at connect (so both sides decide on the same facts). */
  private ConnectingSide mySide(VolumeCore volume, Connection connection, PeerVolume peerVolume) {
    ReplicaState.VolumeState told = peerVolume.reportedState;
    ConnectingSide side = peerSide(connection, told);
    return new ConnectingSide(settings.nodeId(), side.generations(), side.flags(), connection.reportedRole,
        peerVolume.reportedDisk);
  }

  private static ConnectingSide peerSide(Connection connection, ReplicaState.VolumeState theirs) {
    Set<ConnectingSide.Flag> flags = EnumSet.noneOf(ConnectingSide.Flag.class);
    if ((theirs.flags() & ReplicaState.VolumeState.FLAG_CRASHED_PRIMARY) != 0) {
      flags.add(ConnectingSide.Flag.CRASHED_PRIMARY);
    }
    if ((theirs.flags() & ReplicaState.VolumeState.FLAG_LOST_QUORUM_AS_PRIMARY) != 0) {
      flags.add(ConnectingSide.Flag.LOST_QUORUM_AS_PRIMARY);
    }
    if ((theirs.flags() & ReplicaState.VolumeState.FLAG_RECONNECT) != 0) {
      flags.add(ConnectingSide.Flag.RECONNECT);
    }
    return new ConnectingSide(connection.peer.nodeId(), new Generations(theirs.currentUuid(), theirs.bitmapUuids(),
        theirs.history()), flags, connection.peerReportedRole, diskState(theirs.diskState()));
  }

  private static void unionInto(Bitmap bitmap, int fromSlot, int toSlot) {
    long block = bitmap.nextSetBit(fromSlot, 0);
    while (block >= 0) {
      long last = block;
      while (last + 1 < bitmap.blocks() && bitmap.get(fromSlot, last + 1)) {
        last++;
      }
      bitmap.set(toSlot, block, last);
      block = last + 1 < bitmap.blocks() ? bitmap.nextSetBit(fromSlot, last + 1) : -1;
    }
  }

  private void sendBitmap(Connection connection, VolumeCore volume, int slot) {
    for (BitmapRuns message : BitmapRuns.split(volume.number, runsOf(volume.bitmap, slot), BitmapRuns.MAX_RUNS)) {
      send(connection, message);
    }
  }

  /**
   * Writes received from a Primary whose PEER_ACK has not come yet may be missing on {@code peer}:
   * nothing here says whether it wrote them. They are marked for it before the bitmaps are
   * exchanged, so the marks cover every write this node counts in its generation's writes (the
   * count a target adopts when its resync ends).
   */
  private void markUnsettledWrites(Connection peer, VolumeCore volume, int slot) {
    if (volume.bitmap == null || !volume.servesLocally()) {
      return;
    }
    for (Connection writer : connections.values()) {
      if (writer == peer) {
        continue;
      }
      for (Connection.ReceivedWrite received : writer.awaitingPeerAck.values()) {
        if (received.volume() == volume.number && received.length() > 0) {
          volume.bitmap.set(slot, received.offset() / BLOCK_BYTES,
              (received.offset() + received.length() - 1) / BLOCK_BYTES);
        }
      }
    }
  }

  private static List<BitmapRuns.BlockRun> runsOf(Bitmap bitmap, int slot) {
    List<BitmapRuns.BlockRun> runs = new ArrayList<>();
    long block = bitmap.nextSetBit(slot, 0);
    while (block >= 0) {
      long last = block;
      while (last + 1 < bitmap.blocks() && bitmap.get(slot, last + 1)) {
        last++;
      }
      runs.add(new BitmapRuns.BlockRun(block, last - block + 1));
      block = last + 1 < bitmap.blocks() ? bitmap.nextSetBit(slot, last + 1) : -1;
    }
    return runs;
  }

  private void onBitmapRuns(Connection connection, BitmapRuns runs) {
    VolumeCore volume = volumes.get(runs.volume());
    Integer peerSlot = volume == null ? null : volume.slotOfPeer.get(connection.peer.nodeId());
    if (volume == null || !volume.diskful() || peerSlot == null) {
      hold(connection, "protocol error: a bitmap for volume " + runs.volume() + ", which keeps no bitmap here for "
          + connection.peer.name());
      return;
    }
    PeerVolume peerVolume = connection.volume(volume.number);
    int slot = peerSlot;
    long blocks = volume.bitmap.blocks();
    if (peerVolume.discardBitmap) {
      if (runs.last()) {
        peerVolume.discardBitmap = false;
        peerVolume.bitmapReceived = true;
      }
      return;
    }
    if (peerVolume.bitmapReceived) {
      onOutOfSync(volume, connection, peerVolume, slot, runs);
      return;
    }
    for (BitmapRuns.BlockRun run : runs.runs()) {
      peerVolume.theirChanges += run.count();
      if (run.first() >= blocks) {
        continue;
      }
      volume.bitmap.set(slot, run.first(), Math.min(blocks, run.first() + run.count()) - 1);
    }
    if (runs.last()) {
      peerVolume.bitmapReceived = true;
      startResync(volume, connection);
    }
  }

  // ---------------------------------------------------------------- peers: resync

  /** The peer marked blocks this node missed after the exchange: they are pulled from it. */
  private void onOutOfSync(VolumeCore volume, Connection connection, PeerVolume peerVolume, int slot,
      BitmapRuns runs) {
    if (!volume.servesLocally()) {
      return;
    }
    if (role == Role.Primary) {
      // a Primary does not resync while it serves its clients, and a peer that holds data of the
      // Primary's generation the Primary lacks contradicts it: the generations decide afresh
      renegotiate(connection, connection.peer.name() + " names blocks of volume " + volume.number
          + " the Primary " + settings.nodeName() + " lacks; comparing again");
      return;
    }
    if (peerVolume.replication == ReplicationState.SyncSource
        || peerVolume.replication == ReplicationState.PausedSyncS) {
      // the notices crossed: this node told the peer it lacks blocks, the peer tells this node it
      // lacks others. One slot cannot say both, so one side goes first: the higher node id takes
      // the peer's blocks while what it marked for the peer stays marked and is not fetched; it
      // tells the peer those once it is UpToDate again. The other side drops the notice
      if (settings.nodeId() < connection.peer.nodeId() || peerVolume.peerDisk != DiskState.UpToDate
          || volume.diskState != DiskState.UpToDate) {
        return;
      }
      peerVolume.tainted.clear();
      for (BitmapRuns.BlockRun marked : runsOf(volume.bitmap, slot)) {
        peerVolume.tainted.add(new long[] {marked.first(), marked.first() + marked.count() - 1});
      }
      peerVolume.served.clear();
      peerVolume.replication = ReplicationState.Established;
    }
    long blocks = volume.bitmap.blocks();
    BlockRanges kept = new BlockRanges();
    for (long[] run : peerVolume.tainted) {
      kept.add(run[0], run[1]);
    }
    for (BitmapRuns.BlockRun run : runs.runs()) {
      if (run.first() < blocks) {
        long last = Math.min(blocks, run.first() + run.count()) - 1;
        volume.bitmap.set(slot, run.first(), last);
        if (peerVolume.newerHereOwn && newerHereApplies(peerVolume, peerVolume.peerCurrentUuid)) {
          // this node's own writes of its generation: the peer's older data differs, it is not newer
          BlockRanges notOwn = new BlockRanges();
          notOwn.add(run.first(), last);
          for (long[] own : peerVolume.newerHere.runs()) {
            if (own[0] <= last && own[1] >= run.first()) {
              kept.add(Math.max(own[0], run.first()), Math.min(own[1], last));
            }
            notOwn.remove(own[0], own[1]);
          }
          for (long[] other : notOwn.runs()) {
            kept.remove(other[0], other[1]);
          }
          continue;
        }
        // the peer holds data there this node lacks: not newer here, whatever this node marked
        peerVolume.newerHere.remove(run.first(), last);
        peerVolume.unsettledHere.remove(run.first(), last);
        kept.remove(run.first(), last);
      }
    }
    peerVolume.tainted.clear();
    peerVolume.tainted.addAll(kept.runs());
    if (peerVolume.replication == ReplicationState.SyncTarget
        || peerVolume.replication == ReplicationState.PausedSyncT) {
      // an answer already on its way may hold the data from before the change
      for (BitmapRuns.BlockRun run : runs.runs()) {
        peerVolume.renotified.add(new long[] {run.first(), run.first() + run.count() - 1});
      }
    }
    if (peerVolume.replication == ReplicationState.Established) {
      peerVolume.direction = PeerVolume.Direction.TARGET;
      peerVolume.replication = ReplicationState.PausedSyncT;
      peerVolume.totalBlocks = volume.bitmap.count(slot);
      resumePausedTarget(volume);
    } else if (peerVolume.replication == ReplicationState.SyncTarget) {
      pumpResync(volume, connection);
    }
  }

  /**
   * Both bitmaps are in: the union says what differs. A decided direction starts the resync; with
   * no direction (same generation) a non-empty union is synced from the side that is UpToDate,
   * else the Primary, else the side that marked nothing, else the lower node id — the replicas were
   * equal at the generation's start (every writer starts a new one on its first write without a
   * peer), so only blocks a crash may have left different are marked.
   */
  private void startResync(VolumeCore volume, Connection connection) {
    PeerVolume peerVolume = connection.volume(volume.number);
    int slot = volume.slotOfPeer.get(connection.peer.nodeId());
    long marked = volume.bitmap.count(slot);
    if (peerVolume.splitBrainPending) {
      peerVolume.splitBrainPending = false;
      String unresolved = resolveSplitBrain(connection, peerVolume);
      if (unresolved != null) {
        holdForSplitBrain(connection, "split brain detected on volume " + volume.number + " with "
            + connection.peer.name() + ": " + unresolved + "; nothing was synced. Resolve it with discard-my-data on"
            + " the node whose changes"
            + " are to be dropped, then connect");
        return;
      }
    } else if (peerVolume.direction == PeerVolume.Direction.NONE) {
      if (marked == 0) {
        peerVolume.replication = ReplicationState.Established;
        forgetCrash(volume);
        return;
      }
      peerVolume.direction = directionWithoutDecision(volume, connection, peerVolume);
      if (peerVolume.direction == PeerVolume.Direction.NONE) {
        notice("volume " + volume.number + " with " + connection.peer.name() + ": both hold the same writes of"
            + " the generation; " + kib(marked) + " KiB of stale marks dropped");
        volume.clearSlotKeepingInFlight(slot);
        peerVolume.replication = ReplicationState.Established;
        forgetCrash(volume);
        if (!resyncingAsTarget(volume)) {
          // a resync cut off before it ended changed blocks here that peers in sync may lack
          tellChangedByResync(volume, connection);
        }
        return;
      }
    }
    peerVolume.totalBlocks = marked;
    notice("volume " + volume.number + " with " + connection.peer.name() + ": " + kib(marked) + " KiB to resync ("
        + kib(peerVolume.myChanges) + " marked here, " + kib(peerVolume.theirChanges) + " there), "
        + (peerVolume.direction == PeerVolume.Direction.SOURCE ? "SyncSource" : "SyncTarget"));
    if (peerVolume.direction == PeerVolume.Direction.SOURCE) {
      peerVolume.replication = ReplicationState.SyncSource;
      return;
    }
    peerVolume.replication = ReplicationState.PausedSyncT;
    resumePausedTarget(volume);
  }

  /**
   * Applies the split-brain policy once both change counts are known; both sides compute the same
   * outcome from their own view. Returns why it stays unresolved, or null with the direction set.
   */
  private String resolveSplitBrain(Connection connection, PeerVolume peerVolume) {
    long mine = peerVolume.myChanges;
    long theirs = peerVolume.theirChanges;
    PeerVolume.Direction direction = null;
    String policy = settings.splitBrain().text();
    switch (settings.splitBrain()) {
      case DISCARD_ZERO_CHANGES:
        if (mine == 0 && theirs > 0) {
          direction = PeerVolume.Direction.TARGET;
        } else if (theirs == 0 && mine > 0) {
          direction = PeerVolume.Direction.SOURCE;
        } else if (mine == 0) {
          direction = settings.nodeId() > connection.peer.nodeId() ? PeerVolume.Direction.TARGET
              : PeerVolume.Direction.SOURCE;
        } else {
          return "both sides changed blocks (" + mine + " here, " + theirs + " on " + connection.peer.name()
              + ") and the policy is " + policy;
        }
        break;
      case DISCARD_LEAST_CHANGES:
        if (mine != theirs) {
          direction = mine < theirs ? PeerVolume.Direction.TARGET : PeerVolume.Direction.SOURCE;
        } else {
          direction = settings.nodeId() > connection.peer.nodeId() ? PeerVolume.Direction.TARGET
              : PeerVolume.Direction.SOURCE;
        }
        break;
      case DISCARD_SECONDARY:
        if (connection.reportedRole == Role.Primary && connection.peerReportedRole != Role.Primary) {
          direction = PeerVolume.Direction.SOURCE;
        } else if (connection.reportedRole != Role.Primary && connection.peerReportedRole == Role.Primary) {
          direction = PeerVolume.Direction.TARGET;
        } else {
          return "neither or both sides are Primary and the policy is " + policy;
        }
        break;
      default:
        return "the policy is " + policy;
    }
    boolean targetIsPrimary = direction == PeerVolume.Direction.TARGET ? connection.reportedRole == Role.Primary
        : connection.peerReportedRole == Role.Primary;
    if (targetIsPrimary) {
      return "the policy " + policy + " would discard the changes of the Primary";
    }
    peerVolume.direction = direction;
    peerVolume.replication = direction == PeerVolume.Direction.SOURCE ? ReplicationState.WFBitMapS
        : ReplicationState.WFBitMapT;
    return null;
  }

  private PeerVolume.Direction directionWithoutDecision(VolumeCore volume, Connection connection,
      PeerVolume peerVolume) {
    boolean mineUpToDate = peerVolume.reportedDisk == DiskState.UpToDate;
    boolean theirsUpToDate = peerVolume.peerReportedDisk == DiskState.UpToDate;
    if (mineUpToDate != theirsUpToDate) {
      return mineUpToDate ? PeerVolume.Direction.SOURCE : PeerVolume.Direction.TARGET;
    }
    if (connection.reportedRole == Role.Primary || connection.peerReportedRole == Role.Primary) {
      return connection.reportedRole == Role.Primary ? PeerVolume.Direction.SOURCE : PeerVolume.Direction.TARGET;
    }
    // two Secondaries of one generation: the one that holds more of its writer's writes is the
    // source (each side's marks name the writes the other missed: not sent to it, missing from a
    // PEER_ACK, or without one when the writer was lost)
    ReplicaState.VolumeState theirs = connection.peerVolumeState(volume.number);
    long mine = peerVolume.reportedState == null ? 0 : peerVolume.reportedState.generationWrites();
    long their = theirs == null ? 0 : theirs.generationWrites();
    if (mine > 0 && their > 0 && mine != their) {
      return mine > their ? PeerVolume.Direction.SOURCE : PeerVolume.Direction.TARGET;
    }
    // a side that replayed its activity log marked blocks it may lack itself: the other is the source
    boolean mineReplayed = peerVolume.reportedState != null
        && peerVolume.reportedState.has(ReplicaState.VolumeState.FLAG_REPLAYED_LOG);
    boolean theirsReplayed = theirs != null && theirs.has(ReplicaState.VolumeState.FLAG_REPLAYED_LOG);
    if (mineReplayed != theirsReplayed) {
      return mineReplayed ? PeerVolume.Direction.TARGET : PeerVolume.Direction.SOURCE;
    }
    if (!mineReplayed && mine > 0 && mine == their && unchangedSinceReported(volume, connection, peerVolume)) {
      // both hold the generation's writes up to the same one and neither crashed since: the same
      // data (a node that resynced from a third one holds what that node held); marks are stale.
      // Only while neither side took a write since it reported: a writer still connected to one
      // of them makes the counts say nothing about the data now
      return PeerVolume.Direction.NONE;
    }
    if ((peerVolume.myChanges == 0) != (peerVolume.theirChanges == 0)) {
      if (mineReplayed) {
        // both crashed: the side that marked nothing kept everything it acknowledged
        return peerVolume.myChanges == 0 ? PeerVolume.Direction.SOURCE : PeerVolume.Direction.TARGET;
      }
      // else marks name writes of the generation the other side missed: the side that marked holds more
      return peerVolume.myChanges > 0 ? PeerVolume.Direction.SOURCE : PeerVolume.Direction.TARGET;
    }
    return settings.nodeId() < connection.peer.nodeId() ? PeerVolume.Direction.SOURCE : PeerVolume.Direction.TARGET;
  }

  /** Neither side's generation nor count of its writer's writes moved since the states were exchanged. */
  private static boolean unchangedSinceReported(VolumeCore volume, Connection connection, PeerVolume peerVolume) {
    ReplicaState.VolumeState told = peerVolume.reportedState;
    ReplicaState.VolumeState first = connection.peerVolumeState(volume.number);
    ReplicaState.VolumeState latest = null;
    if (connection.peerState != null) {
      for (ReplicaState.VolumeState state : connection.peerState.volumes()) {
        if (state.number() == volume.number) {
          latest = state;
        }
      }
    }
    return told != null && first != null && latest != null && volume.superblock != null
        && volume.generationWrites == told.generationWrites()
        && sameUuid(volume.superblock.currentUuid(), told.currentUuid())
        && latest.generationWrites() == first.generationWrites() && sameUuid(latest.currentUuid(), first.currentUuid());
  }

  /**
   * Starts resyncing a volume from one of the sources waiting (PausedSyncT) if none is active: the
   * connected Primary if it is one of them, else the lowest node id.
   */
  private void resumePausedTarget(VolumeCore volume) {
    if (!volume.diskful() || volume.diskState == DiskState.Failed) {
      return;
    }
    Connection chosen = null;
    for (Connection connection : connections.values()) {
      PeerVolume peerVolume = connection.volume(volume.number);
      if (peerVolume.replication == ReplicationState.SyncTarget) {
        return;
      }
      if (peerVolume.replication == ReplicationState.PausedSyncT && connection.ready() && !connection.resyncRefused
          && holdsUpToDateData(peerVolume.peerDisk) && (chosen == null || connection.peerRole == Role.Primary)) {
        if (chosen == null || chosen.peerRole != Role.Primary) {
          chosen = connection;
        }
      }
    }
    if (chosen == null) {
      return;
    }
    Connection source = chosen;
    PeerVolume peerVolume = source.volume(volume.number);
    peerVolume.replication = ReplicationState.SyncTarget;
    peerVolume.cursor = 0;
    peerVolume.ready = false;
    peerVolume.budgetBytes = RESYNC_REQUEST_BYTES;
    int slot = volume.slotOfPeer.get(source.peer.nodeId());
    peerVolume.totalBlocks = Math.max(peerVolume.totalBlocks, volume.bitmap.count(slot));
    notice("volume " + volume.number + ": resync from " + source.peer.name() + " started, "
        + kib(volume.bitmap.count(slot)) + " KiB out of sync");
    long connectionId = source.id;
    // writes and flushes still waiting for an answer were to be confirmed on data the resync may
    // replace now: they fail (nothing acknowledged is ever taken back)
    String replaced = "volume " + volume.number + " on " + settings.nodeName() + " is being resynced from "
        + source.peer.name() + " before the ";
    for (Connection connection : connections.values()) {
      for (Connection.FlushWaiter waiter : connection.barriers.values()) {
        if (waiter.failure == null) {
          waiter.failure = replaced + "flush was confirmed; the writes it covers may be replaced";
        }
      }
    }
    for (VolumeCore.PendingWrite write : volume.active) {
      if (write.origin == VolumeCore.Origin.CLIENT && !write.answered && write.replaced == null) {
        write.replaced = replaced + "write was confirmed; the resync may replace it";
      }
    }
    // a SyncTarget's data is Inconsistent until the resync ends, also after a crash
    volume.diskState = DiskState.Inconsistent;
    changeSuperblock(volume, withFlag(SuperblockFlag.CONSISTENT, false).andThen(
        withFlag(SuperblockFlag.WAS_UP_TO_DATE, false))::apply, Effect.DataSync.NONE, VolumeCore.LogCleanup.KEEP,
        () -> {
          if (source.id == connectionId && peerVolume.replication == ReplicationState.SyncTarget) {
            peerVolume.ready = true;
            pumpResync(volume, source);
          }
        });
    broadcastState();
  }

  private void pauseTarget(VolumeCore volume, Connection connection, String reason) {
    PeerVolume peerVolume = connection.volume(volume.number);
    peerVolume.replication = ReplicationState.PausedSyncT;
    boolean waited = !peerVolume.outstanding.isEmpty();
    peerVolume.outstanding.clear();
    if (waited) {
      advance(volume); // writes that waited for the requests go on
    }
    peerVolume.ready = false;
    connection.problem = "resync paused: " + reason;
  }

  /**
   * Refills every SyncTarget's budget by the rate times the time since the last tick (at most a
   * tenth of a second's worth is saved up, so an idle pause does not turn into a burst) and measures
   * the rate reached.
   */
  private void onTick(Event.Tick tick) {
    long elapsed = lastTickNanos < 0 ? 0 : Math.max(0, tick.nanos() - lastTickNanos);
    lastTickNanos = tick.nanos();
    primaryLostAtNanos.replaceAll((nodeId, at) -> at == LOST_BEFORE_ANY_TICK ? tick.nanos() : at);
    recheckSplitBrains(tick.nanos());
    if (elapsed == 0) {
      return;
    }
    double seconds = Math.min(1.0, elapsed / 1e9);
    long applicationRate = (long) (applicationBytesSinceTick / seconds);
    applicationBytesSinceTick = 0;
    long rate = settings.resyncRate().bytesPerSecond(applicationRate);
    for (VolumeCore volume : volumes.values()) {
      writeBitmapLazily(volume, tick.nanos());
      for (Connection connection : connections.values()) {
        PeerVolume peerVolume = connection.volumes.get(volume.number);
        if (peerVolume == null || peerVolume.replication != ReplicationState.SyncTarget) {
          continue;
        }
        long measured = (long) (peerVolume.syncedSinceTick / seconds);
        peerVolume.measuredBytesPerSecond = peerVolume.measuredBytesPerSecond < 0 ? measured
            : (peerVolume.measuredBytesPerSecond + measured) / 2;
        peerVolume.syncedSinceTick = 0;
        if (!settings.resyncRate().unlimited()) {
          long cap = Math.max(RESYNC_REQUEST_BYTES, rate / 10);
          peerVolume.budgetBytes = Math.min(cap, peerVolume.budgetBytes + (long) (rate * seconds));
        }
        pumpResync(volume, connection);
      }
    }
  }

  /**
   * During a resync, writes the bitmap's changed pages about once a second (DRBD's lazy writeout):
   * the bits a resync cleared reach the disk, so a resync cut off by a crash goes on from about
   * where it stopped instead of from its start. Only clears are at stake; set bits follow the
   * activity log's rule.
   */
  private void writeBitmapLazily(VolumeCore volume, long nanos) {
    if (!volume.servesLocally() || volume.metadataInFlight || !volume.superblockChanges.isEmpty()
        || !volume.bitmap.anyDirty()) {
      return;
    }
    if (volume.lazyBitmapWriteNanos >= 0 && nanos - volume.lazyBitmapWriteNanos < LAZY_BITMAP_WRITE_NANOS) {
      return;
    }
    boolean resyncing = connections.values().stream().map(connection -> connection.volumes.get(volume.number))
        .anyMatch(peerVolume -> peerVolume != null && (peerVolume.replication == ReplicationState.SyncTarget
            || peerVolume.replication == ReplicationState.SyncSource));
    if (!resyncing) {
      return;
    }
    volume.lazyBitmapWriteNanos = nanos;
    issueMetadata(volume, Effect.DataSync.NONE, volume.takeDirtyPages(), null, null, null, () -> { });
  }

  /** The runs of {@code ranges} (first and last block) whose blocks are still marked in {@code slot}. */
  private static List<long[]> stillMarked(Bitmap bitmap, int slot, BlockRanges ranges) {
    List<long[]> marked = new ArrayList<>();
    for (long[] run : ranges.runs()) {
      long block = run[0] < bitmap.blocks() ? bitmap.nextSetBit(slot, run[0]) : -1;
      while (block >= 0 && block <= run[1]) {
        long last = block;
        while (last + 1 <= run[1] && last + 1 < bitmap.blocks() && bitmap.get(slot, last + 1)) {
          last++;
        }
        marked.add(new long[] {block, last});
        block = last + 1 < bitmap.blocks() ? bitmap.nextSetBit(slot, last + 1) : -1;
      }
    }
    return marked;
  }

  /**
   * The blocks where this node holds a write of the generation's writer that {@code source} does
   * not: the settled ones, and the unsettled ones when the source counted no later write at the
   * exchange. Only when those writes belong to the source's generation or a later one (this node
   * may carry an older label while it takes a generation, and receive writes of a newer one).
   */
  private BlockRanges newerHereThan(VolumeCore volume, Connection source) {
    PeerVolume peerVolume = source.volume(volume.number);
    BlockRanges newer = new BlockRanges();
    long sourceGeneration = peerVolume.peerCurrentUuid;
    if (!newerHereApplies(peerVolume, sourceGeneration)) {
      return newer; // the source holds a newer or another generation: the generations decide
    }
    for (long[] run : peerVolume.newerHere.runs()) {
      newer.add(run[0], run[1]);
    }
    ReplicaState.VolumeState exchanged = source.peerVolumeState(volume.number);
    if (exchanged != null) {
      for (long[] run : peerVolume.unsettledHere.notOverwrittenBy(exchanged.generationWrites())) {
        newer.add(run[0], run[1]);
      }
    }
    return newer;
  }

  /**
   * Whether the record of blocks newer here than on a peer holds against the peer's generation:
   * the record's own, one it descends from, or one this node started since.
   */
  private static boolean newerHereApplies(PeerVolume peerVolume, long peerGeneration) {
    return sameUuid(peerVolume.newerHereGeneration, peerGeneration)
        || peerVolume.newerHereAncestors.stream().anyMatch(uuid -> uuid != 0 && sameUuid(uuid, peerGeneration))
        || peerVolume.newerHereDescendants.stream().anyMatch(uuid -> sameUuid(uuid, peerGeneration));
  }

  /**
   * This node's generation changes (or its data is replaced): which blocks it holds newer than a
   * peer within the old one says nothing any more.
   */
  private void forgetNewerHere(VolumeCore volume) {
    for (Connection connection : connections.values()) {
      connection.volume(volume.number).forgetNewerHere();
    }
  }

  /** Keeps up to {@link #RESYNC_WINDOW} requests in flight, in block order; finishes when nothing is marked. */
  private void pumpResync(VolumeCore volume, Connection connection) {
    PeerVolume peerVolume = connection.volume(volume.number);
    if (peerVolume.replication != ReplicationState.SyncTarget || !peerVolume.ready || peerVolume.finishing
        || !connection.ready() || volume.diskState == DiskState.Failed) {
      return;
    }
    Bitmap bitmap = volume.bitmap;
    int slot = volume.slotOfPeer.get(connection.peer.nodeId());
    long blocks = bitmap.blocks();
    long blocksPerRequest = RESYNC_REQUEST_BYTES / BLOCK_BYTES;
    boolean limited = !settings.resyncRate().unlimited();
    Connection fence = resyncFence(connection);
    // blocks that took a write here the source missed: with a Primary writing here, the source
    // answers them once it has that Primary's writes (the fence); with none, its data is older
    // (within one generation also the blocks that hold a write here the source did not write)
    BlockRanges keep = new BlockRanges();
    if (fence == null) {
      for (long[] run : peerVolume.tainted) {
        keep.add(run[0], run[1]);
      }
      for (long[] run : newerHereThan(volume, connection).runs()) {
        keep.add(run[0], run[1]);
      }
    }
    while (peerVolume.outstanding.size() < RESYNC_WINDOW && (!limited || peerVolume.budgetBytes > 0)) {
      long first = peerVolume.cursor < blocks ? nextToFetch(bitmap, slot, peerVolume.cursor, keep) : -1;
      if (first < 0) {
        boolean idle = peerVolume.outstanding.isEmpty() && peerVolume.writtenUnsynced.isEmpty()
            && !peerVolume.syncInFlight;
        if (idle && peerVolume.cursor != 0 && nextToFetch(bitmap, slot, 0, keep) >= 0) {
          peerVolume.cursor = 0; // blocks left behind (an answer that was dropped): go round again
          continue;
        }
        break;
      }
      long last = first;
      while (last + 1 < blocks && last - first + 1 < blocksPerRequest && bitmap.get(slot, last + 1)
          && keep.until(last + 1) < 0) {
        last++;
      }
      long offset = first * BLOCK_BYTES;
      int length = (int) (Math.min((last + 1) * BLOCK_BYTES, volume.sizeBytes) - offset);
      // asked again now: this answer holds the changed data (a longer run keeps its other blocks)
      List<long[]> stillRenotified = new ArrayList<>();
      for (long[] run : peerVolume.renotified) {
        if (last < run[0] || first > run[1]) {
          stillRenotified.add(run);
          continue;
        }
        if (first > run[0]) {
          stillRenotified.add(new long[] {run[0], first - 1});
        }
        if (last < run[1]) {
          stillRenotified.add(new long[] {last + 1, run[1]});
        }
      }
      peerVolume.renotified.clear();
      peerVolume.renotified.addAll(stillRenotified);
      long id = peerVolume.nextRequestId++;
      peerVolume.budgetBytes -= length;
      peerVolume.cursor = last + 1;
      if (settings.checksumResync()) {
        peerVolume.outstanding.put(id, new PeerVolume.Outstanding(offset, length, true));
        readForDigests(volume, connection, id, offset, length, ChecksumRequest.RESYNC);
      } else {
        peerVolume.outstanding.put(id, new PeerVolume.Outstanding(offset, length));
        send(connection, new ResyncRequest(id, volume.number, offset, length, fence == null ? ResyncRequest.NO_FENCE
            : fence.peer.nodeId(), fence == null ? 0 : fence.lastWriteReceived));
      }
    }
    if (peerVolume.outstanding.isEmpty() && peerVolume.writtenUnsynced.isEmpty() && !peerVolume.syncInFlight
        && nextToFetch(bitmap, slot, 0, keep) < 0) {
      finishSyncTarget(volume, connection);
    }
    if (settings.checksumResync()) {
      advance(volume); // the reads for digests
    }
  }

  /**
   * The first block from {@code from} marked for the source that is to be fetched from it: not one
   * in {@code kept}, which took a write here that the source missed (its data is older; the
   * block stays marked for the source and goes to it once this node is UpToDate). -1 if none.
   */
  private static long nextToFetch(Bitmap bitmap, int slot, long from, BlockRanges kept) {
    long block = from < bitmap.blocks() ? bitmap.nextSetBit(slot, from) : -1;
    while (block >= 0) {
      long keptTo = kept.until(block);
      if (keptTo < 0) {
        return block;
      }
      block = keptTo + 1 < bitmap.blocks() ? bitmap.nextSetBit(slot, keptTo + 1) : -1;
    }
    return -1;
  }

  /**
   * A Primary other than the source whose writes this node received on the current connection: the
   * source must have received them too before it reads for this node.
   */
  private Connection resyncFence(Connection source) {
    Connection fence = null;
    for (Connection other : connections.values()) {
      if (other != source && other.ready() && other.peerRole == Role.Primary
          && other.lastWriteReceived > other.writesBefore) {
        fence = other;
      }
    }
    return fence;
  }

  private void sendResyncRequest(VolumeCore volume, Connection source, long offset, int length) {
    PeerVolume peerVolume = source.volume(volume.number);
    Connection fence = resyncFence(source);
    long id = peerVolume.nextRequestId++;
    peerVolume.outstanding.put(id, new PeerVolume.Outstanding(offset, length));
    send(source, new ResyncRequest(id, volume.number, offset, length, fence == null ? ResyncRequest.NO_FENCE
        : fence.peer.nodeId(), fence == null ? 0 : fence.lastWriteReceived));
  }

  /** Reads a range here to send its digests to a peer (online verify, or checksum-based resync). */
  private void readForDigests(VolumeCore volume, Connection connection, long id, long offset, int length,
      int purpose) {
    VolumeCore.PendingWrite read = new VolumeCore.PendingWrite(VolumeCore.Origin.RESYNC_READ, offset, length,
        DataOperation.READ, null, Durability.CACHED);
    read.readPurpose = VolumeCore.ReadPurpose.LOCAL_DIGESTS;
    read.checksumPurpose = purpose;
    read.peerNodeId = connection.peer.nodeId();
    read.connectionId = connection.id;
    read.peerSequence = id;
    volume.pending.add(read);
  }

  /** A read for digests finished: ask the peer (LOCAL_DIGESTS) or answer it (CHECKSUM_ANSWER). */
  private void onDigestRead(VolumeCore volume, Connection connection, VolumeCore.PendingWrite read, ByteBuffer data) {
    if (connection.id != read.connectionId) {
      return;
    }
    if (read.readPurpose == VolumeCore.ReadPurpose.CHECKSUM_ANSWER) {
      ChecksumRequest request = read.checksumRequest;
      if (data == null) {
        send(connection, new ChecksumReply(request.id(), request.volume(), request.offset(), request.length(),
            ChecksumReply.FAILED, null));
        return;
      }
      ByteBuffer mine = BlockDigests.of(data);
      java.util.BitSet differing = new java.util.BitSet();
      int blocks = ChecksumRequest.blocks(request.length());
      for (int block = 0; block < blocks; block++) {
        ByteBuffer own = mine.duplicate();
        own.position(block * ChecksumRequest.DIGEST_BYTES).limit((block + 1) * ChecksumRequest.DIGEST_BYTES);
        if (!own.equals(request.digest(block))) {
          differing.set(block);
        }
      }
      if (differing.cardinality() < blocks) {
        connection.volume(volume.number).served.add(new long[] {request.offset(), request.length()});
      }
      send(connection, ChecksumReply.ok(request.id(), request.volume(), request.offset(), request.length(),
          differing));
      return;
    }
    PeerVolume peerVolume = connection.volume(volume.number);
    if (data == null) {
      if (read.checksumPurpose == ChecksumRequest.VERIFY) {
        stopVerify(peerVolume, connection, "the local read failed");
      }
      return;
    }
    send(connection, new ChecksumRequest(read.peerSequence, volume.number, read.offset, read.length,
        read.checksumPurpose, BlockDigests.of(data)));
  }

  private void onChecksumRequest(Connection connection, ChecksumRequest request) {
    VolumeCore volume = volumes.get(request.volume());
    String problem;
    if (volume == null || !volume.servesLocally()) {
      problem = "no disk";
    } else if (volume.diskState != DiskState.UpToDate) {
      problem = "disk " + volume.diskState;
    } else {
      problem = rangeProblem(volume, request.offset(), request.length());
    }
    if (problem != null) {
      send(connection, new ChecksumReply(request.id(), request.volume(), request.offset(), request.length(),
          ChecksumReply.FAILED, null));
      return;
    }
    VolumeCore.PendingWrite read = new VolumeCore.PendingWrite(VolumeCore.Origin.RESYNC_READ, request.offset(),
        request.length(), DataOperation.READ, null, Durability.CACHED);
    read.readPurpose = VolumeCore.ReadPurpose.CHECKSUM_ANSWER;
    read.checksumRequest = request;
    read.peerNodeId = connection.peer.nodeId();
    read.connectionId = connection.id;
    volume.pending.add(read);
    advance(volume);
  }

  private void onChecksumReply(Connection connection, ChecksumReply reply) {
    VolumeCore volume = volumes.get(reply.volume());
    if (volume == null || !volume.diskful()) {
      return;
    }
    PeerVolume peerVolume = connection.volume(volume.number);
    PeerVolume.Outstanding verified = peerVolume.verifyOutstanding.remove(reply.id());
    if (verified != null) {
      if (reply.status() != ChecksumReply.OK) {
        stopVerify(peerVolume, connection, connection.peer.name() + " could not read " + reply.offset() + "+"
            + reply.length());
        return;
      }
      Integer slot = volume.slotOfPeer.get(connection.peer.nodeId());
      long firstBlock = reply.offset() / BLOCK_BYTES;
      for (int block = 0; block < ChecksumRequest.blocks(reply.length()); block++) {
        if (reply.differs(block)) {
          peerVolume.verifyMismatches++;
          if (slot != null) {
            volume.bitmap.set(slot, firstBlock + block, firstBlock + block);
          }
        }
      }
      peerVolume.verifyDoneBytes += reply.length();
      pumpVerify(volume, connection);
      return;
    }
    PeerVolume.Outstanding request = peerVolume.outstanding.get(reply.id());
    if (request == null || !request.checksum() || peerVolume.replication != ReplicationState.SyncTarget) {
      return;
    }
    peerVolume.outstanding.remove(reply.id());
    if (reply.status() != ChecksumReply.OK) {
      pauseTarget(volume, connection, connection.peer.name() + " could not compare " + reply.offset() + "+"
          + reply.length());
      connection.resyncRefused = true;
      resumePausedTarget(volume);
      return;
    }
    // equal blocks are in sync once synced here; different runs are fetched
    int blocks = ChecksumRequest.blocks(reply.length());
    int block = 0;
    while (block < blocks) {
      boolean differs = reply.differs(block);
      int end = block;
      while (end + 1 < blocks && reply.differs(end + 1) == differs) {
        end++;
      }
      long offset = reply.offset() + (long) block * BLOCK_BYTES;
      int length = (int) (Math.min(reply.offset() + (long) (end + 1) * BLOCK_BYTES, reply.offset() + reply.length())
          - offset);
      if (differs) {
        sendResyncRequest(volume, connection, offset, length);
      } else {
        peerVolume.writtenUnsynced.add(new PeerVolume.Outstanding(offset, length));
      }
      block = end + 1;
    }
    syncResyncWrites(volume, connection, false);
    pumpResync(volume, connection);
  }

  // ---------------------------------------------------------------- online verify

  private void onVerify(Event.Verify verify) {
    int started = 0;
    for (VolumeCore volume : volumes.values()) {
      if (!volume.servesLocally() || volume.diskState != DiskState.UpToDate) {
        continue;
      }
      for (Connection connection : connections.values()) {
        PeerVolume peerVolume = connection.volumes.get(volume.number);
        if (connection.ready() && connection.peer.disk() == Peer.Disk.DISKFUL && peerVolume != null
            && peerVolume.replication == ReplicationState.Established && peerVolume.peerDisk == DiskState.UpToDate) {
          peerVolume.verifying = true;
          peerVolume.replication = ReplicationState.VerifyS;
          peerVolume.verifyCursor = 0;
          peerVolume.verifyTotalBytes = volume.sizeBytes;
          peerVolume.verifyDoneBytes = 0;
          peerVolume.verifyMismatches = 0;
          started++;
          pumpVerify(volume, connection);
        }
      }
    }
    if (started == 0) {
      complete(verify.requestId(), IoStatus.REFUSED, "nothing to verify on " + settings.nodeName()
          + ": no UpToDate volume here has a connected UpToDate peer it is in sync with");
    } else {
      complete(verify.requestId(), IoStatus.OK, null);
    }
  }

  /** Keeps a few ranges of a verify in flight; ends it when everything was compared. */
  private void pumpVerify(VolumeCore volume, Connection connection) {
    PeerVolume peerVolume = connection.volume(volume.number);
    while (peerVolume.verifying && connection.ready() && peerVolume.verifyOutstanding.size() < RESYNC_WINDOW / 2
        && peerVolume.verifyCursor < volume.sizeBytes) {
      long offset = peerVolume.verifyCursor;
      int length = (int) Math.min(ChecksumRequest.MAX_LENGTH, volume.sizeBytes - offset);
      long id = peerVolume.nextRequestId++;
      peerVolume.verifyOutstanding.put(id, new PeerVolume.Outstanding(offset, length, true));
      peerVolume.verifyCursor += length;
      readForDigests(volume, connection, id, offset, length, ChecksumRequest.VERIFY);
    }
    if (peerVolume.verifying && peerVolume.verifyOutstanding.isEmpty()
        && peerVolume.verifyCursor >= volume.sizeBytes) {
      stopVerify(peerVolume, connection, null);
    }
    advance(volume);
  }

  private void stopVerify(PeerVolume peerVolume, Connection connection, String problem) {
    peerVolume.verifying = false;
    peerVolume.verifyOutstanding.clear();
    if (peerVolume.replication == ReplicationState.VerifyS) {
      peerVolume.replication = ReplicationState.Established;
    }
    if (problem != null) {
      connection.problem = "verify stopped: " + problem;
    }
  }

  private void onResyncReply(Connection connection, ResyncReply reply) {
    VolumeCore volume = volumes.get(reply.volume());
    if (volume == null) {
      return;
    }
    PeerVolume peerVolume = connection.volume(volume.number);
    Event.ClientRequest read = peerVolume.remoteReads.remove(reply.id());
    if (read != null) {
      onRemoteReadReply(volume, connection, read, reply);
      return;
    }
    PeerVolume.Outstanding request = peerVolume.outstanding.remove(reply.id());
    if (request == null || peerVolume.replication != ReplicationState.SyncTarget) {
      advance(volume); // writes that waited for it go on
      return; // a request given up on (paused, switched source)
    }
    if (request.offset() != reply.offset() || request.length() != reply.length()) {
      hold(connection, "protocol error: resync reply " + reply.id() + " covers " + reply.offset() + "+"
          + reply.length() + ", the request asked for " + request.offset() + "+" + request.length());
      return;
    }
    if (reply.kind() == ResyncReply.FAILED) {
      pauseTarget(volume, connection, connection.peer.name() + " could not serve " + reply.offset() + "+"
          + reply.length());
      connection.resyncRefused = true;
      resumePausedTarget(volume);
      return;
    }
    if (volume.diskState == DiskState.Failed) {
      return;
    }
    peerVolume.resyncReceivedBytes += reply.length();
    VolumeCore.PendingWrite write = reply.kind() == ResyncReply.DATA
        ? new VolumeCore.PendingWrite(VolumeCore.Origin.RESYNC_WRITE, reply.offset(), reply.length(),
            DataOperation.WRITE, reply.payload(), Durability.CACHED)
        : new VolumeCore.PendingWrite(VolumeCore.Origin.RESYNC_WRITE, reply.offset(), reply.length(),
            zeroing(volume, true), null, Durability.CACHED);
    write.peerNodeId = connection.peer.nodeId();
    write.connectionId = connection.id;
    write.peerSequence = reply.id();
    volume.queueResyncWrite(write);
    advance(volume);
  }

  /** Syncs the written resync data once a batch is full or nothing else is in flight. */
  private void syncResyncWrites(VolumeCore volume, Connection connection, boolean force) {
    PeerVolume peerVolume = connection.volume(volume.number);
    if (peerVolume.syncInFlight || peerVolume.writtenUnsynced.isEmpty()) {
      return;
    }
    if (!force && peerVolume.writtenUnsynced.size() < RESYNC_SYNC_BATCH && !peerVolume.outstanding.isEmpty()) {
      return;
    }
    List<PeerVolume.Outstanding> ranges = new ArrayList<>(peerVolume.writtenUnsynced);
    peerVolume.writtenUnsynced.clear();
    peerVolume.syncInFlight = true;
    long ioId = issue(new ResyncSync(volume, connection, connection.id, ranges));
    outbox.add(new Effect.DataIo(ioId, volume.number, DataOperation.SYNC, 0, 0, null, Durability.FORCED));
  }

  private void onResyncSynced(ResyncSync sync, Event.IoCompleted completed) {
    VolumeCore volume = sync.volume();
    Connection connection = sync.connection();
    PeerVolume peerVolume = connection.volume(volume.number);
    peerVolume.syncInFlight = false;
    if (completed.outcome() != IoOutcome.OK) {
      failDisk(volume, "flush error: " + completed.detail());
      return;
    }
    int slot = volume.slotOfPeer.get(connection.peer.nodeId());
    for (PeerVolume.Outstanding range : sync.ranges()) {
      // the source's data is here now, but for writes it missed that arrived meanwhile
      List<long[]> kept = volume.keptMarks(slot, peerVolume.tainted);
      kept.addAll(peerVolume.renotified);
      volume.markInSyncExcept(slot, range.offset(), range.length(), kept);
      if (connection.id == sync.connectionId()) {
        send(connection, new InSync(volume.number, range.offset(), range.length()));
      }
    }
    syncResyncWrites(volume, connection, false);
    pumpResync(volume, connection);
  }

  /**
   * Nothing is marked any more: the target adopts the source's generation and is UpToDate, made
   * durable after a data sync; then it tells the source and every other peer it was waiting on.
   */
  private void finishSyncTarget(VolumeCore volume, Connection source) {
    PeerVolume peerVolume = source.volume(volume.number);
    peerVolume.finishing = true;
    peerVolume.renotified.clear(); // every block it named was fetched again
    notice("volume " + volume.number + ": resync from " + source.peer.name() + " done, "
        + peerVolume.resyncReceivedBytes / 1024 + " KiB received from it since start");
    // a resync within one generation (a crash's marks, out-of-sync notices) keeps it
    boolean adopting = peerVolume.adoptGeneration;
    long adopted = adopting ? peerVolume.peerCurrentUuid : volume.superblock.currentUuid();
    long connectionId = source.id;
    int sourceNodeId = source.peer.nodeId();
    // the source's history comes along, so later decisions see the generations in between
    List<Long> lineage = new ArrayList<>();
    ReplicaState.VolumeState told = source.peerState == null ? null : source.peerState.volumes().stream()
        .filter(state -> state.number() == volume.number).findFirst().orElse(null);
    boolean sourceLineage = told != null && sameUuid(told.currentUuid(), adopted);
    if (sourceLineage) {
      lineage.addAll(told.history());
    }
    // the writes the source counted when the bitmaps were exchanged: its marks covered those this
    // node missed. Writes it took since may have missed this node and not be marked yet
    ReplicaState.VolumeState exchanged = source.peerVolumeState(volume.number);
    long sourceWrites = sourceLineage && exchanged != null && sameUuid(exchanged.currentUuid(), adopted)
        ? exchanged.generationWrites() : 0;
    UnaryOperator<Superblock> change = superblock -> withFlag(SuperblockFlag.PRIMARY_LOST_QUORUM, false).apply(
        withFlag(SuperblockFlag.CRASHED_PRIMARY, false).apply(
        withFlag(SuperblockFlag.WAS_UP_TO_DATE, true).apply(withFlag(SuperblockFlag.CONSISTENT, true).apply(
            superblock.withAdoptedGeneration(adopted, lineage).withPeerBitmapUuid(sourceNodeId, 0)
                .withoutFullSyncMarkers()))));
    renegotiateStaleReports(volume); // they reported this node Inconsistent
    changeSuperblock(volume, change, Effect.DataSync.FIRST, VolumeCore.LogCleanup.KEEP, () -> {
      peerVolume.finishing = false;
      if (volume.diskState == DiskState.Failed) {
        if (!stateUnsettled()) {
          attached();
        }
        return;
      }
      volume.diskState = DiskState.UpToDate;
      volume.replayedLog = false;
      volume.ownUnacknowledged = false;
      if (role == Role.Primary && connections.values().stream().anyMatch(connection ->
          connection.peer.disk() == Peer.Disk.DISKFUL && !replicatesTo(connection, volume))) {
        // a Primary that took a generation an absent peer may hold too must not write in it: that
        // peer and this node would hold different data under one generation
        volume.newGenerationOnFirstWrite = true;
      }
      // it holds what the source held of the generation, and what the writer sent here meanwhile
      volume.generationWrites = Math.max(volume.generationWrites, sourceWrites);
      discardMyData = false;
      if (adopting) {
        forgetNewerHere(volume);
      }
      // a connection that came up while the superblock was written reported the old generation
      renegotiateStaleReports(volume);
      List<Connection> renegotiate = new ArrayList<>();
      boolean resumeFromPrimary = false;
      for (Connection connection : connections.values()) {
        PeerVolume other = connection.volume(volume.number);
        boolean wasSource = connection == source && connection.id == connectionId;
        if (other.uncompared && connection.ready()) {
          renegotiate.add(connection); // connected while both were Inconsistent
          continue;
        }
        if (wasSource) {
          if (connection.ready()) {
            send(connection, new ResyncFinished(volume.number, adopted));
            other.replication = ReplicationState.Established;
            other.direction = PeerVolume.Direction.NONE;
            other.adoptGeneration = false;
          }
          Integer slot = volume.slotOfPeer.get(connection.peer.nodeId());
          List<long[]> missedBySource = new ArrayList<>(other.tainted);
          other.tainted.clear();
          if (slot != null) {
            // blocks left unfetched that hold writes here the source did not write
            missedBySource.addAll(stillMarked(volume.bitmap, slot, newerHereThan(volume, connection)));
          }
          if (!other.newerHereOwn) {
            // (this node's own writes stay on the record until the source took them)
            other.forgetNewerHere();
          }
          if (slot != null && connection.ready()) {
            volume.clearSlotKeepingInFlight(slot);
            // writes the source missed while it served this resync stay marked for it, and it
            // is told: it takes them from this node now
            for (long[] marked : missedBySource) {
              volume.bitmap.set(slot, marked[0], marked[1]);
              tellOutOfSync(volume, connection, marked[0], marked[1]);
            }
          }
        } else if (connection.ready() && adopting && !sameUuid(other.peerCurrentUuid, adopted)
            && (other.replication == ReplicationState.SyncSource || other.replication == ReplicationState.PausedSyncS
                || (other.replication == ReplicationState.WFBitMapS
                    && other.direction == PeerVolume.Direction.SOURCE))) {
          // this node was the source of a peer still in the older generation: that comparison is
          // stale, the blocks taken from the source are marked for it now
          renegotiate.add(connection);
        } else if (connection.ready() && (other.replication == ReplicationState.PausedSyncT
            || (other.replication == ReplicationState.WFBitMapT && other.direction == PeerVolume.Direction.TARGET))) {
          Integer pausedSlot = volume.slotOfPeer.get(connection.peer.nodeId());
          if (connection.peerRole == Role.Primary && other.replication == ReplicationState.PausedSyncT
              && pausedSlot != null && volume.bitmap.count(pausedSlot) > 0) {
            // the Primary may have written blocks the finished source never got (a link that died
            // silently keeps a generation going on both sides): what it marked is taken from it
            resumeFromPrimary = true;
          } else if (other.peerDisk == DiskState.UpToDate && sameUuid(other.peerCurrentUuid, adopted)) {
            // the same generation, UpToDate: it holds what the source held; a bitmap of it still
            // on its way belongs to the exchange this settles
            send(connection, new ResyncFinished(volume.number, adopted));
            other.discardBitmap = other.replication == ReplicationState.WFBitMapT && !other.bitmapReceived;
            other.replication = ReplicationState.Established;
            other.direction = PeerVolume.Direction.NONE;
            Integer slot = volume.slotOfPeer.get(connection.peer.nodeId());
            if (slot != null) {
              volume.clearSlotKeepingInFlight(slot);
            }
          } else {
            // what differs from this other source is unknown now: compare afresh
            renegotiate.add(connection);
          }
        } else if (connection.ready() && other.replication == ReplicationState.Established
            && other.peerDisk == DiskState.UpToDate && sameUuid(other.peerCurrentUuid, adopted)) {
          // a peer in sync with this node in the adopted generation may still hold marks for it
          // (it was ready to serve them): told the resync ended, it drops or sends what is left
          send(connection, new ResyncFinished(volume.number, adopted));
        }
      }
      for (Connection connection : connections.values()) {
        PeerVolume other = connection.volume(volume.number);
        if (connection != source && connection.ready() && other.replication == ReplicationState.Established
            && !other.changedByResync.isEmpty() && !renegotiate.contains(connection)
            && (other.peerDisk == DiskState.Inconsistent || (adopting && !sameUuid(other.peerCurrentUuid, adopted)))) {
          // a peer that is resyncing itself may be taking this same generation from another node:
          // told what changed here, it would tell back what changed there, and each would wait
          // for the other as its source. A peer in sync in the older generation would take the
          // blocks but not the generation, and hold its data under the older label. Compared
          // afresh, the generations decide
          renegotiate.add(connection);
        }
      }
      for (Connection connection : renegotiate) {
        renegotiate(connection, "resynced from " + source.peer.name() + "; comparing again");
      }
      if (!stateUnsettled()) {
        attached(); // the connections that came up meanwhile report the adopted generation
      }
      tellChangedByResync(volume, source);
      connectionsProblemCleared(volume);
      broadcastState();
      if (resumeFromPrimary) {
        resumePausedTarget(volume);
      }
    });
  }

  /**
   * Peers in sync with this node before its resync lack what it took from the source (only those
   * blocks: other marks in their slots may name data they hold and this node lacks): told, they
   * compare. The record is dropped for every peer.
   */
  private void tellChangedByResync(VolumeCore volume, Connection source) {
    for (Connection connection : connections.values()) {
      PeerVolume other = connection.volume(volume.number);
      if (connection != source && connection.ready() && other.replication == ReplicationState.Established) {
        for (long[] changed : other.changedByResync) {
          tellOutOfSync(volume, connection, changed[0], changed[1]);
        }
      }
      other.changedByResync.clear();
    }
  }

  /** Whether this node resyncs the volume from any peer (or waits to). */
  private boolean resyncingAsTarget(VolumeCore volume) {
    for (Connection connection : connections.values()) {
      PeerVolume other = connection.volume(volume.number);
      if (other.replication == ReplicationState.SyncTarget || other.replication == ReplicationState.PausedSyncT
          || other.replication == ReplicationState.WFBitMapT) {
        return true;
      }
    }
    return false;
  }

  private void connectionsProblemCleared(VolumeCore volume) {
    for (Connection connection : connections.values()) {
      if (connection.connected() && !connection.held) {
        connection.problem = null;
      }
    }
  }

  private static boolean sameUuid(long a, long b) {
    return (a & ~1L) == (b & ~1L);
  }

  private void onResyncRequest(Connection connection, ResyncRequest request) {
    VolumeCore volume = volumes.get(request.volume());
    String problem = null;
    if (volume == null || !volume.diskful()) {
      problem = "no disk";
    } else if (volume.diskState != DiskState.UpToDate || volume.activityLog == null) {
      problem = "disk " + volume.diskState;
    } else {
      problem = rangeProblem(volume, request.offset(), request.length());
    }
    if (problem != null) {
      send(connection, new ResyncReply(request.id(), request.volume(), request.offset(), request.length(),
          ResyncReply.FAILED, null));
      return;
    }
    if (request.fenced() && request.fenceNode() != settings.nodeId()) {
      Connection primary = connections.get(request.fenceNode());
      PeerVolume fromPrimary = primary == null ? null : primary.volumes.get(volume.number);
      // a write from before this node's connection to the Primary is here once the two are in
      // sync (the comparison at connect, and the resync it led to, brought it)
      boolean current = primary != null && primary.ready() && fromPrimary != null
          && ((request.fenceSequence() > primary.writesBefore
                  && (fromPrimary.replication == ReplicationState.Established
                      || fromPrimary.replication == ReplicationState.SyncSource
                      || fromPrimary.replication == ReplicationState.VerifyS))
              || (fromPrimary.replication == ReplicationState.Established && !fromPrimary.uncompared));
      if (!current) {
        // this node may lack that write: it cannot vouch for the data
        send(connection, new ResyncReply(request.id(), request.volume(), request.offset(), request.length(),
            ResyncReply.FAILED, null));
        return;
      }
      if (request.fenceSequence() > primary.lastWriteReceived) {
        primary.fencedReads.add(new Connection.FencedRead(connection, connection.id, request));
        return;
      }
    }
    startResyncRead(volume, connection, request);
  }

  /** Resync reads that waited for a write of {@code primary} it has now received go on. */
  private void releaseFencedReads(Connection primary) {
    List<Connection.FencedRead> ready = new ArrayList<>();
    for (Connection.FencedRead fenced : primary.fencedReads) {
      if (fenced.request().fenceSequence() <= primary.lastWriteReceived) {
        ready.add(fenced);
      }
    }
    primary.fencedReads.removeAll(ready);
    for (Connection.FencedRead fenced : ready) {
      if (fenced.requester().id == fenced.requesterConnectionId()) {
        startResyncRead(volumes.get(fenced.request().volume()), fenced.requester(), fenced.request());
      }
    }
  }

  private void startResyncRead(VolumeCore volume, Connection connection, ResyncRequest request) {
    PeerVolume peerVolume = connection.volume(volume.number);
    if (peerVolume.replication == ReplicationState.PausedSyncS) {
      peerVolume.replication = ReplicationState.SyncSource;
    }
    VolumeCore.PendingWrite read = new VolumeCore.PendingWrite(VolumeCore.Origin.RESYNC_READ, request.offset(),
        request.length(), DataOperation.READ, null, Durability.CACHED);
    read.peerNodeId = connection.peer.nodeId();
    read.connectionId = connection.id;
    read.peerSequence = request.id();
    volume.pending.add(read);
    advance(volume);
  }

  private void onInSync(Connection connection, InSync inSync) {
    VolumeCore volume = volumes.get(inSync.volume());
    if (volume == null || !volume.diskful()) {
      return;
    }
    Integer slot = volume.slotOfPeer.get(connection.peer.nodeId());
    if (slot == null || inSync.offset() < 0 || inSync.offset() >= volume.sizeBytes) {
      return;
    }
    PeerVolume peerVolume = connection.volume(volume.number);
    long length = Math.min(inSync.length(), volume.sizeBytes - inSync.offset());
    // blocks marked for the peer after their data went out stay marked
    long start = inSync.offset();
    long end = start + length;
    volume.markInSyncExcept(slot, start, length, volume.keptMarks(slot, peerVolume.tainted));
    peerVolume.served.removeIf(range -> range[0] >= start && range[0] + range[1] <= end);
    if (peerVolume.served.isEmpty()) {
      peerVolume.tainted.clear();
    }
  }

  /**
   * The peer finished its resync with this node's generation. Blocks still marked for it are writes
   * it missed since the bitmaps were exchanged (or data that went out before such a write): it is
   * told them and resyncs again; an empty slot stops tracking.
   */
  private void onResyncFinished(Connection connection, ResyncFinished finished) {
    VolumeCore volume = volumes.get(finished.volume());
    if (volume == null || !volume.diskful()) {
      return;
    }
    PeerVolume peerVolume = connection.volume(volume.number);
    peerVolume.peerCurrentUuid = finished.currentUuid();
    peerVolume.peerDisk = DiskState.UpToDate;
    if (peerVolume.replication != ReplicationState.Off) {
      peerVolume.replication = ReplicationState.Established;
      peerVolume.direction = PeerVolume.Direction.NONE;
    }
    peerVolume.served.clear();
    peerVolume.tainted.clear();
    boolean servedIt = peerVolume.servedSinceFinish;
    peerVolume.servedSinceFinish = false;
    Integer slot = volume.slotOfPeer.get(connection.peer.nodeId());
    if (slot == null || !volume.readable()) {
      return;
    }
    // a generation this node moved on from while the peer was resyncing counts as well when the
    // newer one went to the peer too: it follows, with the writes made in it
    boolean followsThisNode = sameUuid(finished.currentUuid(), volume.superblock.currentUuid())
        || (replicatesTo(connection, volume) && sameUuid(peerVolume.generationSent, volume.superblock.currentUuid())
            && volume.superblock.historyUuids().stream()
                .anyMatch(uuid -> uuid != 0 && sameUuid(uuid, finished.currentUuid())));
    if (!followsThisNode) {
      return;
    }
    if (!servedIt && volume.diskState == DiskState.UpToDate) {
      // it resynced from another node of this same generation and holds that node's data now: what
      // this node marked for it alone is there (its source held this node's data). A block marked
      // for another peer as well may be missing on its source (a link that died silently keeps a
      // generation going on both sides): it stays, and is sent below. So do the writes in flight
      volume.clearSlotExceptSharedMarks(slot);
    }
    if (volume.bitmap.count(slot) > 0) {
      if (volume.diskState == DiskState.UpToDate) {
        List<BitmapRuns.BlockRun> runs = runsOf(volume.bitmap, slot);
        for (BitmapRuns message : BitmapRuns.split(volume.number, runs, BitmapRuns.MAX_RUNS)) {
          send(connection, message);
        }
        peerVolume.direction = PeerVolume.Direction.SOURCE;
        peerVolume.replication = ReplicationState.SyncSource;
      }
      return;
    }
    int nodeId = connection.peer.nodeId();
    changeSuperblock(volume, superblock -> withFlag(SuperblockFlag.CRASHED_PRIMARY, false).apply(
        superblock.withPeerBitmapUuid(nodeId, 0)), Effect.DataSync.NONE, VolumeCore.LogCleanup.KEEP, () -> { });
  }

  /**
   * A crash as Primary matters for the next comparison with a peer only (DRBD-REFERENCE.md §4.2
   * rule 3): once a peer and this node agree, the flag goes.
   */
  private void forgetCrash(VolumeCore volume) {
    volume.replayedLog = false;
    if (volume.superblock != null && volume.superblock.flags().contains(SuperblockFlag.CRASHED_PRIMARY)
        && volume.servesLocally()) {
      changeSuperblock(volume, withFlag(SuperblockFlag.CRASHED_PRIMARY, false), Effect.DataSync.NONE,
          VolumeCore.LogCleanup.KEEP, () -> { });
    }
  }

  /**
   * The Primary started a new generation; a peer that receives its writes adopts it (durably,
   * before the writes that follow), and its slots of the peers it does not reach start tracking.
   */
  private void onNewCurrentUuid(Connection connection, NewCurrentUuid newUuid) {
    VolumeCore volume = volumes.get(newUuid.volume());
    if (volume == null) {
      return;
    }
    PeerVolume peerVolume = connection.volume(volume.number);
    peerVolume.peerCurrentUuid = newUuid.uuid();
    // the writes that follow on this connection are the new generation's
    volume.generationWrites = 0;
    volume.ownUnacknowledged = false;
    if (peerVolume.direction == PeerVolume.Direction.TARGET) {
      // resyncing from the Primary, which writes here too: the new generation is complete here
      // once the resync ends, also where the resync itself stays within the old one
      peerVolume.adoptGeneration = true;
    }
    boolean resyncingFromIt = volume.diskState == DiskState.Inconsistent
        && peerVolume.direction == PeerVolume.Direction.TARGET;
    if (!volume.diskful() || volume.activityLog == null || !(resyncingFromIt
        || (volume.diskState == DiskState.UpToDate && peerVolume.direction == PeerVolume.Direction.NONE))) {
      return; // a SyncTarget of another node adopts the source's generation when the resync ends
    }
    // a SyncTarget of the Primary takes the new generation at once (still Inconsistent): it holds
    // writes of it, and must never take an older generation's data over them
    Set<Integer> tracking = new HashSet<>();
    for (Connection other : connections.values()) {
      boolean weak = (newUuid.weakNodes() & (1 << other.peer.nodeId())) != 0;
      if (weak || (other != connection ? !other.ready() : !holdsData(peerVolume.peerDisk))) {
        tracking.add(other.peer.nodeId());
      }
    }
    long uuid = newUuid.uuid();
    forgetNewerHere(volume);
    renegotiateStaleReports(volume);
    volume.generationChangeInFlight = true;
    changeSuperblock(volume, superblock -> withFlag(SuperblockFlag.PRIMARY_LOST_QUORUM, false)
        .apply(superblock.withNewGeneration(uuid, trackingFrom(volume, superblock, tracking))), Effect.DataSync.NONE,
        VolumeCore.LogCleanup.KEEP, () -> {
          volume.generationChangeInFlight = false;
          if (!stateUnsettled()) {
            attached();
          }
          broadcastState(); // peers keep an accurate view of this node's generation
          advance(volume);
        });
  }

  // ---------------------------------------------------------------- peers: replicated writes

  private void onDataWrite(Connection connection, DataWrite message) {
    VolumeCore volume = volumes.get(message.volume());
    String problem = null;
    if (volume == null || !volume.diskful()) {
      problem = "no disk";
    } else if (volume.activityLog == null || volume.diskState == DiskState.Failed) {
      problem = "disk " + volume.diskState;
    } else if (role == Role.Primary) {
      problem = settings.nodeName() + " is Primary";
    } else {
      problem = rangeProblem(volume, message.offset(), message.length());
    }
    if (problem != null) {
      send(connection, new WriteAck(message.sequence(), WriteAck.FAILED));
      return;
    }
    if ((message.flags() & DataWrite.FLAG_WANT_RECEIVED_ACK) != 0) {
      send(connection, new WriteAck(message.sequence(), WriteAck.RECEIVED));
    }
    DataOperation operation;
    if (message.operation() == DataWrite.OP_WRITE) {
      operation = DataOperation.WRITE;
    } else {
      operation = zeroing(volume, message.operation() == DataWrite.OP_PUNCH_HOLE);
    }
    VolumeCore.PendingWrite write = new VolumeCore.PendingWrite(VolumeCore.Origin.PEER, message.offset(),
        message.length(), operation, message.payload(),
        (message.flags() & DataWrite.FLAG_FUA) != 0 ? Durability.FORCED : Durability.CACHED);
    write.peerNodeId = connection.peer.nodeId();
    write.connectionId = connection.id;
    write.peerSequence = message.sequence();
    write.replicatedTo = message.replicatedTo();
    if (write.extents.count() > volume.activityLog.capacity()) {
      send(connection, new WriteAck(message.sequence(), WriteAck.FAILED));
      return;
    }
    applicationBytesSinceTick += message.length();
    volume.replicatedSinceStart = true;
    volume.generationWrites = Math.max(volume.generationWrites, message.sequence());
    connection.awaitingPeerAck.put(message.sequence(), new Connection.ReceivedWrite(volume.number, message.offset(),
        message.length(), message.replicatedTo(), connection.volume(volume.number).peerCurrentUuid));
    connection.incomingWrites.add(write);
    volume.pending.add(write);
    connection.lastWriteReceived = Math.max(connection.lastWriteReceived, message.sequence());
    releaseFencedReads(connection);
    advance(volume);
  }

  private void onWriteAck(Connection connection, WriteAck ack) {
    int nodeId = connection.peer.nodeId();
    VolumeCore.PendingWrite write = ack.kind() == WriteAck.RECEIVED ? connection.unacked.get(ack.sequence())
        : connection.unacked.remove(ack.sequence());
    if (write == null) {
      return;
    }
    VolumeCore volume = volumes.get(write.request.volume());
    if (ack.kind() == WriteAck.RECEIVED) {
      write.awaitingReceived.remove(nodeId);
    } else {
      connection.inFlightBytes -= write.length;
      write.awaitingReceived.remove(nodeId);
      if (write.awaitingWritten.remove(nodeId)) {
        if (ack.kind() == WriteAck.WRITTEN) {
          write.writtenMask |= 1 << nodeId;
          if (write.upToDateTargets.contains(nodeId)) {
            write.peersWritten++;
          }
          Integer slot = volume.slotOfPeer.get(nodeId);
          if (slot != null && volume.bitmap != null && !write.throughPeers && !write.missedSlots.contains(slot)) {
            // the peer holds these bytes now: whole blocks are in sync with it (unless the local
            // disk failed under this write, or before it: then it lacks them, and the mark stays)
            volume.markInSync(slot, write.offset, write.length);
          }
        } else {
          markMissed(volume, write, nodeId);
        }
      }
    }
    finishClientWrite(volume, write);
    advanceAll();
  }

  /**
   * A connected peer missed a write the Primary did not send it (DRBD's P_OUT_OF_SYNC): it is told
   * the blocks, and resyncs them from this node, so it never claims a generation whose writes it
   * lacks.
   */
  private void tellOutOfSync(VolumeCore volume, Connection connection, VolumeCore.PendingWrite write) {
    tellOutOfSync(volume, connection, write.start() / BLOCK_BYTES, (write.end() - 1) / BLOCK_BYTES);
  }

  private void tellOutOfSync(VolumeCore volume, Connection connection, long first, long last) {
    if (connection == null || !connection.ready() || volume.diskState != DiskState.UpToDate) {
      return;
    }
    PeerVolume peerVolume = connection.volume(volume.number);
    if (peerVolume.replication != ReplicationState.Established
        && peerVolume.replication != ReplicationState.SyncSource) {
      return; // the bitmaps are being exchanged, or it is no target of ours: the marks wait for the next exchange
    }
    send(connection, new BitmapRuns(volume.number, true, List.of(new BitmapRuns.BlockRun(first, last - first + 1))));
    if (peerVolume.replication == ReplicationState.Established) {
      peerVolume.direction = PeerVolume.Direction.SOURCE;
      peerVolume.replication = ReplicationState.SyncSource;
    }
  }

  private PeerVolume peerVolumeOf(int nodeId, VolumeCore volume) {
    Connection connection = connections.get(nodeId);
    return connection == null ? null : connection.volumes.get(volume.number);
  }

  /** A write in flight did not reach {@code nodeId}: its blocks are out of sync for it (when there is a bitmap). */
  private void markMissed(VolumeCore volume, VolumeCore.PendingWrite write, int nodeId) {
    Integer slot = volume.slotOfPeer.get(nodeId);
    if (slot != null && !write.throughPeers) {
      volume.markOutOfSync(write, slot, null);
      recordOwnMissedWrite(volume, write, nodeId);
    }
  }

  /**
   * A client write of this node, the writer of its generation, that {@code nodeId} did not write
   * (or may not have): this node holds the newer data there within that generation, whatever the
   * peer marks. A resync from that peer in that generation (or an older one) keeps those blocks
   * and tells the peer, as for the writes a Secondary holds that a peer missed
   * ({@link #markReceivedWriteMissed}).
   */
  private void recordOwnMissedWrite(VolumeCore volume, VolumeCore.PendingWrite write, int nodeId) {
    PeerVolume missing = peerVolumeOf(nodeId, volume);
    if (missing == null || write.origin != VolumeCore.Origin.CLIENT || write.throughPeers || volume.superblock == null
        || write.end() <= write.start()) {
      return;
    }
    long generation = write.generation != 0 ? write.generation : volume.superblock.currentUuid();
    int descendant = -1;
    for (int i = 0; i < missing.newerHereDescendants.size(); i++) {
      if (sameUuid(missing.newerHereDescendants.get(i), generation)) {
        descendant = i;
      }
    }
    if (descendant >= 0) {
      // a generation this node started since the record's: the record moves on to it, keeping its
      // blocks (the older generations become its ancestors)
      List<Long> passed = new ArrayList<>(missing.newerHereDescendants.subList(0, descendant));
      java.util.Collections.reverse(passed);
      missing.newerHereAncestors.add(0, missing.newerHereGeneration);
      missing.newerHereAncestors.addAll(0, passed);
      missing.newerHereDescendants.subList(0, descendant + 1).clear();
      missing.newerHereGeneration = generation;
      missing.unsettledHere.clear();
    } else if (!sameUuid(missing.newerHereGeneration, generation)) {
      missing.newerHereOwn = true;
      missing.newerHere.clear();
      missing.unsettledHere.clear();
      missing.newerHereGeneration = generation;
      missing.newerHereAncestors.clear();
      missing.newerHereDescendants.clear();
      if (sameUuid(volume.superblock.currentUuid(), generation)) {
        for (long uuid : volume.superblock.historyUuids()) {
          if (uuid != 0) {
            missing.newerHereAncestors.add(uuid);
          }
        }
      }
    }
    if (missing.newerHere.isEmpty() && missing.unsettledHere.isEmpty()) {
      missing.newerHereOwn = true;
    }
    missing.newerHere.add(write.start() / BLOCK_BYTES, (write.end() - 1) / BLOCK_BYTES);
  }

  private void onBarrier(Connection connection, Barrier barrier) {
    connection.incomingBarriers.add(new Connection.IncomingBarrier(barrier.sequence(),
        new LinkedHashSet<>(connection.incomingWrites)));
    startBarriers(connection);
  }

  /** A barrier whose earlier writes are all written is answered after a sync of every usable disk. */
  private void startBarriers(Connection connection) {
    for (Connection.IncomingBarrier barrier : new ArrayList<>(connection.incomingBarriers)) {
      if (barrier.syncsLeft >= 0 || !barrier.waitingFor.isEmpty()) {
        continue;
      }
      List<VolumeCore> usable = new ArrayList<>();
      for (VolumeCore volume : volumes.values()) {
        if (volume.diskful() && volume.activityLog != null && volume.diskState != DiskState.Failed) {
          usable.add(volume);
        }
      }
      barrier.syncsLeft = usable.size();
      if (usable.isEmpty()) {
        connection.incomingBarriers.remove(barrier);
        send(connection, new BarrierAck(barrier.sequence, true));
        continue;
      }
      for (VolumeCore volume : usable) {
        long ioId = issue(new BarrierSync(connection, connection.id, barrier, volume));
        outbox.add(new Effect.DataIo(ioId, volume.number, DataOperation.SYNC, 0, 0, null, Durability.FORCED));
      }
    }
  }

  private void onBarrierAck(Connection connection, BarrierAck ack) {
    Connection.FlushWaiter waiter = connection.barriers.remove(ack.sequence());
    if (waiter == null) {
      return;
    }
    waiter.awaiting.remove(connection.peer.nodeId());
    finishFlush(waiter);
  }

  // ---------------------------------------------------------------- observation

  /**
   * Quorum as this node sees it: the diskful nodes of the resource vote; this node counts while
   * its disk works, a peer while it is connected.
   */
  public QuorumVerdict quorum() {
    boolean localDisk = false;
    for (VolumeCore volume : volumes.values()) {
      localDisk |= volume.diskful() && volume.diskState != DiskState.Failed;
    }
    boolean configuredDisk = volumes.values().stream().anyMatch(VolumeCore::diskful);
    int voters = configuredDisk ? 1 : 0;
    int visible = localDisk ? 1 : 0;
    for (Connection connection : connections.values()) {
      if (connection.peer.disk() == Peer.Disk.DISKFUL) {
        voters++;
        if (connection.ready() && peerHoldsData(connection)) {
          visible++;
        }
      }
    }
    return settings.quorum().evaluate(voters, visible);
  }

  /** A connected peer votes while its disk works (a failed disk was detached). */
  private boolean peerHoldsData(Connection connection) {
    for (PeerVolume peerVolume : connection.volumes.values()) {
      if (peerVolume.peerDisk == DiskState.Failed || peerVolume.peerDisk == DiskState.Diskless) {
        return false;
      }
    }
    return true;
  }

  public Role role() {
    return role;
  }

  public ReplicaStatus status() {
    List<ReplicaStatus.Volume> volumeStates = new ArrayList<>();
    for (VolumeCore volume : volumes.values()) {
      volumeStates.add(new ReplicaStatus.Volume(volume.number, volume.diskState, volume.sizeBytes / 1024,
          volume.activityLog == null ? 0 : volume.activityLog.hotCount(),
          volume.superblock == null ? 0 : volume.superblock.currentUuid()));
    }
    List<ReplicaStatus.PeerStatus> peers = new ArrayList<>();
    for (Connection connection : connections.values()) {
      List<ReplicaStatus.PeerVolume> peerVolumes = new ArrayList<>();
      for (VolumeCore volume : volumes.values()) {
        Integer slot = volume.slotOfPeer.get(connection.peer.nodeId());
        long outOfSyncBlocks = slot == null ? 0 : volume.bitmap.count(slot);
        PeerVolume peerVolume = connection.volumes.get(volume.number);
        ReplicationState replication = peerVolume == null || !connection.ready() ? ReplicationState.Off
            : peerVolume.replication;
        Double done = null;
        if (peerVolume != null && peerVolume.syncing() && connection.ready()) {
          long total = Math.max(peerVolume.totalBlocks, outOfSyncBlocks);
          done = total == 0 ? 100.0 : Math.floor(1000.0 * (total - outOfSyncBlocks) / total) / 10.0;
        }
        Long rate = peerVolume != null && peerVolume.replication == ReplicationState.SyncTarget
            && peerVolume.measuredBytesPerSecond >= 0 ? peerVolume.measuredBytesPerSecond / 1024 : null;
        ReplicaStatus.Verify verify = null;
        if (peerVolume != null && peerVolume.verifyMismatches >= 0) {
          verify = new ReplicaStatus.Verify(peerVolume.verifying, peerVolume.verifyTotalBytes == 0 ? 100.0
              : Math.floor(1000.0 * peerVolume.verifyDoneBytes / peerVolume.verifyTotalBytes) / 10.0,
              peerVolume.verifyMismatches * (BLOCK_BYTES / 1024));
        }
        peerVolumes.add(new ReplicaStatus.PeerVolume(volume.number, replication,
            outOfSyncBlocks * (BLOCK_BYTES / 1024), done, rate, verify,
            peerVolume == null ? 0 : peerVolume.resyncReceivedBytes, peerVolume == null ? 0 : peerVolume.resyncSentBytes));
      }
      peers.add(new ReplicaStatus.PeerStatus(connection.peer.name(), connection.peer.nodeId(), connection.state(),
          peerVolumes, connection.problem));
    }
    return new ReplicaStatus(settings.resource(), settings.nodeName(), settings.nodeId(), role, quorum(), volumeStates,
        peers);
  }

  /** Why the connection to a peer is down or its replication stopped; null when all is well. */
  public String peerProblem(int nodeId) {
    Connection connection = connections.get(nodeId);
    return connection == null ? null : connection.problem;
  }

  /** The hot extents of a volume's activity log (for checks). */
  public java.util.SortedSet<Long> hotExtents(int volume) {
    VolumeCore core = volumes.get(volume);
    return core.activityLog == null ? new java.util.TreeSet<>() : core.activityLog.hotExtents();
  }

  /** A copy of a diskful volume's bitmap (for checks). */
  public Bitmap bitmapForChecks(int volume) {
    return volumes.get(volume).bitmap.copy();
  }

  /** The bitmap slot a volume keeps for a peer, or -1 (a diskless peer, or a diskless volume). */
  public int bitmapSlot(int volume, int peerNodeId) {
    Integer slot = volumes.get(volume).slotOfPeer.get(peerNodeId);
    return slot == null ? -1 : slot;
  }

  /** I/O effects issued and not yet completed. */
  public int ioInFlight() {
    return pendingIo.size();
  }

  /** Throws on the first violated invariant; cheap enough to run after every event in tests. */
  public void checkInvariants() {
    for (VolumeCore volume : volumes.values()) {
      if (volume.diskful()) {
        volume.checkInvariants();
      }
    }
    for (Connection connection : connections.values()) {
      for (VolumeCore.PendingWrite write : connection.unacked.values()) {
        VolumeCore volume = volumes.get(write.request.volume());
        if (!volume.active.contains(write) || !write.awaitingWritten.contains(connection.peer.nodeId())) {
          throw new IllegalStateException(write.label() + " awaits an acknowledgement from "
              + connection.peer.name() + " but is not in flight to it");
        }
      }
      if (!connection.connected() && (!connection.unacked.isEmpty() || !connection.barriers.isEmpty())) {
        throw new IllegalStateException("writes or barriers wait for " + connection.peer.name()
            + ", which is not connected");
      }
    }
    if (role == Role.Primary && writers == 0 && autoPromoted && roleChange == null) {
      throw new IllegalStateException("auto-promoted Primary with no writer left and no demotion under way");
    }
  }

  Collection<VolumeCore> volumes() {
    return volumes.values();
  }
}
