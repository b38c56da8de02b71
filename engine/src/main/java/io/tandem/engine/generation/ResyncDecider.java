package io.tandem.engine.generation;

import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.ReplicationProtocol;
import io.tandem.engine.core.Role;
import io.tandem.engine.generation.ConnectingSide.Flag;
import io.tandem.engine.generation.ResyncDecision.Kind;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The connect decision (DRBD-REFERENCE.md §4.2, our wording): rules 1–11 in order, the first that
 * matches decides. Both sides run it with the roles swapped and must reach mirrored answers; where
 * DRBD's order would let both sides claim the same direction (each tracking the other's current
 * generation), this decider calls it the split brain it is.
 */
public final class ResyncDecider {

  private ResyncDecider() {}

  public static ResyncDecision decide(ConnectingSide me, ConnectingSide peer, ReplicationProtocol protocol) {
    Generations mine = me.generations();
    Generations theirs = peer.generations();
    long myCurrent = Generations.comparable(mine.current());
    long peerCurrent = Generations.comparable(theirs.current());

    // 2, continued: a full sync between the two was cut off; both slots still hold its marker and
    // the target is still Inconsistent, so it goes on with what the bitmaps mark
    long marker = mine.bitmapFor(peer.nodeId());
    boolean meInconsistent = me.disk() == DiskState.Inconsistent;
    if (Generations.isFullSyncMarker(marker) && marker == theirs.bitmapFor(me.nodeId())
        && meInconsistent != (peer.disk() == DiskState.Inconsistent)
        && !(meInconsistent ? theirs : mine).justCreated()) {
      return meInconsistent
          ? decision(Kind.TARGET_BITMAP, 2, "the full sync from the peer was interrupted; it goes on where it stopped")
          : decision(Kind.SOURCE_BITMAP, 2, "the full sync to the peer was interrupted; it goes on where it stopped");
    }
    // 1, 2: a replica that never held data takes everything from one that did
    if (mine.justCreated() && theirs.justCreated()) {
      return decision(Kind.NO_SYNC, 1, "both replicas were just created");
    }
    if (mine.justCreated()) {
      return decision(Kind.TARGET_FULL, 2, "this replica was just created");
    }
    if (theirs.justCreated()) {
      return decision(Kind.SOURCE_FULL, 2, "the peer's replica was just created");
    }
    // 3: same generation; what happened since breaks the tie
    if (myCurrent == peerCurrent) {
      return sameGeneration(me, peer, protocol);
    }
    // 4–7: one side's current generation is what the other's bitmap tracks
    int behindVia = trackedBy(myCurrent, theirs, peer.nodeId(), me.nodeId());
    int aheadVia = trackedBy(peerCurrent, mine, me.nodeId(), peer.nodeId());
    if (behindVia != NOT_TRACKED && aheadVia != NOT_TRACKED) {
      return decision(Kind.SPLIT_BRAIN, 9, "each side's bitmap tracks the other's current generation: both wrote");
    }
    if (behindVia == DIRECT) {
      return decision(Kind.TARGET_BITMAP, 4, "the peer's bitmap for this node starts at this node's generation");
    }
    if (behindVia != NOT_TRACKED) {
      return new ResyncDecision(Kind.TARGET_BITMAP, 5, behindVia,
          "the peer's bitmap for node " + behindVia + " starts at this node's generation");
    }
    if (aheadVia == DIRECT) {
      return decision(Kind.SOURCE_BITMAP, 6, "this node's bitmap for the peer starts at the peer's generation");
    }
    if (aheadVia != NOT_TRACKED) {
      return new ResyncDecision(Kind.SOURCE_BITMAP, 7, aheadVia,
          "this node's bitmap for node " + aheadVia + " starts at the peer's generation");
    }
    // 8: one generation is history to the other side
    boolean mineIsOld = theirs.inHistory(myCurrent);
    boolean theirsIsOld = mine.inHistory(peerCurrent);
    // ... and a bitmap covers the gap: it starts at a generation the side that is behind passed
    // through (its slot started at what that node last confirmed; the node took a later generation
    // from it before the connection dropped), so it holds every change since the older start
    boolean aheadCovers = theirsIsOld && coversFrom(mine.bitmapFor(peer.nodeId()), theirs);
    boolean behindCovers = mineIsOld && coversFrom(theirs.bitmapFor(me.nodeId()), mine);
    if (aheadCovers != behindCovers) {
      return aheadCovers
          ? decision(Kind.SOURCE_BITMAP, 8, "this node's bitmap for the peer starts at a generation in the peer's"
              + " history, and the peer's generation is in this node's history")
          : decision(Kind.TARGET_BITMAP, 8, "the peer's bitmap for this node starts at a generation in this node's"
              + " history, and this node's generation is in the peer's history");
    }
    if (mineIsOld && !theirsIsOld) {
      return decision(Kind.TARGET_FULL, 8, "this node's generation is in the peer's history");
    }
    if (theirsIsOld && !mineIsOld) {
      return decision(Kind.SOURCE_FULL, 8, "the peer's generation is in this node's history");
    }
    // 9: both moved on from the same parent generation
    long myBitmap = mine.bitmapFor(peer.nodeId());
    if (myBitmap != 0 && myBitmap == theirs.bitmapFor(me.nodeId())) {
      return decision(Kind.SPLIT_BRAIN, 9, "both wrote since they parted from a common generation");
    }
    // 10, 11
    if (mineIsOld || shareOlderGeneration(mine, theirs)) {
      return decision(Kind.SPLIT_BRAIN_HISTORY, 10, "both wrote; only an older generation is shared");
    }
    return decision(Kind.UNRELATED, 11, "no generation in common: the data sets are unrelated");
  }

  /**
   * The marker both sides keep in their slots for each other while a full sync from {@code source}
   * to {@code target} runs: computed alike on both sides from what they told each other at connect;
   * its top bits are {@link Generations#MARKER_TAG}, which no generation UUID has, and bit 0 is
   * clear.
   */
  public static long fullSyncMarker(long sourceCurrent, long targetCurrent, int sourceNode, int targetNode) {
    long h = mix(Generations.comparable(sourceCurrent) ^ 0x7a6e_d3e1_46f1_0b5dL);
    h = mix(h ^ Generations.comparable(targetCurrent));
    h = mix(h ^ ((long) sourceNode << 32 | (targetNode & 0xffff_ffffL)));
    return Generations.MARKER_TAG << 48 | (h & 0x0000_ffff_ffff_fffeL);
  }

  /** SplitMix64's finalizer: every input bit reaches every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
    return z ^ (z >>> 31);
  }

  /** Whether a bitmap starting at {@code start} covers {@code behind}: it started at one of its older generations. */
  private static boolean coversFrom(long start, Generations behind) {
    return Generations.comparable(start) != 0 && behind.inHistory(start);
  }

  private static final int NOT_TRACKED = -2;
  private static final int DIRECT = -1;

  /**
   * Whether {@code current} is what {@code tracker}'s bitmaps track: {@link #DIRECT} if its slot for
   * {@code subject} does, the other node's id if its slot for a third node does, else
   * {@link #NOT_TRACKED}. A third node is picked by lowest id, so both sides agree.
   */
  private static int trackedBy(long current, Generations tracker, int trackerId, int subject) {
    if (current == 0) {
      return NOT_TRACKED;
    }
    if (tracker.bitmapFor(subject) == current) {
      return DIRECT;
    }
    int via = Integer.MAX_VALUE;
    for (Map.Entry<Integer, Long> slot : tracker.bitmapUuids().entrySet()) {
      int node = slot.getKey();
      if (node != subject && node != trackerId && Generations.comparable(slot.getValue()) == current) {
        via = Math.min(via, node);
      }
    }
    return via == Integer.MAX_VALUE ? NOT_TRACKED : via;
  }

  private static boolean shareOlderGeneration(Generations mine, Generations theirs) {
    Set<Long> older = new HashSet<>();
    for (long uuid : mine.history()) {
      addNonZero(older, uuid);
    }
    for (long uuid : mine.bitmapUuids().values()) {
      addNonZero(older, uuid);
    }
    for (long uuid : theirs.history()) {
      if (older.contains(Generations.comparable(uuid))) {
        return true;
      }
    }
    for (long uuid : theirs.bitmapUuids().values()) {
      if (older.contains(Generations.comparable(uuid))) {
        return true;
      }
    }
    return theirs.inHistory(mine.current()) || mine.inHistory(theirs.current());
  }

  private static void addNonZero(Set<Long> set, long uuid) {
    long comparable = Generations.comparable(uuid);
    if (comparable != 0) {
      set.add(comparable);
    }
  }

  /**
   * Rule 3: equal current generations. Flags say who may hold writes the other lacks; a current
   * Primary is always the source of a resync; disk states settle what is left.
   */
  private static ResyncDecision sameGeneration(ConnectingSide me, ConnectingSide peer, ReplicationProtocol protocol) {
    ResyncDecision byFlags = sameGenerationByFlags(me, peer, protocol);
    if (byFlags.kind().syncs() && me.disk() == DiskState.UpToDate && behind(peer.disk())
        && !byFlags.kind().source()) {
      // a disk that is behind (Outdated, or Inconsistent mid-resync) is never the source
      return decision(Kind.SOURCE_BITMAP, 3, "same generation; this disk is UpToDate, the peer's " + peer.disk());
    }
    if (byFlags.kind().syncs() && peer.disk() == DiskState.UpToDate && behind(me.disk())
        && byFlags.kind().source()) {
      return decision(Kind.TARGET_BITMAP, 3, "same generation; the peer's disk is UpToDate, this one " + me.disk());
    }
    if (byFlags.kind().syncs()) {
      boolean iAmPrimary = me.role() == Role.Primary;
      boolean peerIsPrimary = peer.role() == Role.Primary;
      if (iAmPrimary && !peerIsPrimary && !byFlags.kind().source()) {
        return decision(Kind.SOURCE_BITMAP, 3, "same generation; this node is Primary, so it is the source");
      }
      if (peerIsPrimary && !iAmPrimary && byFlags.kind().source()) {
        return decision(Kind.TARGET_BITMAP, 3, "same generation; the peer is Primary, so it is the source");
      }
      return byFlags;
    }
    boolean iAmCurrent = me.disk() == DiskState.UpToDate;
    boolean peerIsCurrent = peer.disk() == DiskState.UpToDate;
    if (iAmCurrent && behind(peer.disk())) {
      return decision(Kind.SOURCE_BITMAP, 3, "same generation; this disk is UpToDate, the peer's " + peer.disk());
    }
    if (peerIsCurrent && behind(me.disk())) {
      return decision(Kind.TARGET_BITMAP, 3, "same generation; the peer's disk is UpToDate, this one " + me.disk());
    }
    return byFlags;
  }

  private static boolean behind(DiskState disk) {
    return disk == DiskState.Outdated || disk == DiskState.Inconsistent;
  }

  private static ResyncDecision sameGenerationByFlags(ConnectingSide me, ConnectingSide peer,
      ReplicationProtocol protocol) {
    boolean myReconnect = me.has(Flag.RECONNECT);
    boolean peerReconnect = peer.has(Flag.RECONNECT);
    boolean myCrash = me.has(Flag.CRASHED_PRIMARY);
    boolean peerCrash = peer.has(Flag.CRASHED_PRIMARY);
    if (myReconnect && peerReconnect) {
      return decision(Kind.NO_SYNC, 3, "same generation; both kept running through the disconnect");
    }
    if (protocol != ReplicationProtocol.C && myCrash != peerCrash) {
      // with A or B a crashed Primary may have completed writes the peer never received
      return myCrash
          ? decision(Kind.SOURCE_BITMAP, 3, "same generation; this node crashed as Primary under protocol " + protocol)
          : decision(Kind.TARGET_BITMAP, 3, "same generation; the peer crashed as Primary under protocol " + protocol);
    }
    boolean myQuorumLoss = me.has(Flag.LOST_QUORUM_AS_PRIMARY);
    boolean peerQuorumLoss = peer.has(Flag.LOST_QUORUM_AS_PRIMARY);
    if (myQuorumLoss || peerQuorumLoss) {
      // nobody started a newer generation, so the Primary that lost quorum may hold the newest writes
      boolean iWin = myQuorumLoss && (!peerQuorumLoss || me.nodeId() < peer.nodeId());
      return iWin
          ? decision(Kind.SOURCE_BITMAP, 3, "same generation; this node lost quorum while Primary")
          : decision(Kind.TARGET_BITMAP, 3, "same generation; the peer lost quorum while Primary");
    }
    if (peerCrash && myReconnect) {
      // protocol C: the crashed node's unacknowledged writes are rolled back to ours
      return decision(Kind.SOURCE_BITMAP, 3, "same generation; the peer crashed as Primary while this node ran");
    }
    if (myCrash && peerReconnect) {
      return decision(Kind.TARGET_BITMAP, 3, "same generation; this node crashed as Primary while the peer ran");
    }
    if (myReconnect || peerReconnect) {
      return decision(Kind.NO_SYNC, 3, "same generation; only one side saw the connection drop");
    }
    if (myCrash && peerCrash) {
      return me.nodeId() < peer.nodeId()
          ? decision(Kind.SOURCE_BITMAP, 3, "same generation; both crashed as Primary, the lower node id wins")
          : decision(Kind.TARGET_BITMAP, 3, "same generation; both crashed as Primary, the lower node id wins");
    }
    if (myCrash || peerCrash) {
      return myCrash
          ? decision(Kind.SOURCE_BITMAP, 3, "same generation; this node crashed as Primary (both were down)")
          : decision(Kind.TARGET_BITMAP, 3, "same generation; the peer crashed as Primary (both were down)");
    }
    return decision(Kind.NO_SYNC, 3, "same generation");
  }

  private static ResyncDecision decision(Kind kind, int rule, String reason) {
    return new ResyncDecision(kind, rule, -1, reason);
  }
}
