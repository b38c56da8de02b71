package io.tandem.engine.metadata;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decoded superblock of a metadata file (layout in {@code package-info.java}).
 *
 * @param sequence incremented on every superblock write; selects the copy slot ({@code sequence % 2})
 *     and, on open, the newer of the two valid copies
 * @param historyUuids exactly {@link #HISTORY_UUIDS} older generation UUIDs, newest first (0 = none)
 * @param peerSlots one per bitmap slot; their number fixes the bitmap size
 */
public record Superblock(
    long sequence,
    long volumeSizeBytes,
    int nodeId,
    Set<SuperblockFlag> flags,
    int activityLogBlocks,
    long currentUuid,
    long bitmapUuid,
    List<Long> historyUuids,
    List<PeerSlot> peerSlots) {

  public static final int HISTORY_UUIDS = 8;

  /**
   * The current UUID of a replica created empty and never synced nor written (DRBD's
   * {@code UUID_JUST_CREATED}); never chosen as a real generation.
   */
  public static final long JUST_CREATED_UUID = 4;

  public Superblock {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence " + sequence + " is negative");
    }
    if (nodeId < 0 || nodeId > PeerSlot.MAX_NODE_ID) {
      throw new IllegalArgumentException("node id " + nodeId + " is not within 0.." + PeerSlot.MAX_NODE_ID);
    }
    if (historyUuids.size() != HISTORY_UUIDS) {
      throw new IllegalArgumentException(historyUuids.size() + " history UUIDs, need " + HISTORY_UUIDS);
    }
    String layoutProblem = MetadataLayout.problemWith(volumeSizeBytes, peerSlots.size(), activityLogBlocks);
    if (layoutProblem != null) {
      throw new IllegalArgumentException(layoutProblem);
    }
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    historyUuids = List.copyOf(historyUuids);
    peerSlots = List.copyOf(peerSlots);
  }

  /** A fresh superblock with no history and unassigned peer slots. */
  public static Superblock initial(long volumeSizeBytes, int nodeId, int peerSlotCount,
      int activityLogBlocks, long currentUuid) {
    return new Superblock(0, volumeSizeBytes, nodeId, Set.of(), activityLogBlocks, currentUuid, 0,
        Collections.nCopies(HISTORY_UUIDS, 0L),
        Collections.nCopies(peerSlotCount, PeerSlot.unassigned()));
  }

  public MetadataLayout layout() {
    return new MetadataLayout(volumeSizeBytes, peerSlots.size(), activityLogBlocks);
  }

  public Superblock withSequence(long newSequence) {
    return new Superblock(newSequence, volumeSizeBytes, nodeId, flags, activityLogBlocks, currentUuid,
        bitmapUuid, historyUuids, peerSlots);
  }

  public Superblock withFlags(Set<SuperblockFlag> newFlags) {
    return new Superblock(sequence, volumeSizeBytes, nodeId, newFlags, activityLogBlocks, currentUuid,
        bitmapUuid, historyUuids, peerSlots);
  }

  public Superblock withCurrentUuid(long newCurrentUuid) {
    return new Superblock(sequence, volumeSizeBytes, nodeId, flags, activityLogBlocks, newCurrentUuid,
        bitmapUuid, historyUuids, peerSlots);
  }

  /**
   * Starts a new data generation (DRBD-REFERENCE.md §4.1): the current UUID becomes the bitmap UUID
   * of every assigned peer slot that tracked nothing yet (those peers will need what is written
   * from now on), a slot's replaced bitmap UUID would go to the history — here only empty slots
   * change, so the old current UUID itself is pushed to the history — and {@code newCurrentUuid}
   * becomes current.
   */
  public Superblock withNewGeneration(long newCurrentUuid) {
    return withNewGeneration(newCurrentUuid, (Set<Integer>) null);
  }

  /**
   * Like {@link #withNewGeneration(long)}, but only the slots of {@code trackingPeers} (node ids;
   * null for every assigned slot) start tracking: a peer that stays connected receives every
   * write and adopts the new generation itself.
   */
  public Superblock withNewGeneration(long newCurrentUuid, Set<Integer> trackingPeers) {
    Map<Integer, Long> from = new java.util.HashMap<>();
    for (PeerSlot slot : peerSlots) {
      if (trackingPeers == null || trackingPeers.contains(slot.peerNodeId())) {
        from.put(slot.peerNodeId(), currentUuid);
      }
    }
    return withNewGeneration(newCurrentUuid, from);
  }

  /**
   * Like {@link #withNewGeneration(long, Set)}, with the generation each tracking peer's slot starts
   * at ({@code trackingFrom}: node id to UUID, e.g. the last generation the peer confirmed holding,
   * which may be older than the current one when the peer was lost before it confirmed a change).
   */
  public Superblock withNewGeneration(long newCurrentUuid, Map<Integer, Long> trackingFrom) {
    List<PeerSlot> slots = new java.util.ArrayList<>();
    for (PeerSlot slot : peerSlots) {
      Long from = trackingFrom.get(slot.peerNodeId());
      boolean startsTracking = slot.peerNodeId() != PeerSlot.UNASSIGNED && slot.bitmapUuid() == 0 && from != null;
      slots.add(startsTracking ? new PeerSlot(slot.peerNodeId(), from == 0 ? currentUuid : from, slot.flags()) : slot);
    }
    List<Long> history = new java.util.ArrayList<>(historyUuids);
    if (!history.contains(currentUuid)) {
      history.add(0, currentUuid);
      history.remove(history.size() - 1);
    }
    return new Superblock(sequence, volumeSizeBytes, nodeId, withoutUnwritten(flags), activityLogBlocks,
        newCurrentUuid, bitmapUuid, history, slots);
  }

  /**
   * The local disk failed: it misses the writes that failed on it and every later one, so the next
   * attach finds it Outdated (consistent, but never a source for a peer that was UpToDate).
   */
  public Superblock withFailedDisk() {
    java.util.EnumSet<SuperblockFlag> newFlags = flags.isEmpty() ? java.util.EnumSet.noneOf(SuperblockFlag.class)
        : java.util.EnumSet.copyOf(flags);
    newFlags.remove(SuperblockFlag.WAS_UP_TO_DATE);
    return new Superblock(sequence, volumeSizeBytes, nodeId, newFlags, activityLogBlocks, currentUuid, bitmapUuid,
        historyUuids, peerSlots);
  }

  /** The superblock with the bitmap UUID of {@code peerNodeId}'s slot replaced (the old one goes to the history). */
  public Superblock withPeerBitmapUuid(int peerNodeId, long uuid) {
    return withSlotUuid(peerNodeId, uuid, false);
  }

  /**
   * The slot of {@code peerNodeId} holds the marker of a full sync between this node and that peer
   * ({@link PeerSlotFlag#FULL_SYNC}): both sides keep the same marker, so a full sync that was
   * interrupted goes on by bitmap. A marker is no generation and never enters the history.
   */
  public Superblock withFullSyncMarker(int peerNodeId, long marker) {
    return withSlotUuid(peerNodeId, marker, true);
  }

  /** Every full-sync marker dropped (the slots track nothing): this node's data is whole again. */
  public Superblock withoutFullSyncMarkers() {
    List<PeerSlot> slots = new java.util.ArrayList<>();
    for (PeerSlot slot : peerSlots) {
      slots.add(slot.flags().contains(PeerSlotFlag.FULL_SYNC)
          ? new PeerSlot(slot.peerNodeId(), 0, withoutFullSync(slot.flags())) : slot);
    }
    return new Superblock(sequence, volumeSizeBytes, nodeId, flags, activityLogBlocks, currentUuid, bitmapUuid,
        historyUuids, slots);
  }

  private Superblock withSlotUuid(int peerNodeId, long uuid, boolean marker) {
    List<PeerSlot> slots = new java.util.ArrayList<>();
    List<Long> history = new java.util.ArrayList<>(historyUuids);
    for (PeerSlot slot : peerSlots) {
      if (slot.peerNodeId() == peerNodeId && slot.peerNodeId() != PeerSlot.UNASSIGNED) {
        long old = slot.bitmapUuid();
        boolean oldIsGeneration = !slot.flags().contains(PeerSlotFlag.FULL_SYNC);
        if (old != 0 && old != uuid && oldIsGeneration && !history.contains(old)) {
          history.add(0, old);
          history.remove(history.size() - 1);
        }
        Set<PeerSlotFlag> slotFlags = withoutFullSync(slot.flags());
        if (marker) {
          slotFlags = EnumSet.copyOf(slotFlags.isEmpty() ? EnumSet.noneOf(PeerSlotFlag.class) : slotFlags);
          slotFlags.add(PeerSlotFlag.FULL_SYNC);
        }
        slots.add(new PeerSlot(slot.peerNodeId(), uuid, slotFlags));
      } else {
        slots.add(slot);
      }
    }
    return new Superblock(sequence, volumeSizeBytes, nodeId, flags, activityLogBlocks, currentUuid, bitmapUuid,
        history, slots);
  }

  private static Set<PeerSlotFlag> withoutFullSync(Set<PeerSlotFlag> flags) {
    return without(flags, PeerSlotFlag.FULL_SYNC);
  }

  /** {@code flags} without {@code flag} (the same set when it is not there). */
  private static <E extends Enum<E>> Set<E> without(Set<E> flags, E flag) {
    if (!flags.contains(flag)) {
      return flags;
    }
    EnumSet<E> rest = EnumSet.copyOf(flags);
    rest.remove(flag);
    return rest;
  }

  /** The superblock with {@code newCurrentUuid} current; the old current UUID goes to the history. */
  public Superblock withAdoptedGeneration(long newCurrentUuid) {
    List<Long> history = new java.util.ArrayList<>(historyUuids);
    if (currentUuid != newCurrentUuid && currentUuid != 0 && currentUuid != JUST_CREATED_UUID
        && !history.contains(currentUuid)) {
      history.add(0, currentUuid);
      history.remove(history.size() - 1);
    }
    return new Superblock(sequence, volumeSizeBytes, nodeId,
        newCurrentUuid == currentUuid ? flags : withoutUnwritten(flags), activityLogBlocks, newCurrentUuid,
        bitmapUuid, history, peerSlots);
  }

  /**
   * Like {@link #withAdoptedGeneration(long)}, taking the source's history too (DRBD: the SyncTarget
   * adopts the source's current UUID and history): {@code lineage} (newest first, the generations
   * before {@code newCurrentUuid} on the source) comes first, then this node's own history, without
   * repeats, as many as fit.
   */
  public Superblock withAdoptedGeneration(long newCurrentUuid, List<Long> lineage) {
    Superblock adopted = withAdoptedGeneration(newCurrentUuid);
    List<Long> merged = new java.util.ArrayList<>();
    for (long uuid : lineage) {
      if (uuid != 0 && uuid != newCurrentUuid && !merged.contains(uuid)) {
        merged.add(uuid);
      }
    }
    for (long uuid : adopted.historyUuids) {
      if (uuid != 0 && uuid != newCurrentUuid && !merged.contains(uuid)) {
        merged.add(uuid);
      }
    }
    int size = historyUuids.size();
    while (merged.size() > size) {
      merged.remove(merged.size() - 1);
    }
    while (merged.size() < size) {
      merged.add(0L);
    }
    return new Superblock(adopted.sequence, volumeSizeBytes, nodeId, adopted.flags, activityLogBlocks,
        newCurrentUuid, bitmapUuid, merged, peerSlots);
  }

  /** A generation change ends an unwritten generation. */
  private static Set<SuperblockFlag> withoutUnwritten(Set<SuperblockFlag> flags) {
    return without(flags, SuperblockFlag.UNWRITTEN_GENERATION);
  }

  public boolean sameGeometryAs(Superblock other) {
    return layout().equals(other.layout());
  }
}
