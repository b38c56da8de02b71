package io.tandem.engine.metadata;

/** Device flags in the superblock (DRBD-REFERENCE.md §1.3); the bit is the on-disk bit number. */
public enum SuperblockFlag {
  /** The local disk holds consistent data (disk state above Inconsistent). */
  CONSISTENT(0),
  /** The disk state was above Outdated at the last write. */
  WAS_UP_TO_DATE(1),
  /** This node or a peer is or was Primary: after a crash the activity log must be applied. */
  PRIMARY_INDICATOR(2),
  /** This node was Primary and did not stop gracefully. */
  CRASHED_PRIMARY(3),
  /** This node was Primary when it lost quorum. */
  PRIMARY_LOST_QUORUM(4),
  /** This node had quorum at the last write. */
  HAVE_QUORUM(5),
  /** The activity log has been applied to the bitmap; cleared while the volume is in use. */
  ACTIVITY_LOG_CLEAN(6),
  /**
   * The current generation was started when a peer was lost with writes it owed an answer for, and
   * nothing has been written in it since: the data is its parent generation's plus those writes.
   * Cleared by the next generation change (a write always starts a new one first).
   */
  UNWRITTEN_GENERATION(7);

  private final int bit;

  SuperblockFlag(int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }
}
