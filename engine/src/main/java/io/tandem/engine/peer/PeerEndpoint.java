package io.tandem.engine.peer;

import java.util.Objects;

/**
 * One other node of the resource, as configured.
 *
 * @param name the node's name, the key of {@link PeerLinks#states()}
 * @param nodeId its node id, 0..31
 * @param address its replication address, {@code host:port}
 */
public record PeerEndpoint(String name, int nodeId, String address) {

  public PeerEndpoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    // fail at configuration time, not at the first dial
    ReplicationAddress.parse(address);
  }
}
