package io.tandem.engine.runtime;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.wire.WireMessage;

/**
 * Where a {@link ReplicaRuntime} sends its core's peer effects, and what it asks about the
 * connections. {@link #send} and {@link #hold} are called while the runtime holds its lock, in the
 * order of the effects: they must not block (queue, never write to a socket) and must not call
 * back into the runtime.
 */
public interface PeerTransport {

  /** No peers: messages are dropped, every peer is StandAlone. */
  PeerTransport NONE = new PeerTransport() {
    @Override
    public void send(int nodeId, long connectionId, WireMessage message) {}

    @Override
    public void hold(int nodeId, boolean hold, String reason) {}

    @Override
    public ConnectionState connectionState(int nodeId) {
      return ConnectionState.StandAlone;
    }

    @Override
    public long queuedBytes(int nodeId) {
      return 0;
    }
  };

  /**
   * Sends {@code message} on the connection {@code connectionId} to node {@code nodeId}, after
   * everything sent to it before; drops it when that connection has ended.
   */
  void send(int nodeId, long connectionId, WireMessage message);

  /**
   * {@code hold}: closes the connection to node {@code nodeId} and stops connecting to it (the peer
   * stays StandAlone); else connects to it again.
   */
  void hold(int nodeId, boolean hold, String reason);

  /**
   * The transport's view of the connection: StandAlone when held or stopped, Connecting while it
   * tries, Connected once established.
   */
  ConnectionState connectionState(int nodeId);

  /** Bytes sent to node {@code nodeId} and not yet written to its socket. */
  long queuedBytes(int nodeId);
}
