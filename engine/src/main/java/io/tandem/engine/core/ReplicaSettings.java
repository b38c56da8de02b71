package io.tandem.engine.core;

import java.util.List;

/**
 * What the core of one node's side of a resource is configured with.
 *
 * @param activityLogCapacity hot extents per volume (DRBD's {@code al-extents})
 */
public record ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers,
    int activityLogCapacity, QuorumPolicy quorum) {
  public ReplicaSettings {
    peers = List.copyOf(peers);
  }

  /** Settings with quorum off (a single node, tests). */
  public ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers, int activityLogCapacity) {
    this(resource, nodeName, nodeId, peers, activityLogCapacity, QuorumPolicy.OFF);
  }
}
