package io.tandem.engine.nbd;

/** The commands a session carries out; NBD_CMD_DISC is the server's own business and never reaches a session. */
public enum NbdCommand {
  /** Read {@code length} bytes at {@code offset}; the completion hands back exactly that many bytes. */
  READ,
  /** Write the request's payload at {@code offset}. */
  WRITE,
  /** Make every write that completed before this request was submitted durable. */
  FLUSH,
  /** The client no longer needs the range; its content is undefined until written again. */
  TRIM,
  /**
   * The range reads as zeroes afterwards; without {@link NbdCommandFlag#NO_HOLE} the session may
   * deallocate it.
   */
  WRITE_ZEROES
}
