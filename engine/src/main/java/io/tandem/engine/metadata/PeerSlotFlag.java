package io.tandem.engine.metadata;

/** Per-peer flags in a superblock peer slot (DRBD-REFERENCE.md §1.3); the bit is the on-disk bit number. */
public enum PeerSlotFlag {
  /** The peer was connected at the last write. */
  CONNECTED(0),
  /** The peer is known to be Outdated. */
  OUTDATED(1),
  /**
   * The slot's bitmap UUID is the marker of a full sync with this peer, not a generation (both
   * sides keep the same marker until the sync ends, so an interrupted one goes on by bitmap).
   */
  FULL_SYNC(2),
  /** The peer had a disk at some point. */
  DEVICE_SEEN(3);

  private final int bit;

  PeerSlotFlag(int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }
}
