package io.tandem.engine.core;

import io.tandem.engine.activitylog.ActivityLog;
import io.tandem.engine.activitylog.ActivityLogPlan;
import io.tandem.engine.activitylog.ExtentRange;
import io.tandem.engine.bitmap.Bitmap;
import io.tandem.engine.metadata.ActivityLogTransaction;
import io.tandem.engine.metadata.MetadataLayout;
import io.tandem.engine.metadata.PeerSlot;
import io.tandem.engine.metadata.Superblock;
import io.tandem.engine.metadata.SuperblockFlag;
import io.tandem.engine.metadata.TransactionType;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * One volume inside {@link ReplicaCore}: its disk state, bitmap, activity log, the writes waiting
 * for the log or for an overlapping write, and its serialized metadata I/O.
 *
 * <p>The write pipeline (REPLICATION.md "Writes, reads, flushes"; DRBD-REFERENCE.md §3.3):
 * a write waits until every extent it touches is hot in the activity log (a cold extent waits for
 * a durable transaction, many batched into one), then until no earlier write that overlaps it is
 * pending or in flight (no lost update), then sets the bits of every peer it will miss, and only
 * then goes to the data file.
 */
final class VolumeCore {

  /** Where an operation in the write pipeline comes from. */
  enum Origin {
    /** A client's write on this Primary. */
    CLIENT,
    /** A write replicated to this node by a peer. */
    PEER,
    /** Resync data this SyncTarget writes. */
    RESYNC_WRITE,
    /** A read this SyncSource does for a peer's resync request (ordered against writes, no activity log). */
    RESYNC_READ
  }

  /** Why a RESYNC_READ reads. */
  enum ReadPurpose {
    /** Data for a peer's resync request (or a read of a node without data). */
    RESYNC_REPLY,
    /** Digests of this node's blocks, to ask a peer which differ (verify, or checksum-based resync). */
    LOCAL_DIGESTS,
    /** A peer's digests to compare with this node's blocks. */
    CHECKSUM_ANSWER
  }

  /** An operation on its way through the pipeline: a write, or a resync read ordered like one. */
  static final class PendingWrite {
    final Origin origin;
    final long offset;
    final int length;
    final DataOperation operation;
    final ByteBuffer payload;
    final Durability durability;
    /** The client's request, for {@link Origin#CLIENT}. */
    final Event.ClientRequest request;
    /** The extents it pins in the activity log; null for resync operations. */
    final ExtentRange extents;
    boolean pinned;

    // PEER and RESYNC_*: the peer, its connection and the sequence or request id
    int peerNodeId = -1;
    long connectionId;
    long peerSequence;
    /** PEER: the node ids the Primary sent this write to (a third node not among them missed it). */
    int replicatedTo;
    /** RESYNC_READ: what the bytes read are for. */
    ReadPurpose readPurpose = ReadPurpose.RESYNC_REPLY;
    /** ReadPurpose.LOCAL_DIGESTS: ChecksumRequest.VERIFY or ChecksumRequest.RESYNC. */
    int checksumPurpose;
    /** ReadPurpose.CHECKSUM_ANSWER: the digests to compare with. */
    io.tandem.engine.wire.ChecksumRequest checksumRequest;

    /** Bitmap slots this write is marked out of sync in (the peers that miss it). */
    final Set<Integer> missedSlots = new TreeSet<>();
    /** CLIENT: the peers whose WRITTEN (and, protocol B, RECEIVED) acknowledgement is awaited. */
    final Set<Integer> awaitingWritten = new TreeSet<>();
    final Set<Integer> awaitingReceived = new TreeSet<>();
    /** A client write of a node without a usable disk: it goes to the peers only. */
    boolean throughPeers;
    /** UpToDate peers it was sent to; those that wrote it (a write through peers fails when none did). */
    final Set<Integer> upToDateTargets = new TreeSet<>();
    int peersWritten;
    /** CLIENT: the sequence it was replicated with (0: sent to no peer), and the peers that wrote it. */
    long replicationSequence;
    /** CLIENT, replicated: the generation it was sent in. */
    long generation;
    int writtenMask;
    boolean peerAckSent;
    /** Quorum was lost while it waited for a peer: it is not acknowledged (on-no-quorum io-error). */
    boolean quorumLost;
    /** CLIENT: a resync began replacing this node's data before the write was answered: why it fails. */
    String replaced;
    boolean localDone;
    IoStatus localStatus;
    String localMessage;
    boolean answered;

    PendingWrite(Event.ClientRequest request, DataOperation operation) {
      this.origin = Origin.CLIENT;
      this.offset = request.offset();
      this.length = request.length();
      this.operation = operation;
      this.payload = request.kind() == RequestKind.WRITE ? request.payload() : null;
      this.durability = request.flags().contains(RequestFlag.FUA) ? Durability.FORCED : Durability.CACHED;
      this.request = request;
      this.extents = ExtentRange.ofBytes(offset, length);
    }

    PendingWrite(Origin origin, long offset, int length, DataOperation operation, ByteBuffer payload,
        Durability durability) {
      if (origin == Origin.CLIENT) {
        throw new IllegalArgumentException("a client write is made from its request");
      }
      this.origin = origin;
      this.offset = offset;
      this.length = length;
      this.operation = operation;
      this.payload = payload;
      this.durability = durability;
      this.request = null;
      this.extents = origin == Origin.PEER ? ExtentRange.ofBytes(offset, length) : null;
    }

    long start() {
      return offset;
    }

    long end() {
      return offset + length;
    }

    boolean overlaps(PendingWrite other) {
      return start() < other.end() && other.start() < end();
    }

    boolean modifies() {
      return origin != Origin.RESYNC_READ;
    }

    /** A name for messages: the request id of a client write, else the origin and range. */
    String label() {
      return request != null ? "write " + request.requestId() : origin + " " + offset + "+" + length;
    }
  }

  /**
   * A metadata change waiting for its turn; the superblock change is applied to the latest
   * superblock.
   */
  record SuperblockChange(UnaryOperator<Superblock> change, Effect.DataSync dataSync, LogCleanup logCleanup,
      Runnable onDurable) {}

  /** Whether a superblock change also empties the activity log (a graceful stop of writing). */
  enum LogCleanup {
    KEEP,
    /**
     * Write every dirty bitmap page and an empty SNAPSHOT after the data sync: nothing is in
     * flight, so the next attach has no extent to mark out of sync.
     */
    EMPTY_IF_IDLE,
    /**
     * Keep the log, but write every dirty bitmap page (synced) before the superblock: the
     * superblock names bits that must be on disk first (the set bits of a full sync).
     */
    BITMAP_FIRST
  }

  final int number;
  final long sizeBytes;
  final Provisioning provisioning;
  DiskState diskState;
  Superblock superblock;
  final Bitmap bitmap;
  ActivityLog activityLog;
  /** Peer node id → bitmap slot. */
  final Map<Integer, Integer> slotOfPeer = new TreeMap<>();
  /** Writes not yet issued, in arrival order. */
  final List<PendingWrite> pending = new ArrayList<>();
  /** Writes issued to the data file. */
  final List<PendingWrite> active = new ArrayList<>();
  final Deque<SuperblockChange> superblockChanges = new ArrayDeque<>();
  boolean metadataInFlight;
  /** When the bitmap's dirty pages were last written during a resync (tick time; -1 never). */
  long lazyBitmapWriteNanos = -1;
  /** The activity log was replayed at start and no peer reconciled this disk since (REPLICA_STATE flag). */
  boolean replayedLog;
  /**
   * The sequence of the last write of the current generation's writer held here (this node's own
   * last write when it is the writer); 0 when unknown: nothing written in the generation yet, or
   * this node started since. Two Secondaries of one generation compare it: the higher holds more.
   */
  long generationWrites;
  /**
   * This node started the current generation, and every generation it started since
   * {@link #unacknowledgedSince} (the last one it did not start, or that held an acknowledged
   * write), and acknowledged no client write in them: their data is nobody's promise. Known only
   * since the start (false after a restart: nothing is claimed).
   */
  boolean ownUnacknowledged;
  /** The generation the unacknowledged ones branched from; meaningful while {@link #ownUnacknowledged}. */
  long unacknowledgedSince;
  /** The superblock change recording a Primary's loss of quorum is queued. */
  boolean recordingQuorumLoss;
  /** Writes of this volume went to or came from a peer since the core started. */
  boolean replicatedSinceStart;
  /** The disk failed and the mark saying so (superblock Outdated, the failed writes' bits) is still to be written. */
  boolean failureMarkPending;
  String failure;
  /**
   * The next write starts a new data generation first: set when the node becomes Primary while a
   * peer is not connected (DRBD-REFERENCE.md §4.1: on the first write, not at the event).
   */
  boolean newGenerationOnFirstWrite;
  /** The superblock with the new generation is being written; no write goes out until it is durable. */
  boolean generationChangeInFlight;

  VolumeCore(VolumeSetup setup) {
    this.number = setup.number();
    this.sizeBytes = setup.sizeBytes();
    this.provisioning = setup.provisioning();
    if (setup.diskless()) {
      this.diskState = DiskState.Diskless;
      this.superblock = null;
      this.bitmap = null;
    } else {
      this.diskState = DiskState.Attaching;
      this.superblock = setup.image().superblock();
      this.bitmap = setup.image().bitmap();
    }
  }

  boolean diskful() {
    return bitmap != null;
  }

  /** The disk state the superblock's flags allow once attached. */
  static DiskState diskStateFromFlags(Set<SuperblockFlag> flags) {
    if (!flags.contains(SuperblockFlag.CONSISTENT)) {
      return DiskState.Inconsistent;
    }
    return flags.contains(SuperblockFlag.WAS_UP_TO_DATE) ? DiskState.UpToDate : DiskState.Outdated;
  }

  /** The local disk takes I/O: attached and not failed (a failed disk is detached; I/O goes to peers). */
  boolean servesLocally() {
    return diskful() && activityLog != null && diskState != DiskState.Failed;
  }

  /** Local data may be read: the disk is attached and consistent. */
  boolean readable() {
    return diskState == DiskState.UpToDate || diskState == DiskState.Consistent || diskState == DiskState.Outdated;
  }

  /**
   * The attach step: replays the activity log into the bitmap (every replayed extent is marked out
   * of sync for every slot, DRBD-REFERENCE.md §3.4), assigns slots to peers, and returns the
   * superblock to write; the caller writes the dirty pages, then an empty SNAPSHOT transaction,
   * then the superblock.
   *
   * @throws IllegalStateException naming the peer if no slot is left for it
   */
  Superblock replayAndAssignSlots(VolumeImage image, List<Peer> peers) {
    long blocks = bitmap.blocks();
    long blocksPerExtent = MetadataLayout.EXTENT_BYTES / MetadataLayout.BITMAP_BYTES_PER_BIT;
    replayedLog = !image.replayedExtents().isEmpty();
    for (long extent : image.replayedExtents()) {
      long first = extent * blocksPerExtent;
      if (first < blocks) {
        bitmap.setAll(first, Math.min(blocks, first + blocksPerExtent) - 1);
      }
    }
    List<PeerSlot> slots = new ArrayList<>(superblock.peerSlots());
    for (Peer peer : peers) {
      if (peer.disk() == Peer.Disk.DISKLESS) {
        continue; // a peer without data never resyncs from or to us: no bitmap to keep for it
      }
      int slot = -1;
      for (int i = 0; i < slots.size(); i++) {
        if (slots.get(i).peerNodeId() == peer.nodeId()) {
          slot = i;
        }
      }
      if (slot < 0) {
        for (int i = 0; i < slots.size() && slot < 0; i++) {
          if (slots.get(i).peerNodeId() == PeerSlot.UNASSIGNED) {
            slot = i;
            // a new slot knows nothing of the peer: everything may differ
            slots.set(i, new PeerSlot(peer.nodeId(), 0, Set.of()));
            bitmap.set(i, 0, blocks - 1);
          }
        }
      }
      if (slot < 0) {
        throw new IllegalStateException("volume " + number + " has no free bitmap slot for peer " + peer.name()
            + " (node id " + peer.nodeId() + "); the metadata has " + slots.size() + " slots");
      }
      slotOfPeer.put(peer.nodeId(), slot);
    }
    EnumSet<SuperblockFlag> flags = superblock.flags().isEmpty()
        ? EnumSet.noneOf(SuperblockFlag.class) : EnumSet.copyOf(superblock.flags());
    if (flags.remove(SuperblockFlag.PRIMARY_INDICATOR)) {
      flags.add(SuperblockFlag.CRASHED_PRIMARY);
    }
    return new Superblock(superblock.sequence(), superblock.volumeSizeBytes(), superblock.nodeId(), flags,
        superblock.activityLogBlocks(), superblock.currentUuid(), superblock.bitmapUuid(),
        superblock.historyUuids(), slots);
  }

  ActivityLogTransaction resetTransaction(long lastSequence) {
    return new ActivityLogTransaction(lastSequence + 1, TransactionType.SNAPSHOT, List.of());
  }

  /** Takes every dirty page's content for writing. */
  SortedMap<Integer, byte[]> takeDirtyPages() {
    SortedMap<Integer, byte[]> pages = new TreeMap<>();
    for (int page : bitmap.dirtyPages()) {
      pages.put(page, bitmap.takePage(page));
    }
    return pages;
  }

  /** Takes the dirty pages among those holding the bits of {@code extents}. */
  SortedMap<Integer, byte[]> takeDirtyPagesOf(List<Long> extents) {
    SortedMap<Integer, byte[]> pages = new TreeMap<>();
    for (long extent : extents) {
      for (int page : bitmap.pagesOfExtent(extent)) {
        if (bitmap.isDirty(page) && !pages.containsKey(page)) {
          pages.put(page, bitmap.takePage(page));
        }
      }
    }
    return pages;
  }

  /**
   * The earliest-first pending writes that can be issued now; pins what it can on the way.
   *
   * @param clientWrites whether client writes may go (false while a peer's send window is full)
   * @param awaitsResync whether a write overlaps resync data requested and not arrived yet
   */
  List<PendingWrite> issuable(boolean clientWrites, java.util.function.Predicate<PendingWrite> awaitsResync) {
    List<PendingWrite> ready = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      PendingWrite write = pending.get(i);
      if (!clientWrites && write.origin == Origin.CLIENT) {
        continue;
      }
      if ((write.origin == Origin.CLIENT || write.origin == Origin.PEER) && awaitsResync.test(write)) {
        // resync data for this range is on its way: it lands first, so it never hides this write
        continue;
      }
      if (overlapsEarlier(write, i)) {
        // it waits in order; pinning its extents now would hold activity-log room that an earlier
        // write it waits for may need (with every extent pinned by waiting writes, none would go)
        continue;
      }
      if (!write.pinned) {
        write.pinned = write.extents == null || activityLog.tryPin(write.extents);
      }
      if (write.pinned) {
        ready.add(write);
      }
    }
    pending.removeAll(ready);
    active.addAll(ready);
    return ready;
  }

  /** Queues resync data ahead of the pending writes that overlap it (they waited for it). */
  void queueResyncWrite(PendingWrite write) {
    for (int i = 0; i < pending.size(); i++) {
      if (pending.get(i).overlaps(write)) {
        pending.add(i, write);
        return;
      }
    }
    pending.add(write);
  }

  private boolean overlapsEarlier(PendingWrite write, int index) {
    for (PendingWrite issued : active) {
      if (issued.overlaps(write)) {
        return true;
      }
    }
    for (int i = 0; i < index; i++) {
      if (pending.get(i).overlaps(write)) {
        return true;
      }
    }
    return false;
  }

  /** The extent ranges of pending writes still waiting for the activity log, in arrival order. */
  List<ExtentRange> waitingForActivityLog() {
    List<ExtentRange> waiting = new ArrayList<>();
    for (PendingWrite write : pending) {
      if (!write.pinned && write.extents != null) {
        waiting.add(write.extents);
      }
    }
    return waiting;
  }

  ActivityLogPlan planTransaction() {
    return activityLog.plan(waitingForActivityLog());
  }

  /**
   * Marks the blocks of {@code write} out of sync for {@code slot}, and remembers it did;
   * {@code peer}, when given, is that slot's peer volume: data already sent to it for resync does
   * not cover this write.
   */
  void markOutOfSync(PendingWrite write, int slot, PeerVolume peer) {
    long first = write.start() / MetadataLayout.BITMAP_BYTES_PER_BIT;
    long last = (write.end() - 1) / MetadataLayout.BITMAP_BYTES_PER_BIT;
    bitmap.set(slot, first, last);
    write.missedSlots.add(slot);
    if (peer != null && (!peer.served.isEmpty() || peer.direction == PeerVolume.Direction.TARGET)) {
      // a source serving this peer, or a target resyncing from it: the blocks stay marked when a
      // resynced range that covers them is reported in sync
      peer.tainted.add(new long[] {first, last});
    }
  }

  /** Clears every bit of {@code slot} but those of writes in flight that the peer misses. */
  void clearSlotKeepingInFlight(int slot) {
    bitmap.clear(slot, 0, bitmap.blocks() - 1);
    for (PendingWrite write : active) {
      if (write.missedSlots.contains(slot)) {
        bitmap.set(slot, write.start() / MetadataLayout.BITMAP_BYTES_PER_BIT,
            (write.end() - 1) / MetadataLayout.BITMAP_BYTES_PER_BIT);
      }
    }
  }

  /**
   * Clears the marks of {@code slot} that no other slot holds, but those of the writes in flight
   * that miss its peer: blocks only that peer lacked, where every other peer holds this node's data.
   */
  void clearSlotExceptSharedMarks(int slot) {
    List<Integer> others = new ArrayList<>();
    for (int other : slotOfPeer.values()) {
      if (other != slot) {
        others.add(other);
      }
    }
    long block = bitmap.nextSetBit(slot, 0);
    while (block >= 0) {
      boolean shared = false;
      for (int other : others) {
        shared |= bitmap.get(other, block);
      }
      if (!shared) {
        bitmap.clear(slot, block, block);
      }
      block = block + 1 < bitmap.blocks() ? bitmap.nextSetBit(slot, block + 1) : -1;
    }
    for (PendingWrite write : active) {
      if (write.missedSlots.contains(slot)) {
        bitmap.set(slot, write.start() / MetadataLayout.BITMAP_BYTES_PER_BIT,
            (write.end() - 1) / MetadataLayout.BITMAP_BYTES_PER_BIT);
      }
    }
  }

  /**
   * {@code marked} (pairs of first and last block) and the blocks of the writes in flight that miss
   * the peer of {@code slot}: what a report of a range in sync must leave marked.
   */
  List<long[]> keptMarks(int slot, List<long[]> marked) {
    List<long[]> kept = new ArrayList<>(marked);
    for (PendingWrite write : active) {
      if (write.missedSlots.contains(slot)) {
        kept.add(new long[] {write.start() / MetadataLayout.BITMAP_BYTES_PER_BIT,
            (write.end() - 1) / MetadataLayout.BITMAP_BYTES_PER_BIT});
      }
    }
    return kept;
  }

  /**
   * Clears the bits of {@code slot} for the range, but for the blocks in {@code tainted} (pairs of
   * first and last block): marked for the peer while the range was being resynced.
   */
  void markInSyncExcept(int slot, long offset, long length, List<long[]> tainted) {
    long blockBytes = MetadataLayout.BITMAP_BYTES_PER_BIT;
    long end = offset + length;
    List<long[]> keep = new ArrayList<>();
    for (long[] marked : tainted) {
      long markedStart = marked[0] * blockBytes;
      long markedEnd = (marked[1] + 1) * blockBytes;
      if (markedStart < end && offset < markedEnd) {
        keep.add(new long[] {Math.max(offset, markedStart), Math.min(end, markedEnd)});
      }
    }
    keep.sort((a, b) -> Long.compare(a[0], b[0]));
    long cursor = offset;
    for (long[] kept : keep) {
      if (kept[0] > cursor) {
        markInSync(slot, cursor, kept[0] - cursor);
      }
      cursor = Math.max(cursor, kept[1]);
    }
    if (cursor < end) {
      markInSync(slot, cursor, end - cursor);
    }
  }

  /** Clears the bits of {@code slot} for the 4 KiB blocks wholly inside {@code offset..offset+length} (or the volume's tail). */
  void markInSync(int slot, long offset, long length) {
    long blockBytes = MetadataLayout.BITMAP_BYTES_PER_BIT;
    long first = (offset + blockBytes - 1) / blockBytes;
    long end = offset + length;
    long lastExclusive = end >= sizeBytes ? bitmap.blocks() : end / blockBytes;
    if (lastExclusive > first) {
      bitmap.clear(slot, first, lastExclusive - 1);
    }
  }

  void finished(PendingWrite write) {
    if (!active.remove(write)) {
      throw new IllegalStateException(write.label() + " was not in flight");
    }
    if (write.extents != null && !write.throughPeers) {
      activityLog.unpin(write.extents);
    }
  }

  /** Every write not yet issued, removed (their pins released), for failing them. */
  List<PendingWrite> drainPending() {
    List<PendingWrite> drained = new ArrayList<>(pending);
    for (PendingWrite write : drained) {
      if (write.pinned && write.extents != null) {
        activityLog.unpin(write.extents);
      }
    }
    pending.clear();
    return drained;
  }

  /**
   * Checks the volume's invariants; throws on the first violation (a bug).
   *
   * <ul>
   *   <li>every write in flight is inside hot, pinned extents;</li>
   *   <li>no two writes in flight overlap;</li>
   *   <li>every write in flight has its blocks marked for every peer slot it misses;</li>
   *   <li>the activity log's own invariants.</li>
   * </ul>
   */
  void checkInvariants() {
    if (activityLog == null) {
      return;
    }
    activityLog.checkInvariants();
    for (int i = 0; i < active.size(); i++) {
      PendingWrite write = active.get(i);
      if (write.throughPeers) {
        continue;
      }
      if (write.extents != null) {
        for (long extent = write.extents.first(); extent <= write.extents.last(); extent++) {
          if (activityLog.pins(extent) == 0) {
            throw new IllegalStateException(write.label() + " in flight in extent " + extent
                + ", which is not pinned hot");
          }
        }
      }
      for (int j = i + 1; j < active.size(); j++) {
        if (!active.get(j).throughPeers && write.overlaps(active.get(j))) {
          throw new IllegalStateException(write.label() + " and " + active.get(j).label()
              + " overlap and are both in flight");
        }
      }
      long first = write.start() / MetadataLayout.BITMAP_BYTES_PER_BIT;
      long last = (write.end() - 1) / MetadataLayout.BITMAP_BYTES_PER_BIT;
      for (int slot : write.missedSlots) {
        if (bitmap.count(slot, first, last) != last - first + 1) {
          throw new IllegalStateException(write.label() + " in flight is not marked out of sync for slot " + slot);
        }
      }
    }
  }

  /** No write is pending or in flight and no transaction is being written. */
  boolean idle() {
    return pending.isEmpty() && active.isEmpty() && !activityLog.transactionInFlight();
  }
}
