package io.tandem.engine.core;

/** The state of a volume's local disk (DRBD's words, REPLICATION.md "Vocabulary"). */
public enum DiskState {
  Diskless,
  Attaching,
  Failed,
  Negotiating,
  Inconsistent,
  Outdated,
  DUnknown,
  Consistent,
  UpToDate
}
