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

  /**
   * An operator or tool asks for a role (admin API). {@code force} (DRBD's {@code primary --force})
   * promotes also a node whose data is not UpToDate when no UpToDate copy of a volume is reachable:
   * its data becomes UpToDate in a new generation and every peer resyncs from it. Quorum, the lease
   * of a lost Primary and a Primary elsewhere still refuse it.
   */
  record RoleRequest(long requestId, Role role, boolean force) implements Event {

    public RoleRequest(long requestId, Role role) {
      this(requestId, role, false);
    }
  }

  /**
   * A client opens an export of this resource; a client that may write promotes the node if it is
   * Secondary (auto-promote).
   */
  record ClientAttach(long requestId, Access access) implements Event {}

  /** A client that attached with {@code access} left; the last writer leaving demotes an auto-promoted node. */
  record ClientDetach(Access access) implements Event {}

  /**
   * The connection to a peer is established (authenticated). {@code connectionId} names this
   * connection until its {@link PeerDisconnected}; the edge never reuses one.
   */
  record PeerConnected(int nodeId, long connectionId) implements Event {}

  /** The connection {@code connectionId} to a peer ended (or failed to be kept). */
  record PeerDisconnected(int nodeId, long connectionId, String reason) implements Event {}

  /** A message arrived on the connection {@code connectionId}; messages arrive in the peer's sending order. */
  record PeerReceived(int nodeId, long connectionId, io.tandem.engine.wire.WireMessage message) implements Event {}

  /**
   * An operator asks to disconnect from a peer and stay StandAlone ({@code connect} false), or to
   * connect to it again (true); completed with a {@link Effect.RequestCompleted}.
   */
  record PeerCommand(long requestId, int nodeId, boolean connect) implements Event {}

  /**
   * An operator resolves a split brain on this node's side: its changes since the split are
   * dropped and it syncs from the peers it connects to next (DRBD's {@code --discard-my-data}).
   * Refused on a Primary. Completed with a {@link Effect.RequestCompleted}.
   */
  record DiscardMyData(long requestId) implements Event {}

  /**
   * An operator starts an online verify of every volume against every connected peer that is
   * UpToDate (DRBD's {@code drbdadm verify}): blocks are compared by digest and the differing ones
   * are reported and marked out of sync, not repaired. Completed once started.
   */
  record Verify(long requestId) implements Event {}

  /**
   * The edge's clock, a few times a second: paces rate-limited resync. {@code nanos} only ever
   * grows; its origin is arbitrary.
   */
  record Tick(long nanos) implements Event {}

  /** What a client intends to do. */
  enum Access {
    READ_ONLY,
    READ_WRITE
  }
}
