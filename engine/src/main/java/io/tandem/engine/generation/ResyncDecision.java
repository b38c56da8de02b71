package io.tandem.engine.generation;

/**
 * The outcome of the connect decision, from the deciding side's point of view.
 *
 * @param rule the rule of DRBD-REFERENCE.md §4.2 that decided (1–11)
 * @param viaNode for rules 5 and 7: the third node whose bitmap slot the source uses; -1 otherwise
 * @param reason in words, for logs and {@code /status}
 */
public record ResyncDecision(Kind kind, int rule, int viaNode, String reason) {

  public enum Kind {
    NO_SYNC,
    /** I am SyncSource; the blocks to send are those my bitmap marks. */
    SOURCE_BITMAP,
    /** I am SyncTarget; the peer sends what its bitmap marks. */
    TARGET_BITMAP,
    /** I am SyncSource of a full sync. */
    SOURCE_FULL,
    /** I am SyncTarget of a full sync. */
    TARGET_FULL,
    /** Both wrote since they parted from a common generation: a split-brain policy may resolve it. */
    SPLIT_BRAIN,
    /** Both wrote and only an older generation is shared: no policy resolves it, disconnect. */
    SPLIT_BRAIN_HISTORY,
    /** Nothing in common: two unrelated data sets; never sync, disconnect. */
    UNRELATED;

    /** The same outcome seen from the other side. */
    public Kind mirrored() {
      switch (this) {
        case SOURCE_BITMAP:
          return TARGET_BITMAP;
        case TARGET_BITMAP:
          return SOURCE_BITMAP;
        case SOURCE_FULL:
          return TARGET_FULL;
        case TARGET_FULL:
          return SOURCE_FULL;
        default:
          return this;
      }
    }

    public boolean syncs() {
      return this == SOURCE_BITMAP || this == TARGET_BITMAP || this == SOURCE_FULL || this == TARGET_FULL;
    }

    boolean source() {
      return this == SOURCE_BITMAP || this == SOURCE_FULL;
    }
  }
}
