package io.tandem.engine.nbd;

/** One export: a range of bytes a client attaches to and then reads and writes through a session. */
public interface NbdExport {

  String name();

  String description();

  /** The size a client sees, 0 or more; requests are checked against it before they reach a session. */
  long sizeBytes();

  /** Whether a writable session accepts {@link NbdCommand#TRIM} (advertised as NBD_FLAG_SEND_TRIM). */
  boolean supportsTrim();

  /** Whether a writable session accepts {@link NbdCommand#WRITE_ZEROES} (NBD_FLAG_SEND_WRITE_ZEROES). */
  boolean supportsWriteZeroes();

  /**
   * Whether flushes and FUA writes on one connection are visible on every other connection to this
   * export when they complete (advertised as NBD_FLAG_CAN_MULTI_CONN, which lets clients such as
   * nbdcopy open several connections).
   */
  boolean supportsMultiConnection();

  /**
   * Called once per client at {@code NBD_OPT_GO} or {@code NBD_OPT_EXPORT_NAME}, on that client's
   * connection thread; may block briefly (for instance to auto-promote the node).
   *
   * @param clientAddress the client's socket address, for logs and decisions such as auto-promote
   * @throws NbdRefusedException to refuse the client: after {@code NBD_OPT_GO} it gets
   *     {@code NBD_REP_ERR_POLICY} with the exception's message and may try again; after
   *     {@code NBD_OPT_EXPORT_NAME}, which cannot carry an error, the connection is closed
   */
  NbdSession attach(String clientAddress) throws NbdRefusedException;
}
