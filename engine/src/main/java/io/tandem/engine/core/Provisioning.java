package io.tandem.engine.core;

/** How a volume's data file holds its space. */
public enum Provisioning {
  /** Sparse: unwritten and trimmed ranges are holes. */
  THIN,
  /** Allocated up front; trimmed ranges are zeroed in place and stay allocated. */
  THICK
}
