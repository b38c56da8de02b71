package io.tandem.engine.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One volume towards one peer (DRBD's "peer device"): replication state, bitmap exchange and resync. */
final class PeerVolume {

  /**
   * A request sent to the peer and not answered yet: resync data, or (checksum) digests being
   * computed or compared.
   */
  record Outstanding(long offset, int length, boolean checksum) {
    Outstanding(long offset, int length) {
      this(offset, length, false);
    }
  }

  /** Which way the blocks go once the bitmaps are exchanged. */
  enum Direction {
    NONE,
    SOURCE,
    TARGET
  }

  ReplicationState replication = ReplicationState.Off;
  Direction direction = Direction.NONE;
  /** The connect decision found different generations: the target takes the source's at the end. */
  boolean adoptGeneration;
  /** A split brain a policy may resolve once both sides know how many blocks each changed. */
  boolean splitBrainPending;
  /**
   * Both sides were Inconsistent at connect, so neither could be a source: connected without a
   * comparison, which is made again once either side is whole (DRBD's resync after unstable).
   */
  boolean uncompared;
  /** Blocks this node marked for the peer when it sent its bitmap, and blocks the peer sent. */
  long myChanges;
  long theirChanges;
  boolean bitmapReceived;
  /** The exchange was settled before the peer's bitmap arrived (its resync ended): it is dropped. */
  boolean discardBitmap;
  /** The peer's current UUID as last told (ReplicaState, NewCurrentUuid). */
  long peerCurrentUuid;
  DiskState peerDisk = DiskState.DUnknown;
  /** This node's disk state as told to the peer on this connection (both sides decide on what was told). */
  DiskState reportedDisk = DiskState.DUnknown;
  /** This node's volume state exactly as told to the peer at connect (the decision's input). */
  io.tandem.engine.wire.ReplicaState.VolumeState reportedState;
  /** The peer's disk state as it told at connect (its first ReplicaState on this connection). */
  DiskState peerReportedDisk = DiskState.DUnknown;

  // SyncTarget side
  long cursor;
  long nextRequestId = 1;
  final Map<Long, Outstanding> outstanding = new TreeMap<>();
  /** Reads of a node without usable data served by this peer (same id space as resync requests). */
  final Map<Long, Event.ClientRequest> remoteReads = new TreeMap<>();
  /** Resync writes done and not yet synced: their bits are cleared (and reported) after a sync. */
  final List<Outstanding> writtenUnsynced = new ArrayList<>();
  boolean syncInFlight;
  /** The SyncTarget's Inconsistent state is durable: requests may go. */
  boolean ready;
  /** The end of the resync is being made durable. */
  boolean finishing;

  // SyncSource side: ranges whose data (or digests) went to the peer and whose IN_SYNC is awaited,
  // and blocks marked for the peer since (by writes it missed): those keep their bits
  final List<long[]> served = new ArrayList<>();
  /** This node sent the peer resync data since the last resync ended. */
  boolean servedSinceFinish;
  final List<long[]> tainted = new ArrayList<>();
  /**
   * Blocks marked for the peer because this node holds a write of the generation's writer that the
   * peer did not write (a PEER_ACK without it): where the two differ there, this node's data is the
   * newer. Kept across connections, forgotten when this node's generation changes or its data there
   * is replaced; it never moves data by itself, it only keeps a resync from a peer of the writes'
   * generation from fetching those blocks back.
   */
  final BlockRanges newerHere = new BlockRanges();
  /**
   * Like {@link #newerHere}, for writes whose writer was lost before they settled: newer here only
   * where the peer counts no later write of the generation than the one that wrote the blocks.
   */
  final UnsettledWrites unsettledHere = new UnsettledWrites();
  /** The generation the writes of {@link #newerHere} and {@link #unsettledHere} belong to. */
  long newerHereGeneration;
  /** The generations that one descends from, as its writer told (its history). */
  final List<Long> newerHereAncestors = new ArrayList<>();
  /**
   * The generations this node started since, its own descendants of that one: a peer may hold one
   * of them by a resync from a third node that lacked {@link #newerHere}'s blocks too, so those
   * blocks are still newer here than there.
   */
  final List<Long> newerHereDescendants = new ArrayList<>();
  /**
   * Every block of {@link #newerHere} holds this node's own write as the writer of the record's
   * generation (or of one it started since): nobody holds a newer one there in that generation, so
   * a peer's notice that this node lacks those blocks does not take them off the record.
   */
  boolean newerHereOwn;
  /** The last generation this node, as Primary, started and sent the peer (NEW_CURRENT_UUID); 0 if none. */
  long generationSent;
  /**
   * SyncTarget side: blocks (first, last) the source said changed again after this node asked for
   * them; an answer to an earlier request does not clear them, they are fetched again.
   */
  final List<long[]> renotified = new ArrayList<>();
  /**
   * Blocks (first, last) this node took from another source in a resync while in sync with this
   * peer in an older generation: marked for it, and told to it once this node is UpToDate.
   */
  final List<long[]> changedByResync = new ArrayList<>();

  /** Resync bytes this node received from the peer, and sent to it, since the core started. */
  long resyncReceivedBytes;
  long resyncSentBytes;

  // online verify, this node driving (VerifyS)
  boolean verifying;
  long verifyCursor;
  long verifyTotalBytes;
  long verifyDoneBytes;
  final Map<Long, Outstanding> verifyOutstanding = new TreeMap<>();
  /** Blocks found different by the last (or running) verify; -1 before any. */
  long verifyMismatches = -1;

  /** Blocks to move when the resync started (for the done percentage). */
  long totalBlocks;
  /** Bytes the rate still allows (rate-limited resync only); may go below zero by one request. */
  long budgetBytes;
  /** Resync bytes written since the last tick, and the rate they made (bytes per second, smoothed). */
  long syncedSinceTick;
  long measuredBytesPerSecond = -1;

  void forgetNewerHere() {
    newerHere.clear();
    unsettledHere.clear();
    newerHereGeneration = 0;
    newerHereAncestors.clear();
    newerHereDescendants.clear();
    newerHereOwn = false;
  }

  boolean syncing() {
    return replication == ReplicationState.SyncSource || replication == ReplicationState.SyncTarget
        || replication == ReplicationState.PausedSyncS || replication == ReplicationState.PausedSyncT;
  }

  /** Writes of a Primary go to the peer: the connect decision let replication run. */
  boolean replicates() {
    return replication != ReplicationState.Off;
  }

  void reset() {
    replication = ReplicationState.Off;
    direction = Direction.NONE;
    adoptGeneration = false;
    splitBrainPending = false;
    uncompared = false;
    myChanges = 0;
    theirChanges = 0;
    bitmapReceived = false;
    discardBitmap = false;
    peerDisk = DiskState.DUnknown;
    outstanding.clear();
    writtenUnsynced.clear();
    changedByResync.clear();
    ready = false;
    verifying = false;
    verifyOutstanding.clear();
    served.clear();
    tainted.clear();
    renotified.clear();
    generationSent = 0;
    servedSinceFinish = false;
    finishing = false;
    totalBlocks = 0;
    budgetBytes = 0;
    syncedSinceTick = 0;
    measuredBytesPerSecond = -1;
  }
}
