package io.tandem.engine.core;

import java.util.List;

/**
 * What the core of one node's side of a resource is configured with.
 *
 * @param activityLogCapacity hot extents per volume (DRBD's {@code al-extents})
 */
public record ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers,
    int activityLogCapacity) {
  public ReplicaSettings {
    peers = List.copyOf(peers);
  }
}
