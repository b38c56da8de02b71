package io.tandem.engine.nbd;

import java.nio.ByteBuffer;

/** How a session finishes one request; see {@link NbdSession#submit}. */
@FunctionalInterface
public interface NbdCompletion {

  /**
   * Finishes the request. Never blocks on the network: the reply is queued for the connection's
   * writer.
   *
   * @param error {@link NbdError#NONE} for success
   * @param readData for a successful READ, the data read: exactly {@code length} bytes between its
   *     position and limit, owned by the server from now on; ignored (may be null) otherwise
   * @throws IllegalStateException if the request was already completed
   * @throws IllegalArgumentException if a successful READ hands back the wrong number of bytes (the
   *     client then gets EIO for it)
   */
  void complete(NbdError error, ByteBuffer readData);
}
