package io.tandem.engine.storage;

/**
 * How {@link BlockFile#punchHole} or {@link BlockFile#writeZeros} made a range read as zeros. The
 * visible result is the same; what differs is the disk space the range takes afterwards and the
 * time it took.
 */
public enum ZeroingMethod {
  /** {@code fallocate(FALLOC_FL_PUNCH_HOLE)}: the range's whole blocks are deallocated. */
  PUNCHED_HOLE,
  /** {@code fallocate(FALLOC_FL_ZERO_RANGE)}: allocated, marked as zeros, no data written. */
  ZEROED_RANGE,
  /** The portable fallback: zeros written over the range, which is therefore allocated. */
  WROTE_ZEROS
}
