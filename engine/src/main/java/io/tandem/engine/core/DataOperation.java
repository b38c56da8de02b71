package io.tandem.engine.core;

/** An operation on a volume's data file, performed by the edge. */
public enum DataOperation {
  READ,
  WRITE,
  /** Deallocate the range (reads as zeros). */
  PUNCH_HOLE,
  /** Zero the range and keep it allocated. */
  WRITE_ZEROS,
  /** Make every earlier write durable. */
  SYNC
}
