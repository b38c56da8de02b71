package io.tandem.engine.wire;

import java.util.Objects;

/**
 * What one call of {@link WireDecoder#decode} produced: it needs more bytes, it has one whole
 * frame, or the bytes break the protocol (the caller closes the connection).
 */
public record WireDecoded(Kind kind, WireFrame frame, String error) {

  public enum Kind { NEED_MORE_BYTES, FRAME, ERROR }

  private static final WireDecoded NEED_MORE_BYTES = new WireDecoded(Kind.NEED_MORE_BYTES, null, null);

  static WireDecoded needMoreBytes() {
    return NEED_MORE_BYTES;
  }

  static WireDecoded frame(WireFrame frame) {
    return new WireDecoded(Kind.FRAME, Objects.requireNonNull(frame), null);
  }

  static WireDecoded error(String problem) {
    return new WireDecoded(Kind.ERROR, null, Objects.requireNonNull(problem));
  }
}
