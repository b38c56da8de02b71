package io.tandem.engine.core;

/**
 * Another node of the resource.
 *
 * @param disk whether the peer keeps a copy (only nodes with a disk vote for quorum)
 */
public record Peer(String name, int nodeId, Disk disk) {

  /** Whether a node keeps a copy of the data. */
  public enum Disk {
    DISKFUL,
    DISKLESS
  }

  public Peer {
    if (nodeId < 0 || nodeId > 31) {
      throw new IllegalArgumentException("peer node id " + nodeId + " is not within 0..31");
    }
  }

  /** A peer with a disk. */
  public Peer(String name, int nodeId) {
    this(name, nodeId, Disk.DISKFUL);
  }
}
