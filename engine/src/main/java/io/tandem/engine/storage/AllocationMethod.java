package io.tandem.engine.storage;

/** How {@link BlockFile#preallocate} allocated the file; the visible result is the same. */
public enum AllocationMethod {
  /** {@code fallocate} mode 0: blocks reserved without writing them. */
  FALLOCATED,
  /** The portable fallback: zeros written where the file had no data, one write per block. */
  WROTE_ZEROS
}
