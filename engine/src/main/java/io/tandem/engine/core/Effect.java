package io.tandem.engine.core;

import io.tandem.engine.metadata.ActivityLogTransaction;
import io.tandem.engine.metadata.Superblock;
import java.nio.ByteBuffer;
import java.util.SortedMap;

/** What the core asks the edge to do. I/O effects are answered with {@link Event.IoCompleted}. */
public sealed interface Effect {

  /** An operation on a volume's data file. */
  record DataIo(long ioId, int volume, DataOperation operation, long offset, int length, ByteBuffer payload,
      Durability durability) implements Effect {}

  /**
   * Metadata I/O of one volume, performed in this order, each step only after the previous one
   * succeeded: sync the data file (if {@code syncDataFirst}); write the bitmap pages and sync;
   * write the activity-log transaction (synced); write the superblock (synced). Absent parts are
   * skipped. At most one is in flight per volume.
   */
  record MetadataIo(long ioId, int volume, DataSync dataSync, SortedMap<Integer, byte[]> bitmapPages,
      ActivityLogTransaction transaction, Superblock superblock) implements Effect {}

  /** Whether the data file is synced before the metadata is written. */
  enum DataSync {
    NONE,
    FIRST
  }

  /**
   * Sends a message to a peer over the connection {@code connectionId}; the edge drops it if that
   * connection has ended. Messages to one peer are sent in the order of the effects.
   */
  record SendToPeer(int nodeId, long connectionId, io.tandem.engine.wire.WireMessage message) implements Effect {}

  /**
   * Closes the connection to a peer and stops connecting to it ({@code hold} true: the peer stays
   * StandAlone, e.g. after a split brain or an operator's disconnect), or starts connecting again
   * ({@code hold} false).
   *
   * @param reason why, for the log
   */
  record HoldPeer(int nodeId, boolean hold, String reason) implements Effect {}

  /**
   * A request of the edge ({@link Event.ClientRequest}, {@link Event.RoleRequest},
   * {@link Event.ClientAttach}) is done.
   *
   * @param message why, when not {@link IoStatus#OK}
   * @param data the bytes of a successful READ
   */
  record RequestCompleted(long requestId, IoStatus status, String message, ByteBuffer data) implements Effect {}

  /**
   * Something an operator reads in the node's log — a connect decision, a resync's start and end —
   * in the words of this node. Needs no answer; the edge may drop it.
   */
  record Notice(String message) implements Effect {}
}
