package io.tandem.engine.wire;

/** Why a handshake failed, with the u16 code a {@link Refused} carries. */
public enum RefusalReason {
  /** A code this build does not know (a newer peer's reason). */
  UNKNOWN(0),
  /** A message out of order, or of a kind the handshake does not expect. */
  PROTOCOL(1),
  /** The version ranges do not overlap. */
  VERSION(2),
  /** The peer replicates another resource. */
  WRONG_RESOURCE(3),
  /** The peer is not the node expected, or does not expect this node. */
  WRONG_NODE(4),
  /** The peer's proof of the shared secret is wrong. */
  AUTHENTICATION(5);

  private final int code;

  RefusalReason(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  static RefusalReason ofCode(int code) {
    for (RefusalReason reason : values()) {
      if (reason.code == code) {
        return reason;
      }
    }
    return UNKNOWN;
  }
}
