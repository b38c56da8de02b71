package io.tandem.engine.nbd;

/**
 * One client attached to one export. The server validates every request against the export's size
 * and this session's terms before calling {@link #submit}, so a session sees only requests it can
 * carry out (see the package documentation for the rules).
 */
public interface NbdSession {

  /**
   * Whether this client may only read. Fixed for the session's life: it becomes the client's
   * NBD_FLAG_READ_ONLY, and the server answers WRITE, TRIM and WRITE_ZEROES with EPERM itself.
   */
  boolean readOnly();

  /**
   * Starts one request and returns without waiting for it. The completion must be called exactly
   * once, from any thread, possibly before this method returns. Until then the session owns the
   * request's payload (the data of a WRITE). Requests may complete in any order; NBD clients match
   * replies by cookie. A FLUSH must not complete before every write that completed before it was
   * submitted is durable; a request with {@link NbdCommandFlag#FUA} must not complete before its own
   * data is durable.
   */
  void submit(NbdRequest request, NbdCompletion completion);

  /**
   * The client left (NBD_CMD_DISC, end of stream, a framing error, or the server closing). Called
   * once, on the connection's thread, after every submitted request completed and the connection
   * is closed.
   */
  void detach();
}
