package io.tandem.engine.metadata;

import java.util.EnumSet;
import java.util.Set;

/**
 * One per-peer slot of the superblock: which peer its bitmap tracks, the generation UUID that bitmap
 * started at, and the peer's flags.
 *
 * @param peerNodeId the peer's node id, or {@link #UNASSIGNED}
 */
public record PeerSlot(int peerNodeId, long bitmapUuid, Set<PeerSlotFlag> flags) {

  public static final int UNASSIGNED = -1;
  public static final int MAX_NODE_ID = 31;

  public PeerSlot {
    if (peerNodeId < UNASSIGNED || peerNodeId > MAX_NODE_ID) {
      throw new IllegalArgumentException("peer node id " + peerNodeId + " is not within -1.." + MAX_NODE_ID);
    }
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
  }

  public static PeerSlot unassigned() {
    return new PeerSlot(UNASSIGNED, 0, Set.of());
  }
}
