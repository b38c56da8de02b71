package io.tandem.engine.core;

/** The replication state of one volume towards one peer (DRBD's words). */
public enum ReplicationState {
  Off,
  Established,
  WFBitMapS,
  WFBitMapT,
  SyncSource,
  SyncTarget,
  PausedSyncS,
  PausedSyncT,
  VerifyS,
  VerifyT
}
