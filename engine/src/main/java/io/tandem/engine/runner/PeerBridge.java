package io.tandem.engine.runner;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.peer.PeerEndpoint;
import io.tandem.engine.peer.PeerLinks;
import io.tandem.engine.runtime.PeerTransport;
import io.tandem.engine.runtime.ReplicaRuntime;
import io.tandem.engine.wire.WireFrame;
import io.tandem.engine.wire.WireMessage;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins a node's {@link PeerLinks} and its {@link ReplicaRuntime}: what happens on the links
 * becomes the runtime's peer events (peer names to node ids), on the link threads; the runtime's
 * peer effects go to the links (node ids to names), which only queue them.
 */
final class PeerBridge implements PeerLinks.Listener, PeerTransport {

  private static final System.Logger LOG = System.getLogger(PeerBridge.class.getName());

  private final ReplicaRuntime runtime;
  private final Map<String, Integer> idsByName = new HashMap<>();
  private final Map<Integer, String> namesById = new HashMap<>();
  private PeerLinks links;

  private PeerBridge(ReplicaRuntime runtime, List<PeerEndpoint> peers) {
    this.runtime = runtime;
    for (PeerEndpoint peer : peers) {
      idsByName.put(peer.name(), peer.nodeId());
      namesById.put(peer.nodeId(), peer.name());
    }
  }

  /**
   * The links of node {@code localNodeId} to {@code peers}, feeding {@code runtime}, which sends its
   * peer effects to them from now on; not started yet.
   *
   * @param localAddress the node's replication address, {@code host:port}: it listens there and
   *     dials from its host
   */
  static PeerLinks connect(ReplicaRuntime runtime, String resource, int localNodeId, String localAddress,
      byte[] secret, List<PeerEndpoint> peers) {
    PeerBridge bridge = new PeerBridge(runtime, peers);
    bridge.links = new PeerLinks(resource, localNodeId, localAddress, secret, peers, bridge);
    runtime.usePeerTransport(bridge);
    return bridge.links;
  }

  // ---- the links' events, into the runtime

  @Override
  public void connected(String peer, long connectionId, int version, long features) {
    runtime.peerConnected(nodeId(peer), connectionId);
  }

  @Override
  public void disconnected(String peer, long connectionId, String reason) {
    runtime.peerDisconnected(nodeId(peer), connectionId, reason);
  }

  @Override
  public void received(String peer, long connectionId, WireFrame frame) {
    runtime.peerReceived(nodeId(peer), connectionId, frame.message());
  }

  // ---- the runtime's effects, onto the links

  @Override
  public void send(int nodeId, long connectionId, WireMessage message) {
    if (!links.send(name(nodeId), connectionId, message)) {
      LOG.log(Level.DEBUG, () -> "dropped " + message.type() + " for node " + nodeId + ": connection "
          + connectionId + " has ended");
    }
  }

  @Override
  public void hold(int nodeId, boolean hold, String reason) {
    if (hold) {
      links.hold(name(nodeId), reason);
    } else {
      links.release(name(nodeId));
    }
  }

  @Override
  public ConnectionState connectionState(int nodeId) {
    return links.state(name(nodeId));
  }

  @Override
  public long queuedBytes(int nodeId) {
    return links.queuedBytes(name(nodeId));
  }

  private int nodeId(String peer) {
    Integer id = idsByName.get(peer);
    if (id == null) {
      throw new IllegalArgumentException("'" + peer + "' is not a configured peer");
    }
    return id;
  }

  private String name(int nodeId) {
    String name = namesById.get(nodeId);
    if (name == null) {
      throw new IllegalArgumentException("node id " + nodeId + " is not a configured peer");
    }
    return name;
  }
}
