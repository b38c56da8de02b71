package io.tandem.engine.nbd;

import java.util.Objects;

/**
 * What one call of a decoder produced: it needs more bytes, it has one whole message, or the bytes
 * break the framing (the connection must be closed, since the stream can no longer be followed).
 */
record NbdDecoded<T>(Kind kind, T message, String framingError) {

  enum Kind { NEED_MORE_BYTES, MESSAGE, FRAMING_ERROR }

  private static final NbdDecoded<?> NEED_MORE_BYTES = new NbdDecoded<>(Kind.NEED_MORE_BYTES, null, null);

  @SuppressWarnings("unchecked")
  static <T> NbdDecoded<T> needMoreBytes() {
    return (NbdDecoded<T>) NEED_MORE_BYTES;
  }

  static <T> NbdDecoded<T> message(T message) {
    return new NbdDecoded<>(Kind.MESSAGE, Objects.requireNonNull(message), null);
  }

  static <T> NbdDecoded<T> framingError(String problem) {
    return new NbdDecoded<>(Kind.FRAMING_ERROR, null, Objects.requireNonNull(problem));
  }
}
