package io.tandem.engine.wire;

import java.util.Objects;

/**
 * One frame: the header fields a receiver acts on, and the message its body carries.
 *
 * @param version {@link WireProtocol#HANDSHAKE_VERSION} for handshake messages, else the
 *     version the connection agreed on
 * @param senderNodeId the node that sent the frame, 0..{@link WireProtocol#MAX_NODE_ID}
 * @param flags frame flags ({@link WireProtocol#FLAG_MAY_IGNORE})
 * @param message the body
 */
public record WireFrame(int version, int senderNodeId, int flags, WireMessage message) {

  public WireFrame {
    Objects.requireNonNull(message, "message");
    if (message.type().handshake() ? version != WireProtocol.HANDSHAKE_VERSION : version < 1 || version > 0xffff) {
      throw new IllegalArgumentException("version " + version + " for a " + message.type() + " frame");
    }
    if (senderNodeId < 0 || senderNodeId > WireProtocol.MAX_NODE_ID) {
      throw new IllegalArgumentException("sender node id " + senderNodeId + " is not within 0.."
          + WireProtocol.MAX_NODE_ID);
    }
    if ((flags & ~WireProtocol.KNOWN_FLAGS) != 0) {
      throw new IllegalArgumentException("unknown frame flags 0x" + Integer.toHexString(flags));
    }
  }

  /** A handshake frame (version 0, no flags). */
  public static WireFrame handshake(int senderNodeId, WireMessage message) {
    return new WireFrame(WireProtocol.HANDSHAKE_VERSION, senderNodeId, 0, message);
  }

  /** A frame of an established connection (no flags). */
  public static WireFrame of(int version, int senderNodeId, WireMessage message) {
    return new WireFrame(version, senderNodeId, 0, message);
  }
}
