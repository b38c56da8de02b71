package io.tandem.engine.core;

/** How a request ended; the edge maps it to its protocol (NBD errors, HTTP statuses). */
public enum IoStatus {
  OK,
  /** The disk failed or the volume has no usable data. */
  IO_ERROR,
  /** The backing storage is full. */
  NO_SPACE,
  /** Not allowed in the current role or state (e.g. a write on a Secondary). */
  NOT_PERMITTED,
  /** The request itself is wrong (outside the volume, too many extents). */
  INVALID,
  /** A state change that was refused, with the reason in the message. */
  REFUSED
}
