package io.tandem.engine.core;

import java.nio.ByteBuffer;
import java.util.Set;

/** What the edge feeds into the core. Every event is handled completely before the next. */
public sealed interface Event {

  /**
   * A client's I/O request on a volume.
   *
   * @param requestId chosen by the edge, unique among its requests in flight; echoed in the completion
   * @param payload the data of a WRITE (owned by the core until the request completes), else null
   */
  record ClientRequest(long requestId, int volume, RequestKind kind, long offset, int length,
      Set<RequestFlag> flags, ByteBuffer payload) implements Event {
    public ClientRequest {
      flags = Set.copyOf(flags);
    }
  }

  /**
   * An effect's I/O finished.
   *
   * @param data the bytes read, for a {@link DataOperation#READ}
   * @param detail what went wrong, for the log and the operator
   */
  record IoCompleted(long ioId, IoOutcome outcome, ByteBuffer data, String detail) implements Event {
    public static IoCompleted ok(long ioId) {
      return new IoCompleted(ioId, IoOutcome.OK, null, null);
    }
  }

  /** An operator or tool asks for a role (admin API). */
  record RoleRequest(long requestId, Role role) implements Event {}

  /**
   * A client opens an export of this resource; a client that may write promotes the node if it is
   * Secondary (auto-promote).
   */
  record ClientAttach(long requestId, Access access) implements Event {}

  /** A client that attached with {@code access} left; the last writer leaving demotes an auto-promoted node. */
  record ClientDetach(Access access) implements Event {}

  /** What a client intends to do. */
  enum Access {
    READ_ONLY,
    READ_WRITE
  }
}
