package io.tandem.engine.wire;

/**
 * The message types this build knows, with their u16 codes; codes 1..15 belong to the handshake,
 * 16..31 keep an idle connection observed, and 32 on carry replication.
 */
public enum MessageType {
  HELLO(1),
  AUTHENTICATE(2),
  WELCOME(3),
  REFUSED(4),
  PING(16),
  PONG(17),
  REPLICA_STATE(32),
  DATA_WRITE(33),
  WRITE_ACK(34),
  BARRIER(35),
  BARRIER_ACK(36),
  BITMAP_RUNS(37),
  RESYNC_REQUEST(38),
  RESYNC_REPLY(39),
  IN_SYNC(40),
  RESYNC_FINISHED(41),
  NEW_CURRENT_UUID(42),
  TWO_PHASE(43),
  CHECKSUM_REQUEST(44),
  CHECKSUM_REPLY(45),
  PEER_ACK(46);

  private static final int LAST_HANDSHAKE_CODE = 15;

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Whether frames of this type are exchanged before the connection is established (version 0). */
  public boolean handshake() {
    return isHandshakeCode(code);
  }

  static boolean isHandshakeCode(int code) {
    return code >= 1 && code <= LAST_HANDSHAKE_CODE;
  }

  /** The type of a code, or null when this build does not know it. */
  static MessageType ofCode(int code) {
    for (MessageType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    return null;
  }
}
