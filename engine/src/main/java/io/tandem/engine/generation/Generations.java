package io.tandem.engine.generation;

import java.util.List;
import java.util.Map;

/**
 * One node's generation UUIDs as it tells a peer at connect (DRBD-REFERENCE.md §4.1).
 *
 * @param current the generation of this node's data
 * @param bitmapUuids per other node id: the generation that node's bitmap slot tracks changes
 *     against (absent or 0 when it tracks nothing)
 * @param history older generations, newest first (0 entries are empty)
 */
public record Generations(long current, Map<Integer, Long> bitmapUuids, List<Long> history) {

  /**
   * The current UUID of a replica that was created and never synced nor written ("just created",
   * DRBD's {@code UUID_JUST_CREATED}).
   */
  public static final long JUST_CREATED = io.tandem.engine.metadata.Superblock.JUST_CREATED_UUID;

  public Generations {
    bitmapUuids = Map.copyOf(bitmapUuids);
    history = List.copyOf(history);
  }

  /**
   * The top 16 bits of every full-sync marker ({@link ResyncDecider#fullSyncMarker}); no
   * generation UUID carries them (the core re-draws one that would), so a marker is never taken
   * for a generation, nor a generation for a marker.
   */
  public static final long MARKER_TAG = 0x5f5cL;

  /** Whether {@code uuid} is a full-sync marker rather than a generation. */
  public static boolean isFullSyncMarker(long uuid) {
    return uuid >>> 48 == MARKER_TAG;
  }

  /**
   * UUIDs are compared without bit 0, which DRBD uses to mark a generation started by a Primary.
   */
  static long comparable(long uuid) {
    return uuid & ~1L;
  }

  boolean justCreated() {
    return comparable(current) == JUST_CREATED;
  }

  /** The bitmap UUID this node keeps for {@code nodeId}, 0 if none. */
  long bitmapFor(int nodeId) {
    Long uuid = bitmapUuids.get(nodeId);
    return uuid == null ? 0 : comparable(uuid);
  }

  boolean inHistory(long uuid) {
    long wanted = comparable(uuid);
    if (wanted == 0) {
      return false;
    }
    for (long old : history) {
      if (comparable(old) == wanted) {
        return true;
      }
    }
    return false;
  }
}
