package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The first message each side sends, at once, without waiting for the other's.
 *
 * @param resourceName the resource this connection replicates, 1..255 bytes of UTF-8
 * @param senderNodeId the sender's node id
 * @param receiverNodeId the node id the sender expects to be talking to
 * @param minVersion the lowest protocol version the sender speaks, ≥ 1
 * @param maxVersion the highest, ≥ minVersion
 * @param features the sender's feature bits; the connection uses those both sides set
 * @param nonce 32 random bytes from the caller, fresh for every connection attempt
 */
public record Hello(String resourceName, int senderNodeId, int receiverNodeId, int minVersion,
    int maxVersion, long features, byte[] nonce) implements WireMessage {

  static final int FIXED_BYTES = 48;

  public Hello {
    Objects.requireNonNull(resourceName, "resourceName");
    Objects.requireNonNull(nonce, "nonce");
    int nameBytes = Bodies.utf8(resourceName, WireProtocol.MAX_RESOURCE_NAME_BYTES, "resource name").length;
    if (nameBytes == 0) {
      throw new IllegalArgumentException("resource name is empty");
    }
    requireNodeId(senderNodeId, "sender node id");
    requireNodeId(receiverNodeId, "receiver node id");
    if (minVersion < 1 || maxVersion > 0xffff || minVersion > maxVersion) {
      throw new IllegalArgumentException("version range " + minVersion + ".." + maxVersion
          + " is not within 1..65535 or is empty");
    }
    if (nonce.length != WireProtocol.NONCE_BYTES) {
      throw new IllegalArgumentException("nonce of " + nonce.length + " bytes, expected " + WireProtocol.NONCE_BYTES);
    }
    nonce = nonce.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.HELLO;
  }

  @Override
  public byte[] encodeBody() {
    byte[] name = Bodies.utf8(resourceName, WireProtocol.MAX_RESOURCE_NAME_BYTES, "resource name");
    return ByteBuffer.allocate(FIXED_BYTES + name.length)
        .putShort((short) minVersion)
        .putShort((short) maxVersion)
        .putLong(features)
        .put((byte) senderNodeId)
        .put((byte) receiverNodeId)
        .put((byte) name.length)
        .put((byte) 0)
        .put(nonce)
        .put(name)
        .array();
  }

  static Hello decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireAtLeast(body, FIXED_BYTES, MessageType.HELLO);
    int minVersion = Short.toUnsignedInt(body.getShort());
    int maxVersion = Short.toUnsignedInt(body.getShort());
    long features = body.getLong();
    int sender = Byte.toUnsignedInt(body.get());
    int receiver = Byte.toUnsignedInt(body.get());
    int nameLength = Byte.toUnsignedInt(body.get());
    if (body.get() != 0) {
      throw new WireFormatException("HELLO reserved byte 15 is not zero");
    }
    byte[] nonce = new byte[WireProtocol.NONCE_BYTES];
    body.get(nonce);
    Bodies.requireLength(body, nameLength, MessageType.HELLO);
    String name = Bodies.utf8(body, "resource name", MessageType.HELLO);
    try {
      return new Hello(name, sender, receiver, minVersion, maxVersion, features, nonce);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("HELLO " + e.getMessage());
    }
  }

  private static void requireNodeId(int nodeId, String field) {
    if (nodeId < 0 || nodeId > WireProtocol.MAX_NODE_ID) {
      throw new IllegalArgumentException(field + " " + nodeId + " is not within 0.." + WireProtocol.MAX_NODE_ID);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Hello that
        && resourceName.equals(that.resourceName)
        && senderNodeId == that.senderNodeId
        && receiverNodeId == that.receiverNodeId
        && minVersion == that.minVersion
        && maxVersion == that.maxVersion
        && features == that.features
        && Arrays.equals(nonce, that.nonce);
  }

  @Override
  public int hashCode() {
    return Objects.hash(resourceName, senderNodeId, receiverNodeId, minVersion, maxVersion, features)
        * 31 + Arrays.hashCode(nonce);
  }

  @Override
  public String toString() {
    return "Hello[resource=" + resourceName + ", sender=" + senderNodeId + ", receiver=" + receiverNodeId
        + ", versions=" + minVersion + ".." + maxVersion + ", features=0x" + Long.toHexString(features)
        + ", nonce=" + HexFormat.of().formatHex(nonce) + "]";
  }
}
