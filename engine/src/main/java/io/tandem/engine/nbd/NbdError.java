package io.tandem.engine.nbd;

/**
 * The error values an NBD reply may carry (proto.md "Error values"); the code is what goes on the
 * wire, which the spec fixed to the common Linux errno numbers.
 */
public enum NbdError {
  NONE(0),
  /** Operation not permitted: a write, trim or write-zeroes on a read-only session. */
  EPERM(1),
  /** Input/output error. */
  EIO(5),
  /** Cannot allocate memory; the spec asks servers to avoid it where at all possible. */
  ENOMEM(12),
  /** Invalid argument: the catch-all for a request the server or session cannot accept. */
  EINVAL(22),
  /** No space left: a write beyond the end of the export, or the backing store is full. */
  ENOSPC(28),
  /** Value too large; only meaningful with structured replies, which this server does not offer. */
  EOVERFLOW(75),
  /** Not supported; only meaningful for fast-zero requests, which this server does not offer. */
  ENOTSUP(95),
  /** The server is shutting down; a client receiving it must disconnect. */
  ESHUTDOWN(108);

  private final int code;

  NbdError(int code) {
    this.code = code;
  }

  /** The value of the reply's error field. */
  public int code() {
    return code;
  }
}
