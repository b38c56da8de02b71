package io.tandem.engine.core;

/** Another node of the resource. */
public record Peer(String name, int nodeId) {
  public Peer {
    if (nodeId < 0 || nodeId > 31) {
      throw new IllegalArgumentException("peer node id " + nodeId + " is not within 0..31");
    }
  }
}
