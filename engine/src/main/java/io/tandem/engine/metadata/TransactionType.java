package io.tandem.engine.metadata;

/** What an activity-log transaction says about the extents it lists; the code is the on-disk u16. */
public enum TransactionType {
  /** The listed extents are hot, in addition to those of the earlier transactions in the ring. */
  UPDATE(1),
  /**
   * The listed extents are the whole hot set: earlier transactions no longer count. Written after
   * the log was applied to the bitmap (empty list) and to drop extents that left the log.
   */
  SNAPSHOT(2);

  private final int code;

  TransactionType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  static TransactionType ofCode(int code) {
    for (TransactionType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    return null;
  }
}
