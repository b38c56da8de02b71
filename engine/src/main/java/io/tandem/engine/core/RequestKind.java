package io.tandem.engine.core;

/** What a client asks of a volume. */
public enum RequestKind {
  READ,
  WRITE,
  FLUSH,
  /** Discard: the range reads as zeros afterwards (a hole on thin volumes). */
  TRIM,
  /** The range reads as zeros; a hole on thin volumes unless {@link RequestFlag#NO_HOLE}. */
  WRITE_ZEROES;

  /** True for the kinds that change data (they take the activity log and are ordered). */
  public boolean modifies() {
    return this == WRITE || this == TRIM || this == WRITE_ZEROES;
  }
}
