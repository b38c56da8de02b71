package io.tandem.engine.core;

import io.tandem.engine.activitylog.ActivityLog;
import io.tandem.engine.activitylog.ActivityLogPlan;
import io.tandem.engine.metadata.MetadataLayout;
import io.tandem.engine.metadata.Superblock;
import io.tandem.engine.metadata.SuperblockFlag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The deterministic core of one node's side of a resource: events in, effects out (STYLE.md
 * "Engine"; after etcd's raft {@code RawNode}). It owns roles, disk states, bitmaps and activity
 * logs, orders writes, and decides every I/O; the edge performs the I/O and reports back. No
 * threads, files, sockets, clock or randomness here ({@code ArchitectureTest}).
 *
 * <p>Guarantees kept by construction and checked by {@link #checkInvariants()}:
 * <ul>
 *   <li>a write reaches the data file only inside extents a durable activity-log transaction
 *       names, after every overlapping earlier write completed, and with its blocks marked out of
 *       sync for every peer that will miss it;</li>
 *   <li>a request completes only after what it needs is done: a FLUSH after the data file was
 *       synced, a FUA write after the write was forced, a promotion after the superblock that says
 *       so is durable;</li>
 *   <li>bitmap pages of an extent, and the data it covers, are durable before the extent leaves
 *       the activity log.</li>
 * </ul>
 *
 * <p>Not thread-safe: the edge hands it one event at a time.
 */
public final class ReplicaCore {

  private final ReplicaSettings settings;
  private final UuidSource uuids;
  private final Map<Integer, VolumeCore> volumes = new TreeMap<>();
  private final Map<Integer, VolumeImage> images = new HashMap<>();
  private final Map<Long, PendingIo> pendingIo = new HashMap<>();
  private List<Effect> outbox = new ArrayList<>();
  private long nextIoId = 1;
  private boolean started;
  private Role role = Role.Secondary;
  private RoleChange roleChange;
  private int writers;
  private int readers;
  private boolean autoPromoted;
  private final List<Long> writersAfterRoleChange = new ArrayList<>();
  private final Map<Integer, Long> connectionIds = new HashMap<>();

  /** Why an I/O effect was issued, so its completion goes to the right place. */
  private sealed interface PendingIo permits WriteIo, ReadIo, FlushIo, MetadataStep {}

  private record WriteIo(VolumeCore volume, VolumeCore.PendingWrite write) implements PendingIo {}

  private record ReadIo(VolumeCore volume, Event.ClientRequest request) implements PendingIo {}

  private record FlushIo(VolumeCore volume, Event.ClientRequest request) implements PendingIo {}

  /** Metadata I/O; {@code plan} is set when it carries an activity-log transaction of the writer policy. */
  private record MetadataStep(VolumeCore volume, ActivityLogPlan plan, Superblock superblock, Runnable onDurable)
      implements PendingIo {}

  /** A promotion or demotion in progress. */
  private static final class RoleChange {
    final Role target;
    final boolean automatic;
    final List<Long> requests = new ArrayList<>();
    int volumesLeft;

    RoleChange(Role target, boolean automatic) {
      this.target = target;
      this.automatic = automatic;
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
      onRoleRequest(request.requestId(), request.role(), false);
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
    VolumeCore volume = volumes.get(request.volume());
    if (volume == null) {
      complete(request.requestId(), IoStatus.INVALID, "no volume " + request.volume());
      return;
    }
    if (request.kind() != RequestKind.FLUSH) {
      String problem = rangeProblem(volume, request);
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

  private String rangeProblem(VolumeCore volume, Event.ClientRequest request) {
    if (request.offset() < 0 || request.length() <= 0 || request.offset() > volume.sizeBytes - request.length()) {
      return "range " + request.offset() + "+" + request.length() + " is outside volume " + volume.number + " of "
          + volume.sizeBytes + " bytes";
    }
    return null;
  }

  private void read(VolumeCore volume, Event.ClientRequest request) {
    if (!volume.diskful() || !volume.readable()) {
      complete(request.requestId(), IoStatus.IO_ERROR, noDataReason(volume));
      return;
    }
    long ioId = issue(new ReadIo(volume, request));
    outbox.add(new Effect.DataIo(ioId, volume.number, DataOperation.READ, request.offset(), request.length(),
        null, Durability.CACHED));
  }

  private void flush(VolumeCore volume, Event.ClientRequest request) {
    if (!volume.diskful() || volume.diskState == DiskState.Failed || volume.diskState == DiskState.Attaching) {
      complete(request.requestId(), IoStatus.IO_ERROR, noDataReason(volume));
      return;
    }
    long ioId = issue(new FlushIo(volume, request));
    outbox.add(new Effect.DataIo(ioId, volume.number, DataOperation.SYNC, 0, 0, null, Durability.FORCED));
  }

  private void write(VolumeCore volume, Event.ClientRequest request) {
    if (role != Role.Primary) {
      complete(request.requestId(), IoStatus.NOT_PERMITTED, "resource " + settings.resource() + " is Secondary on "
          + settings.nodeName() + "; only the Primary writes");
      return;
    }
    if (!volume.diskful() || !volume.readable()) {
      complete(request.requestId(), IoStatus.IO_ERROR, noDataReason(volume));
      return;
    }
    VolumeCore.PendingWrite write = new VolumeCore.PendingWrite(request);
    if (write.extents.count() > volume.activityLog.capacity()) {
      complete(request.requestId(), IoStatus.INVALID, "a request of " + request.length() + " bytes spans "
          + write.extents.count() + " extents, more than the activity log's " + volume.activityLog.capacity());
      return;
    }
    volume.pending.add(write);
    advance(volume);
  }

  private String noDataReason(VolumeCore volume) {
    if (volume.failure != null) {
      return "volume " + volume.number + " is " + volume.diskState + ": " + volume.failure;
    }
    return "volume " + volume.number + " has no usable data here (disk " + volume.diskState + ")";
  }

  /** Issues every pending write that may go now, and the next activity-log transaction if one is needed. */
  private void advance(VolumeCore volume) {
    if (volume.activityLog == null || volume.diskState == DiskState.Failed) {
      return;
    }
    if (volume.newGenerationOnFirstWrite && !volume.pending.isEmpty()) {
      startNewGeneration(volume);
    }
    if (volume.generationChangeInFlight) {
      pumpMetadata(volume);
      return;
    }
    for (VolumeCore.PendingWrite write : volume.issuable()) {
      volume.markOutOfSync(write, missingSlots(volume));
      long ioId = issue(new WriteIo(volume, write));
      Event.ClientRequest request = write.request;
      outbox.add(new Effect.DataIo(ioId, volume.number, dataOperation(volume, request), request.offset(),
          request.length(), request.kind() == RequestKind.WRITE ? request.payload() : null,
          request.flags().contains(RequestFlag.FUA) ? Durability.FORCED : Durability.CACHED));
    }
    pumpMetadata(volume);
  }

  /**
   * The first write after the node became Primary without every peer connected starts a new data
   * generation, durable before the write goes out: a peer that missed writes can then never be
   * mistaken for being in sync, also for replicas created already in sync ("day 0",
   * DRBD-REFERENCE.md §4.1).
   */
  private void startNewGeneration(VolumeCore volume) {
    volume.newGenerationOnFirstWrite = false;
    volume.generationChangeInFlight = true;
    long next = freshUuid(volume.superblock.currentUuid());
    changeSuperblock(volume, superblock -> superblock.withNewGeneration(next), Effect.DataSync.NONE,
        VolumeCore.LogCleanup.KEEP, () -> {
          volume.generationChangeInFlight = false;
          advance(volume);
        });
  }

  private long freshUuid(long previous) {
    while (true) {
      long uuid = uuids.next() & ~1L;
      if (uuid != 0 && uuid != Superblock.JUST_CREATED_UUID && uuid != (previous & ~1L)) {
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

  /** Bitmap slots of the peers a write now misses: every peer, until replication connects them. */
  private List<Integer> missingSlots(VolumeCore volume) {
    return new ArrayList<>(volume.slotOfPeer.values());
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
        issueMetadata(volume, change.dataSync(), new TreeMap<>(), null, null,
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
      io.tandem.engine.metadata.ActivityLogTransaction transaction, ActivityLogPlan plan, Superblock superblock,
      Runnable onDurable) {
    volume.metadataInFlight = true;
    long ioId = issue(new MetadataStep(volume, plan, superblock, onDurable));
    outbox.add(new Effect.MetadataIo(ioId, volume.number, dataSync, pages, transaction, superblock));
  }

  private void changeSuperblock(VolumeCore volume, UnaryOperator<Superblock> change, Effect.DataSync dataSync,
      VolumeCore.LogCleanup logCleanup, Runnable onDurable) {
    volume.superblockChanges.addLast(new VolumeCore.SuperblockChange(change, dataSync, logCleanup, onDurable));
    pumpMetadata(volume);
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
      VolumeCore volume = writeIo.volume();
      volume.finished(writeIo.write());
      long requestId = writeIo.write().request.requestId();
      if (ok) {
        complete(requestId, IoStatus.OK, null);
      } else if (completed.outcome() == IoOutcome.NO_SPACE) {
        complete(requestId, IoStatus.NO_SPACE, "no space left for volume " + volume.number + ": "
            + completed.detail());
      } else {
        complete(requestId, IoStatus.IO_ERROR, "write failed on volume " + volume.number + ": " + completed.detail());
        failDisk(volume, "write error: " + completed.detail());
      }
      advance(volume);
    } else if (io instanceof ReadIo readIo) {
      if (ok) {
        outbox.add(new Effect.RequestCompleted(readIo.request().requestId(), IoStatus.OK, null, completed.data()));
      } else {
        complete(readIo.request().requestId(), IoStatus.IO_ERROR, "read failed on volume " + readIo.volume().number
            + ": " + completed.detail());
        failDisk(readIo.volume(), "read error: " + completed.detail());
      }
    } else if (io instanceof FlushIo flushIo) {
      if (ok) {
        complete(flushIo.request().requestId(), IoStatus.OK, null);
      } else {
        complete(flushIo.request().requestId(), IoStatus.IO_ERROR, "flush failed on volume "
            + flushIo.volume().number + ": " + completed.detail());
        failDisk(flushIo.volume(), "flush error: " + completed.detail());
      }
    } else {
      onMetadataCompleted((MetadataStep) io, completed);
    }
  }

  private void onMetadataCompleted(MetadataStep step, Event.IoCompleted completed) {
    VolumeCore volume = step.volume();
    volume.metadataInFlight = false;
    if (completed.outcome() != IoOutcome.OK) {
      failDisk(volume, "metadata write failed: " + completed.detail());
      step.onDurable().run();
      return;
    }
    if (step.superblock() != null) {
      volume.superblock = step.superblock();
    }
    if (step.plan() != null) {
      volume.activityLog.committed(step.plan());
    }
    step.onDurable().run();
    advance(volume);
  }

  /**
   * The local disk failed (DRBD's {@code on-io-error detach}): every waiting write fails, later I/O
   * fails until the disk is attached again. Writes already issued complete as their I/O reports.
   */
  private void failDisk(VolumeCore volume, String reason) {
    if (volume.diskState == DiskState.Failed) {
      return;
    }
    volume.diskState = DiskState.Failed;
    volume.failure = reason;
    if (volume.activityLog != null) {
      for (VolumeCore.PendingWrite write : volume.drainPending()) {
        complete(write.request.requestId(), IoStatus.IO_ERROR, noDataReason(volume));
      }
    }
    while (!volume.superblockChanges.isEmpty()) {
      volume.superblockChanges.pollFirst().onDurable().run();
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
    onRoleRequest(requestId, Role.Primary, true);
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
    if (writers == 0 && autoPromoted && role == Role.Primary && roleChange == null) {
      startRoleChange(Role.Secondary, true, null);
    }
  }

  /** A client whose auto-promotion was refused is no writer. */
  private void refuseAttachedWriter(long requestId, boolean automatic, String reason) {
    if (automatic) {
      writers--;
    }
    outbox.add(new Effect.RequestCompleted(requestId, IoStatus.REFUSED, reason, null));
  }

  private void onRoleRequest(long requestId, Role target, boolean automatic) {
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
    String refusal = target == Role.Primary ? promotionRefusal() : demotionRefusal();
    if (refusal != null) {
      refuseAttachedWriter(requestId, automatic, refusal);
      return;
    }
    startRoleChange(target, automatic, requestId);
  }

  private String promotionRefusal() {
    QuorumVerdict quorum = quorum();
    if (!quorum.hasQuorum()) {
      return "cannot promote " + settings.resource() + " on " + settings.nodeName() + " without quorum: "
          + quorum.reason();
    }
    for (VolumeCore volume : volumes.values()) {
      if (volume.diskState != DiskState.UpToDate) {
        return "cannot promote " + settings.resource() + " on " + settings.nodeName() + ": volume " + volume.number
            + " is " + volume.diskState + " and no UpToDate peer is reachable";
      }
    }
    return null;
  }

  private String demotionRefusal() {
    if (writers > 0) {
      return "cannot demote " + settings.resource() + " on " + settings.nodeName() + ": in use by " + writers
          + " writing client" + (writers == 1 ? "" : "s") + "; disconnect them first";
    }
    return null;
  }

  private void startRoleChange(Role target, boolean automatic, Long requestId) {
    RoleChange change = new RoleChange(target, automatic);
    if (requestId != null) {
      change.requests.add(requestId);
    }
    roleChange = change;
    List<VolumeCore> diskful = new ArrayList<>();
    for (VolumeCore volume : volumes.values()) {
      if (volume.diskful() && volume.diskState != DiskState.Failed) {
        diskful.add(volume);
      }
    }
    change.volumesLeft = diskful.size();
    if (diskful.isEmpty()) {
      finishRoleChange(change);
      return;
    }
    for (VolumeCore volume : diskful) {
      // DRBD-REFERENCE.md §1.3: the primary indicator is durable before the node acts as Primary,
      // so a crash while Primary is recognised on the next attach (the log is then applied).
      UnaryOperator<Superblock> flagChange = superblock -> superblock.withFlags(withPrimaryIndicator(
          superblock.flags(), target == Role.Primary));
      // a demotion is a graceful stop of writing: everything is made durable and the log emptied
      boolean demotion = target == Role.Secondary;
      changeSuperblock(volume, flagChange, demotion ? Effect.DataSync.FIRST : Effect.DataSync.NONE,
          demotion ? VolumeCore.LogCleanup.EMPTY_IF_IDLE : VolumeCore.LogCleanup.KEEP, () -> {
            change.volumesLeft--;
            if (change.volumesLeft == 0) {
              finishRoleChange(change);
            }
          });
    }
  }

  private static EnumSet<SuperblockFlag> withPrimaryIndicator(java.util.Set<SuperblockFlag> flags, boolean set) {
    EnumSet<SuperblockFlag> updated = flags.isEmpty() ? EnumSet.noneOf(SuperblockFlag.class) : EnumSet.copyOf(flags);
    if (set) {
      updated.add(SuperblockFlag.PRIMARY_INDICATOR);
    } else {
      updated.remove(SuperblockFlag.PRIMARY_INDICATOR);
    }
    return updated;
  }

  private void finishRoleChange(RoleChange change) {
    roleChange = null;
    String failure = null;
    for (VolumeCore volume : volumes.values()) {
      if (volume.diskState == DiskState.Failed && change.target == Role.Primary) {
        failure = noDataReason(volume);
      }
    }
    if (failure == null) {
      role = change.target;
      autoPromoted = change.target == Role.Primary && change.automatic;
      if (change.target == Role.Primary && !settings.peers().isEmpty()) {
        // no peer is connected yet (replication comes next), so every promotion counts
        for (VolumeCore volume : volumes.values()) {
          volume.newGenerationOnFirstWrite = volume.diskful();
        }
      }
    }
    for (long requestId : change.requests) {
      if (failure == null) {
        complete(requestId, IoStatus.OK, null);
      } else {
        refuseAttachedWriter(requestId, change.automatic, "promotion failed: " + failure);
      }
    }
    List<Long> waiting = new ArrayList<>(writersAfterRoleChange);
    writersAfterRoleChange.clear();
    for (long requestId : waiting) {
      admitWriter(requestId);
    }
  }

  // ---------------------------------------------------------------- peers

  private void onPeerConnected(Event.PeerConnected connected) {
    connectionIds.put(connected.nodeId(), connected.connectionId());
  }

  private void onPeerDisconnected(Event.PeerDisconnected disconnected) {
    connectionIds.remove(disconnected.nodeId(), disconnected.connectionId());
  }

  private void onPeerReceived(Event.PeerReceived received) {
    // replication messages are handled from the next commit on
  }

  private void onPeerCommand(Event.PeerCommand command) {
    if (settings.peers().stream().noneMatch(peer -> peer.nodeId() == command.nodeId())) {
      complete(command.requestId(), IoStatus.INVALID, "node id " + command.nodeId() + " is not a peer of "
          + settings.nodeName() + " in resource " + settings.resource());
      return;
    }
    if (!command.connect()) {
      connectionIds.remove(command.nodeId());
    }
    outbox.add(new Effect.HoldPeer(command.nodeId(), !command.connect(), command.connect()
        ? "connect requested by an operator" : "disconnect requested by an operator"));
    complete(command.requestId(), IoStatus.OK, null);
  }

  // ---------------------------------------------------------------- observation

  /**
   * Quorum as this node sees it: the diskful nodes of the resource vote, and today only this node
   * itself is visible (connections to peers come with replication).
   */
  public QuorumVerdict quorum() {
    boolean localDisk = false;
    for (VolumeCore volume : volumes.values()) {
      localDisk |= volume.diskful() && volume.diskState != DiskState.Failed;
    }
    boolean configuredDisk = volumes.values().stream().anyMatch(VolumeCore::diskful);
    int voters = configuredDisk ? 1 : 0;
    for (Peer peer : settings.peers()) {
      if (peer.disk() == Peer.Disk.DISKFUL) {
        voters++;
      }
    }
    return settings.quorum().evaluate(voters, localDisk ? 1 : 0);
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
    for (Peer peer : settings.peers()) {
      List<ReplicaStatus.PeerVolume> peerVolumes = new ArrayList<>();
      for (VolumeCore volume : volumes.values()) {
        Integer slot = volume.slotOfPeer.get(peer.nodeId());
        long outOfSyncKib = slot == null ? 0
            : volume.bitmap.count(slot) * (MetadataLayout.BITMAP_BYTES_PER_BIT / 1024);
        peerVolumes.add(new ReplicaStatus.PeerVolume(volume.number, ReplicationState.Off, outOfSyncKib, null));
      }
      peers.add(new ReplicaStatus.PeerStatus(peer.name(), peer.nodeId(), connectionIds.containsKey(peer.nodeId())
          ? ConnectionState.Connected : ConnectionState.StandAlone, peerVolumes));
    }
    return new ReplicaStatus(settings.resource(), settings.nodeName(), settings.nodeId(), role, quorum(), volumeStates,
        peers);
  }

  /** The hot extents of a volume's activity log (for checks). */
  public java.util.SortedSet<Long> hotExtents(int volume) {
    VolumeCore core = volumes.get(volume);
    return core.activityLog == null ? new java.util.TreeSet<>() : core.activityLog.hotExtents();
  }

  /** A copy of a diskful volume's bitmap (for checks). */
  public io.tandem.engine.bitmap.Bitmap bitmapForChecks(int volume) {
    return volumes.get(volume).bitmap.copy();
  }

  /** I/O effects issued and not yet completed. */
  public int ioInFlight() {
    return pendingIo.size();
  }

  /** Throws on the first violated invariant; cheap enough to run after every event in tests. */
  public void checkInvariants() {
    for (VolumeCore volume : volumes.values()) {
      if (volume.diskful()) {
        volume.checkInvariants(missingSlots(volume));
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
