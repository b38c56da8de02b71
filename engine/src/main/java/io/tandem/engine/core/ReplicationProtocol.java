package io.tandem.engine.core;

/** When a replicated write completes (REPLICATION.md "Writes, reads, flushes"). */
public enum ReplicationProtocol {
  /** Handed to the send buffer. */
  A,
  /** The peer acknowledged receipt. */
  B,
  /** The peer's write completed (the default). */
  C
}
