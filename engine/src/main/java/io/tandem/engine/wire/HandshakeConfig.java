package io.tandem.engine.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one side of a connection brings to the handshake.
 *
 * @param resourceName the resource the connection replicates
 * @param localNodeId this node
 * @param peerNodeId the node expected at the other end
 * @param minVersion the lowest protocol version this side speaks
 * @param maxVersion the highest
 * @param features this side's feature bits
 * @param secret the resource's shared secret, at least one byte; never printed
 */
public record HandshakeConfig(String resourceName, int localNodeId, int peerNodeId, int minVersion,
    int maxVersion, long features, byte[] secret) {

  public HandshakeConfig {
    Objects.requireNonNull(resourceName, "resourceName");
    Objects.requireNonNull(secret, "secret");
    if (localNodeId == peerNodeId) {
      throw new IllegalArgumentException("a node does not connect to itself (node " + localNodeId + ")");
    }
    if (secret.length == 0) {
      throw new IllegalArgumentException("the shared secret is empty");
    }
    secret = secret.clone();
    // the same rules as the Hello this side will send
    new Hello(resourceName, localNodeId, peerNodeId, minVersion, maxVersion, features,
        new byte[WireProtocol.NONCE_BYTES]);
  }

  /** This build's whole version range. */
  public static HandshakeConfig of(String resourceName, int localNodeId, int peerNodeId, long features,
      byte[] secret) {
    return new HandshakeConfig(resourceName, localNodeId, peerNodeId, WireProtocol.MIN_VERSION,
        WireProtocol.MAX_VERSION, features, secret);
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HandshakeConfig that
        && resourceName.equals(that.resourceName)
        && localNodeId == that.localNodeId
        && peerNodeId == that.peerNodeId
        && minVersion == that.minVersion
        && maxVersion == that.maxVersion
        && features == that.features
        && Arrays.equals(secret, that.secret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(resourceName, localNodeId, peerNodeId, minVersion, maxVersion, features);
  }

  @Override
  public String toString() {
    return "HandshakeConfig[resource=" + resourceName + ", local=" + localNodeId + ", peer=" + peerNodeId
        + ", versions=" + minVersion + ".." + maxVersion + ", features=0x" + Long.toHexString(features)
        + ", secret=(hidden)]";
  }
}
